"""Moving a knowledge base, as a user does it with the `kb` command: `kb migrate` from SQLite into the real
PostgreSQL (127.0.0.1:5432, database `test`), `kb backup` and `kb restore` of a SQLite one in use."""
import sqlite3
import time

import psycopg
import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.config import Settings
from kb.knowledge import KnowledgeBase

from .conftest import TEST_DATABASE_URL


@pytest.fixture
def sqlite_kb(tmp_path, corpus_copy, monkeypatch):
    """A SQLite knowledge base (whatever store the suite runs on) of a few corpus documents, an admin and a
    collection: records of every kind a migration must carry."""
    for name in ("KB_DATABASE_URL", "KB_DATABASE_SCHEMA"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "lite"
    runner = CliRunner(env={"KB_PASSWORD": "a-long-password-1", "KB_DATABASE_URL": ""})

    def kb(*args):
        return runner.invoke(cli, ["--data-dir", str(data), "--model", "hashing", *args], catch_exceptions=False)

    assert kb("ingest", "--approve", str(corpus_copy)).exit_code == 0
    assert kb("user", "add", "ania", "--role", "admin").exit_code == 0
    base = KnowledgeBase(Settings().with_values(data_dir=data, model="hashing", database_url=""))
    base.store.save_collection("c1", "Mieszkania", "", True, "ania")
    base.store.set_collection_items("c1", [(base.store.list()[0].id, "notatka")])
    base.close()
    return kb, data


@pytest.fixture
def schema():
    name = f"kb_migrate_{time.time_ns()}"
    yield name
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def test_migrate_copies_everything_and_finds_the_same(sqlite_kb, schema):
    kb, data = sqlite_kb
    result = kb("migrate", "--to", TEST_DATABASE_URL, "--schema", schema)
    assert result.exit_code == 0, result.output
    assert "Counts match" in result.output and "3 of 3 searches" in result.output
    moved = KnowledgeBase(Settings().with_values(data_dir=data / "pg", model="hashing",
                                                 database_url=TEST_DATABASE_URL, database_schema=schema))
    try:
        assert moved.store.count() == 3 and moved.store.user("ANIA").role == "admin"
        assert moved.store.collection_items("c1")[0][1] == "notatka"
        assert moved.index_is_current() and moved.index().count == len(moved.store.passage_ids())
        entries, total = moved.store.audit_entries()
        assert total >= 4 and moved.store.log("ania", "test", "x", {}, {}) > max(e.id for e in entries)
    finally:
        moved.close()
    # Into a schema that already holds a knowledge base: refused, nothing changed.
    again = kb("migrate", "--to", TEST_DATABASE_URL, "--schema", schema)
    assert again.exit_code == 1 and "already holds a knowledge base" in again.output


def test_backup_and_restore(sqlite_kb, tmp_path):
    kb, data = sqlite_kb
    assert kb("backup", str(tmp_path / "saved")).exit_code == 0
    assert (tmp_path / "saved" / "kb.sqlite").is_file() and (tmp_path / "saved" / "index" / "faiss.index").is_file()
    store = sqlite3.connect(data / "kb.sqlite")
    store.execute("DELETE FROM practices")  # a mistake after the backup
    store.commit()
    store.close()
    result = kb("restore", str(tmp_path / "saved"))
    assert result.exit_code == 0 and "Restored 3 practices" in result.output
    assert "Mieszkanie za remont" in kb("search", "mieszkanie za remont").output
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "kb.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    refused = kb("restore", str(tmp_path / "broken"))
    assert refused.exit_code != 0 and kb("stats").exit_code == 0
    assert "3" in kb("stats").output
