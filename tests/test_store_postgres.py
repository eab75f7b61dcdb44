"""The store on the real PostgreSQL of the project's machines (127.0.0.1:5432, database `test`): the same
StoreContract the SQLite store passes, each test in a schema of its own, and what is PostgreSQL's own (the
schema's version, several connections, the lexical leg scoring as SQLite's FTS5 does)."""
import os
import uuid

import psycopg
import pytest

from kb.store import DocumentRecord, PostgresStore, SqliteStore
from kb.store.pg_schema import PG_MIGRATIONS

from .store_contract import DOC, StoreContract, make

URL = os.environ.get("KB_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")


def _schema() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def schema():
    name = _schema()
    yield name
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture
def store(schema):
    s = PostgresStore(URL, schema)
    yield s
    s.close()


class TestPostgresStore(StoreContract):
    integrity_error = psycopg.IntegrityError


def test_schema_is_migrated_once_and_a_newer_one_refused(store, schema):
    assert store.schema_version == len(PG_MIGRATIONS)
    PostgresStore(URL, schema).close()  # re-opening an up-to-date schema changes nothing
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(len(PG_MIGRATIONS),)]
        conn.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(RuntimeError, match="newer than this program"):
        PostgresStore(URL, schema)


def test_another_instances_write_is_seen_through_the_cache(store, schema):
    """Two connections, as two app instances: what one writes, the other's cached answers show."""
    assert store.countries() == []
    other = PostgresStore(URL, schema)
    practice = make(DOC.path, 1, "jeden", country="PL")
    other.save_document(DOC, [practice], {practice.id: ["jeden"]})
    other.close()
    assert store.countries() == ["PL"]


def test_user_names_compare_without_case(store):
    """As SQLite's COLLATE NOCASE: one account whatever the case it is typed in."""
    store.save_user("Ania", "hash", "advisor")
    assert store.user("ANIA").username == "Ania"
    store.save_user("ania", "hash2")
    assert [(u.username, u.password_hash) for u in store.users()] == [("Ania", "hash2")]


BODIES = [
    "Budżet obywatelski w Gdańsku: mieszkańcy zgłaszają projekty i głosują na nie co roku.",
    "Ogrody społeczne na nieużytkach: sąsiedzi uprawiają warzywa i spotykają się w ogrodzie.",
    "Громадський бюджет у Львові: мешканці подають проєкти, а місто фінансує переможців.",
    "Participatory budgeting in Ghent: residents propose projects and vote on them every year.",
    "Community gardens on vacant land: neighbours grow vegetables together and share the harvest.",
    "Budżet obywatelski, budżet obywatelski i jeszcze raz budżet obywatelski: projekty, głosowanie, projekty.",
]


@pytest.mark.parametrize("common", [None, 0.3], ids=["every-stem", "common-stems-left-out"])
def test_the_lexical_and_concept_legs_score_as_sqlites(schema, tmp_path, monkeypatch, common):
    """BM25 computed in SQL gives SQLite FTS5's ranking and scores; the concept leg the same passages. With
    `common`, stems held by more than that share of the passages are left out on both (as in a large
    collection), the two rarest kept when nothing rarer is left."""
    if common is not None:
        from kb.store import fulltext, pg_fulltext

        for module in (fulltext, pg_fulltext):
            monkeypatch.setattr(module, "COMMON_STEM_MIN", 1)
            monkeypatch.setattr(module, "COMMON_STEM_SHARE", common)
    doc = DocumentRecord("/d/b.docx", "b.docx", "sum2", 10)
    practices = [make(doc.path, n, body) for n, body in enumerate(BODIES, start=1)]
    texts = {p.id: [p.body] for p in practices}
    lite, pg = SqliteStore(tmp_path / "kb.sqlite"), PostgresStore(URL, schema)
    for s in (lite, pg):
        s.save_document(doc, practices, texts)
    for query in ("budżet obywatelski projekty", "ogrody społeczne", "participatory budgeting projects",
                  "громадський бюджет", "vegetables harvest neighbours", "nic", "budżet obywatelski głosowanie",
                  "projekty budżet niewiadome"):
        a, b = lite.lexical_search(query, 10), pg.lexical_search(query, 10)
        assert [i for i, _ in a] == [i for i, _ in b], query
        assert [round(s, 6) for _, s in a] == [round(s, 6) for _, s in b], query
        tokens = ["c0", "c1"]
        assert lite.concept_query(tokens) == pg.concept_query(tokens)
    from kb.concepts import thesaurus
    for query in ("budżet obywatelski", "community garden", "громадський бюджет"):
        tokens = thesaurus().tokens(query)
        assert lite.concept_query(tokens) == pg.concept_query(tokens), query
        assert lite.concept_search(tokens, among=[1, 2]) == pg.concept_search(tokens, among=[1, 2]), query
    assert lite.stems_of([1, 4]) == pg.stems_of([1, 4])
    lite.close()
    pg.close()
