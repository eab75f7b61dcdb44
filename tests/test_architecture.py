"""Dependencies point one way: ingest/ and web/ use kb/; the kb library imports neither."""
import subprocess
import sys


def test_kb_library_does_not_import_ingest_or_web():
    code = ("import sys, kb.store, kb.index, kb.search, kb.knowledge, kb.embed, kb.evaluate, kb.places, kb.themes; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('ingest', 'web')]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path, package):
    """The project modules a module imports at run time (at its top or inside a function; not those imported
    for type hints only, under `if TYPE_CHECKING:`). `package`: the package the module is in."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    hinted = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
              and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
              for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in hinted:
            continue
        if isinstance(node, ast.ImportFrom):
            parent = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
            base = node.module if not node.level else ".".join(filter(None, (parent, node.module)))
            names = [base] * bool(node.module) + [f"{base}.{a.name}" for a in node.names]  # from . import x: x
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] in ("kb", "ingest", "web"))
    return found


def test_no_import_cycles():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    modules = {}  # dotted name -> (file, the package it is in), subpackages (kb.store) included
    for pkg in ("kb", "ingest", "web"):
        for path in (root / pkg).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = (path, ".".join(parts[:-1]))
    graph = {name: {m for m in _imports(path, package) if m in modules and m != name}
             for name, (path, package) in modules.items()}
    cycles = []

    def visit(name, trail):
        for nxt in sorted(graph[name]):
            if nxt in trail:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(name)

    done: set = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert not cycles, cycles
