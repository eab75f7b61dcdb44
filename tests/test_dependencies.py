"""Every third-party module the code imports is declared in pyproject.toml (a fresh install has it)."""
import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from .conftest import REPO

OURS = {"kb", "ingest", "web"}


def imported_modules() -> dict[str, str]:
    found = {}
    for package in OURS:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in OURS and top not in sys.stdlib_module_names:
                        found.setdefault(top, str(path.relative_to(REPO)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"]) + [d for deps in project["optional-dependencies"].values() for d in deps]
    return {re.split(r"[\s<>=!\[;]", d, maxsplit=1)[0].lower().replace("_", "-") for d in names}


def test_every_import_is_a_declared_dependency():
    distributions = packages_distributions()
    missing = {}
    for module, where in imported_modules().items():
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not dists & declared():
            missing[module] = where
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
