import sqlite3

import pytest

from kb.migrations import MIGRATIONS
from kb.models import Practice, SourceRef, Status, practice_id
from kb.store import DocumentRecord, SqliteStore


def make(doc: str, n: int, body: str, lang: str = "pl") -> Practice:
    return Practice(id=practice_id(doc, n), title=f"Practice {n}", body=body, language=lang,
                    source=SourceRef(path=doc, checksum="c", ordinal=n), themes=("housing",),
                    fields={"description": body})


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "kb.sqlite")
    yield s
    s.close()


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


def test_save_round_trip_and_changes(store):
    doc = DocumentRecord("/d/a.docx", "a.docx", "sum1", 10)
    first = [make("/d/a.docx", 1, "jeden"), make("/d/a.docx", 2, "dwa")]
    changes = store.save_document(doc, first, {p.id: [p.body] for p in first})
    assert changes.added == [p.id for p in first] and not changes.removed
    assert len(changes.new_passages) == 2
    stored = store.get(first[0].id)
    assert stored.title == "Practice 1" and stored.themes == ("housing",) and stored.fields == {"description": "jeden"}
    assert stored.source.key == "a.docx" and stored.status is Status.DRAFT

    store.set_status(first[0].id, Status.APPROVED)
    second = [make("/d/a.docx", 1, "jeden"), make("/d/a.docx", 2, "dwa, zmienione")]
    changes = store.save_document(doc, second, {second[1].id: ["dwa, zmienione"]})
    assert changes.unchanged == [first[0].id] and changes.updated == [first[1].id]
    assert len(changes.dropped_passages) == 1 and len(changes.new_passages) == 1
    assert store.get(first[0].id).status is Status.APPROVED  # curated status survives re-ingest

    changes = store.save_document(doc, second[:1], {})
    assert changes.removed == [first[1].id]
    assert store.get(first[1].id) is None and store.count() == 1
    assert len(store.passage_ids()) == 1


def test_failed_save_leaves_store_intact(store):
    doc = DocumentRecord("/d/a.docx", "a.docx", "sum1", 10)
    good = [make("/d/a.docx", 1, "jeden")]
    store.save_document(doc, good, {good[0].id: ["jeden"]})
    broken = [make("/d/a.docx", 1, "nowy"), make("/d/a.docx", 1, "duplikat id")]  # the same id twice
    with pytest.raises(sqlite3.IntegrityError):
        store.save_document(DocumentRecord("/d/a.docx", "a.docx", "sum2", 10), broken,
                            {broken[0].id: ["x"]})
    assert store.get(good[0].id).body == "jeden"
    assert store.document("/d/a.docx").checksum == "sum1"


def test_stats_and_list_filters(store):
    doc = DocumentRecord("/d/b.pdf", "b.pdf", "s", 1)
    ps = [make("/d/b.pdf", 1, "a", "pl"), make("/d/b.pdf", 2, "b", "uk"), make("/d/b.pdf", 3, "c", "uk")]
    store.save_document(doc, ps, {p.id: [p.body] for p in ps})
    assert [p.language for p in store.list(language="uk")] == ["uk", "uk"]
    stats = store.stats()
    assert stats["practices"] == 3 and stats["by_language"] == {"uk": 2, "pl": 1} and stats["documents"] == 1
