"""The README documents every command and every setting (datasette's docs-are-tested idea)."""
from dataclasses import fields

from kb.cli import cli
from kb.config import Settings

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"kb {name}" in README, name


def test_every_setting_is_documented():
    for f in fields(Settings):
        assert f"KB_{f.name.upper()}" in README, f.name


def test_the_two_commands_are_there():
    assert "scripts/run" in README and "scripts/test" in README
    assert "scripts/test" in (REPO / ".ci" / "run").read_text()
