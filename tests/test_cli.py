"""The `kb` command line against real files, a real store and a real index."""
import json
import shutil

import pytest
from click.testing import CliRunner

from kb.cli import cli

from .conftest import CORPUS
from .fixtures.builders import docx_file

BODY = ("Miasto przekazało puste lokale użytkowe w centrum na start młodym firmom i organizacjom pozarządowym. "
        "Przez pierwszy rok najemca płaci symboliczny czynsz, a w zamian odświeża witrynę i prowadzi działalność.")


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data = tmp_path / "data"

    def invoke(*args, model="hashing"):
        return runner.invoke(cli, ["--data-dir", str(data), "--model", model, *args], catch_exceptions=False)

    return invoke


def test_ingest_twice_adds_nothing_and_change_updates(run, corpus_copy):
    first = run("ingest", str(corpus_copy))
    assert first.exit_code == 0, first.output
    listed = json.loads(run("list", "--json").output)
    assert len(listed) == 3 and all(p["body"] and p["source"]["path"] for p in listed)

    again = run("ingest", str(corpus_copy))
    assert again.exit_code == 0 and "3 unchanged" in again.output and "0 new" in again.output
    assert json.loads(run("list", "--json").output) == listed

    docx_file(corpus_copy / "zyrardow-mieszkanie-za-remont.docx", "Mieszkanie za remont (wersja 2)", paragraphs=[BODY])
    changed = run("ingest", str(corpus_copy))
    assert changed.exit_code == 0 and "1 updated" in changed.output, changed.output
    after = {p["id"]: p for p in json.loads(run("list", "--json").output)}
    assert len(after) == 3 and any(p["title"] == "Mieszkanie za remont (wersja 2)" for p in after.values())


def test_corrupt_file_is_reported_others_stored_exit_nonzero(run, corpus_copy):
    assert run("ingest", str(corpus_copy / "las-palmas-huecos-urbanos.pdf")).exit_code == 0
    before = json.loads(run("list", "--json").output)
    (corpus_copy / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = run("ingest", str(corpus_copy))
    assert result.exit_code == 1
    assert "broken.docx: the DOCX file is damaged" in result.output
    after = json.loads(run("list", "--json").output)
    assert len(after) == 3 and all(p in after for p in before)  # what was stored is intact


def test_search_json_batch_list_stats_index(run, corpus_copy, tmp_path):
    run("ingest", str(corpus_copy))
    hits = json.loads(run("search", "lokale na start", "--json", "-k", "2").output)
    assert 1 <= len(hits) <= 2
    assert set(hits[0]) >= {"id", "title", "language", "city", "country", "score", "source"}
    assert hits[0]["source"].startswith(str(corpus_copy))

    queries = tmp_path / "q.txt"
    queries.write_text("ogrody\nremont mieszkania\n\n", encoding="utf-8")
    lines = run("search", "--batch", str(queries), "--json").output.splitlines()
    assert [json.loads(line)["query"] for line in lines] == ["ogrody", "remont mieszkania"]

    stats = json.loads(run("stats", "--json").output)
    assert stats["practices"] == 3 and stats["index"]["current"] is True and stats["index"]["model"] == "hashing/256"
    reindexed = run("index")
    assert reindexed.exit_code == 0 and "3 practices" in reindexed.output
    assert "up to date" in run("index", "--if-needed").output


def test_other_model_is_refused_with_a_fix(run, corpus_copy):
    run("ingest", str(corpus_copy / "walbrzych-lokal-na-start.txt"))
    result = CliRunner().invoke(cli, ["--data-dir", str(corpus_copy.parent / "data"), "--model", "e5-small",
                                      "search", "lokal"])
    assert result.exit_code == 1
    assert "built with hashing/256" in result.output and "kb index" in result.output


def test_empty_knowledge_base_says_what_to_do(run):
    result = run("search", "anything")
    assert result.exit_code == 1 and "kb ingest" in result.output


@pytest.mark.slow
def test_eval_prints_every_language_pair(tmp_path, corpus_kb):
    """`kb eval` over the corpus knowledge base built with the real model."""
    data = corpus_kb.settings.data_dir
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "eval", str(CORPUS / "dev-queries.jsonl")])
    assert result.exit_code == 0, result.output
    for pair in ("pl→uk", "uk→pl", "en→pl", "pl→en", "uk→en", "en→uk", "all"):
        assert pair in result.output
    assert "plain cosine" in result.output and "+ translated query (default)" in result.output


def test_config_file_and_environment(tmp_path):
    from kb.config import Settings

    (tmp_path / "kb.toml").write_text('[kb]\nmodel = "hashing"\nport = 9000\n', encoding="utf-8")
    settings = Settings.from_env({"KB_PORT": "9100", "KB_DATA_DIR": str(tmp_path / "d")}, tmp_path / "kb.toml")
    assert (settings.model, settings.port, settings.data_dir) == ("hashing", 9100, tmp_path / "d")
    with pytest.raises(ValueError, match="Unknown setting"):
        Settings().with_values(colour="blue")
    shutil.rmtree(tmp_path / "d", ignore_errors=True)


def test_search_filters(run, corpus_copy):
    run("ingest", str(corpus_copy))
    spanish = json.loads(run("search", "ogrody", "--country", "es", "--json").output)
    assert [h["country"] for h in spanish] == ["ES"]
    housing = json.loads(run("search", "ogrody", "--theme", "housing", "--json").output)
    assert housing and all("housing" in h["themes"] for h in housing)
    assert run("search", "ogrody", "--theme", "gardens").exit_code == 2  # unknown theme: a usage error


def test_accounts_and_approval_from_the_command_line(run, corpus_copy, monkeypatch, tmp_path):
    assert run("ingest", str(corpus_copy)).exit_code == 0
    drafts = run("list", "--status", "draft").output.strip().splitlines()
    assert len(drafts) == 3
    assert run("approve", drafts[0].split()[0]).exit_code == 0
    assert len(run("list", "--status", "approved").output.strip().splitlines()) == 1
    assert "Give practice ids" in run("approve").output
    assert run("ingest", "--approve", str(corpus_copy)).exit_code == 0  # unchanged files: their drafts approved
    assert run("list", "--status", "draft").output.strip() == ""

    monkeypatch.setenv("KB_PASSWORD", "short")
    refused = run("user", "add", "ala", "--role", "admin")
    assert refused.exit_code == 1 and "at least 10 characters" in refused.output
    monkeypatch.setenv("KB_PASSWORD", "a long enough password")
    assert run("user", "add", "ala", "--role", "admin").exit_code == 0
    assert "ala" in run("user", "list").output and "admin" in run("user", "list").output
    last = run("user", "remove", "ala")
    assert last.exit_code == 1 and "last admin" in last.output
    assert run("user", "passwd", "ala").exit_code == 0
    assert run("user", "add", "olek").exit_code == 0 and run("user", "role", "olek", "admin").exit_code == 0
    assert run("user", "remove", "ala").exit_code == 0 and "ala" not in run("user", "list").output
    # Every account change made here is in the audit trail, as the system user's (not the refused ones).
    from kb.config import Settings
    from kb.curation import audit
    from kb.knowledge import KnowledgeBase

    entries, _ = audit(KnowledgeBase(Settings().with_values(data_dir=tmp_path / "data", model="hashing")))
    accounts = [(e.action, e.target) for e in entries if e.target.startswith("user:")]
    assert sorted(accounts) == sorted([("user_add", "user:ala"), ("password", "user:ala"), ("user_add", "user:olek"),
                                       ("user_role", "user:olek"), ("user_remove", "user:ala")])
    assert all(e.actor.endswith("(kb user)") for e in entries if e.target.startswith("user:"))
