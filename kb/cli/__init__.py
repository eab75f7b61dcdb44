"""The `kb` command line: the one place that composes kb, ingest and web. The group is in group.py; each
command group in its own module, which registers its commands on the group when imported here."""
from . import accounts, checklists, evaluate, export, index, ingest, moving, review, search, serve  # noqa: F401
from .group import cli, main

__all__ = ["cli", "main"]
