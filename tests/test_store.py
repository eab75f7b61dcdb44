"""The store on a real SQLite file: the StoreContract every backend passes, and what is SQLite's own (the
schema's migrations, WAL, the one transaction helper)."""
import re
import sqlite3
from pathlib import Path

import pytest

from kb.migrations import MIGRATIONS
from kb.store import SqliteStore

from .store_contract import DOC, StoreContract, make

STORE_PACKAGE = Path(__file__).resolve().parents[1] / "kb" / "store"


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "kb.sqlite")
    yield s
    s.close()


class TestSqliteStore(StoreContract):
    integrity_error = sqlite3.IntegrityError


def test_schema_is_migrated_and_wal(store, tmp_path):
    db = sqlite3.connect(tmp_path / "kb.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Re-opening an up-to-date store changes nothing.
    SqliteStore(tmp_path / "kb.sqlite").close()
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_newer_schema_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "kb.sqlite")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        SqliteStore(tmp_path / "kb.sqlite")


def test_another_connections_write_is_seen_through_the_cache(store, tmp_path):
    assert store.countries() == []
    practice = make(DOC.path, 1, "jeden", country="PL")
    other = SqliteStore(tmp_path / "kb.sqlite")
    other.save_document(DOC, [practice], {practice.id: ["jeden"]})
    other.close()
    assert store.countries() == ["PL"]


def test_every_write_goes_through_the_one_transaction_helper():
    """Only base.py and pg_base.py begin and commit; every other statement that writes runs on the helper's connection
    (`db`), none on the bare `self._db` outside it, except the passage helpers called inside it."""
    for path in STORE_PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name not in ("base.py", "pg_base.py", "pg_schema.py"):  # each backend's connection; PL/pgSQL
            assert not re.search(r"BEGIN|COMMIT|ROLLBACK", text), path.name
        for method in re.split(r"\n    def ", text)[1:]:
            method = method.split("\nclass ", 1)[0]  # the method only, not a class that follows it
            writes = re.search(r"\b(INSERT|UPDATE|DELETE)\b", method)
            if writes and not method.startswith(("_insert_passage", "_delete_passages", "_apply", "_retire",
                                                 "_upsert_document", "_index_text", "_unindex_text", "_committing",
                                                 "_write_stems", "_write_concepts")):
                assert "self._transaction()" in method, f"{path.name}: def {method.split('(')[0]}"


def test_no_store_module_is_over_400_lines():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in STORE_PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes
