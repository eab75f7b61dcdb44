"""Several instances on one PostgreSQL knowledge base (the real server on 127.0.0.1:5432, database `test`): each
keeps its FAISS index as a replica of the database's vectors, so what one writes the others find."""
import time

import psycopg
import pytest

from kb.config import Settings
from kb.embed import HashingEmbedder
from kb.index import IndexNotReady
from kb.knowledge import KnowledgeBase
from kb.models import Practice, SourceRef, practice_id
from kb.store import DocumentRecord

from .conftest import TEST_DATABASE_URL


@pytest.fixture
def two_instances(tmp_path):
    """Two knowledge bases with data folders of their own (as on two machines) and one database schema."""
    schema = f"kb_replica_{time.time_ns()}"
    made = [KnowledgeBase(Settings().with_values(data_dir=tmp_path / name, model="hashing",
                                                 database_url=TEST_DATABASE_URL, database_schema=schema),
                          embedder=HashingEmbedder()) for name in ("one", "two")]
    yield made
    for kb in made:
        kb.close()
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _practice(path: str, n: int, title: str, body: str) -> Practice:
    return Practice(id=practice_id(path, n), title=title, body=body, language="pl",
                    source=SourceRef(path=path, checksum="c", ordinal=n))


def _found(kb: KnowledgeBase, query: str) -> list[str]:
    return [h.practice.title for h in kb.search(query, k=3)]


def _within(seconds: float, check) -> float:
    """How long until `check()` holds (fails after `seconds`)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not seen in time"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_write_on_one_instance_is_found_on_the_other(two_instances):
    one, two = two_instances
    assert two.index(create=True).count == 0
    doc = DocumentRecord("/d/a.txt", "a.txt", "s1", 1)
    one.save_document(doc, [_practice("/d/a.txt", 1, "Ogrody deszczowe", "Ogrody deszczowe zbierają wodę z dachów.")])
    assert _found(one, "ogrody deszczowe") == ["Ogrody deszczowe"]  # the writer at once
    _within(2.0, lambda: _found(two, "ogrody deszczowe") == ["Ogrody deszczowe"])

    # A changed text replaces the other instance's vectors; a removed practice leaves its index.
    one.save_document(doc, [_practice("/d/a.txt", 1, "Łąki kwietne", "Łąki kwietne zamiast trawników.")])
    _within(2.0, lambda: _found(two, "łąki kwietne") == ["Łąki kwietne"])
    assert two.index().count == one.index().count == len(one.store.passage_ids())
    one.save_document(doc, [])
    _within(2.0, lambda: two.replica.index().count == 0)


def test_a_following_instance_applies_changes_as_they_are_announced(two_instances):
    one, two = two_instances
    two.index(create=True)
    two.replica.follow()
    doc = DocumentRecord("/d/b.txt", "b.txt", "s2", 1)
    one.save_document(doc, [_practice("/d/b.txt", 1, "Budżet obywatelski", "Mieszkańcy głosują na projekty.")])
    # Without a search asking, the listener applies the change (no look for changes is due yet).
    waited = _within(2.0, lambda: two.replica._index.count == 1)
    assert waited < 2.0


def test_an_instance_starting_later_builds_its_replica_from_the_database(two_instances, tmp_path):
    one, _ = two_instances
    doc = DocumentRecord("/d/c.txt", "c.txt", "s3", 1)
    one.save_document(doc, [_practice("/d/c.txt", 1, "Rowery miejskie", "Rowery miejskie w całym mieście.")])
    late = KnowledgeBase(one.settings.with_values(data_dir=tmp_path / "late"), embedder=HashingEmbedder())
    try:
        assert _found(late, "rowery miejskie") == ["Rowery miejskie"]
        assert late.index_is_current()
    finally:
        late.close()


def test_passages_whose_vectors_were_never_stored_are_embedded_at_catch_up(two_instances):
    """A crash between the passages' commit and their vectors' leaves passages without vectors: catch_up heals."""
    one, two = two_instances
    doc = DocumentRecord("/d/d.txt", "d.txt", "s4", 1)
    practice = _practice("/d/d.txt", 1, "Kawiarenka naprawcza", "Wolontariusze naprawiają rowery.")
    one.store.save_document(doc, [practice], {practice.id: ["Kawiarenka naprawcza. Wolontariusze naprawiają."]})
    assert not two.index_is_current()
    assert two.catch_up().added == 1
    assert two.index_is_current()
    _within(2.0, lambda: _found(one, "kawiarenka naprawcza") == ["Kawiarenka naprawcza"])


def test_an_advisors_edit_of_the_text_is_found_on_the_other_instance(two_instances):
    """A curated text gets new passages and vectors in the database: the other instance finds the new words."""
    from dataclasses import replace

    one, two = two_instances
    doc = DocumentRecord("/d/e.txt", "e.txt", "s5", 1)
    practice = _practice("/d/e.txt", 1, "Skwer sąsiedzki", "Mieszkańcy urządzili skwer.")
    one.save_document(doc, [practice])
    stored = one.store.get(practice.id)
    one.save_curated(replace(stored, title="Tężnia solankowa", body="Tężnia solankowa w parku miejskim."), True)
    _within(2.0, lambda: _found(two, "tężnia solankowa") == ["Tężnia solankowa"])
    assert two.index().count == len(two.store.passage_ids())


def test_a_change_committed_after_a_later_one_is_not_skipped(two_instances):
    """Two writers: the first to write its vectors commits last. Replicas read the change log up to the oldest
    transaction still running, so the late commit is applied too (reading by position in the log would skip it)."""
    one, two = two_instances
    first = DocumentRecord("/d/f.txt", "f.txt", "s6", 1)
    slow = _practice("/d/f.txt", 1, "Parklet", "Parklet zamiast miejsca parkingowego.")
    one.store.save_document(first, [slow], {slow.id: ["Parklet zamiast miejsca parkingowego."]})
    [passage] = one.store.passage_ids()
    vector = one.embedder.embed_passages(["Parklet zamiast miejsca parkingowego."])[0]
    writer = psycopg.connect(TEST_DATABASE_URL)  # a transaction of its own, held open
    writer.execute(f"SET search_path TO {one.store.schema}")
    writer.execute("INSERT INTO passage_vectors(passage_id, vector) VALUES (%s, %s)", (passage, vector.tobytes()))
    two.index(create=True)
    one.save_document(DocumentRecord("/d/g.txt", "g.txt", "s7", 1),
                      [_practice("/d/g.txt", 1, "Rowerownia", "Rowerownia przy szkole.")])  # writes and commits
    _within(2.0, lambda: _found(two, "rowerownia") == ["Rowerownia"])
    writer.commit()
    writer.close()
    _within(2.0, lambda: two.index().count == 2)
    assert _found(two, "parklet")[0] == "Parklet"


def test_an_instance_with_another_debiasing_is_told_to_reindex(two_instances, tmp_path):
    one, _ = two_instances
    one.save_document(DocumentRecord("/d/h.txt", "h.txt", "s8", 1),
                      [_practice("/d/h.txt", 1, "Ławki", "Nowe ławki w parku.")])
    other = KnowledgeBase(one.settings.with_values(data_dir=tmp_path / "other", debias="none"),
                          embedder=HashingEmbedder())
    third = KnowledgeBase(one.settings.with_values(data_dir=tmp_path / "third"), embedder=HashingEmbedder())
    try:
        with pytest.raises(IndexNotReady, match="debias=subspace.*debias=none.*kb index"):
            other.index()
        other.reindex()  # the settings of the instance that re-indexes become the knowledge base's
        assert _found(other, "ławki") == ["Ławki"]
        with pytest.raises(IndexNotReady, match="debias=none"):
            third.index()
    finally:
        other.close()
        third.close()
