"""Files built to hang, exhaust or crash a reader: each is refused with its reason within bounded time, in a
worker process, while the good file beside it is stored; workers do not outlive the ingest."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from kb.config import Settings
from kb.embed import HashingEmbedder
from kb.knowledge import KnowledgeBase

from . import hostile
from .conftest import CORPUS, REPO


@pytest.fixture
def limited(tmp_path: Path):
    # Long enough for a 200,000-page PDF's page count on a slow, shared machine (5.3 s seen here), so that its
    # refusal is for its pages, not for its time.
    settings = Settings().with_values(data_dir=tmp_path / "data", model="hashing", read_seconds=12)
    base = KnowledgeBase(settings, embedder=HashingEmbedder())
    yield base
    base.close()


def test_hostile_files_are_refused_with_their_reason_and_the_batch_goes_on(limited, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    hostile.reference_cycle_pdf(folder / "a-page-tree-loop.pdf")
    hostile.resource_cycle_pdf(folder / "b-resources-loop.pdf")
    hostile.many_pages_pdf(folder / "c-200000-pages.pdf")
    hostile.nested_html(folder / "d-nested.html")
    hostile.lying_zip_bomb_docx(folder / "e-bomb.docx", inflated_mb=300)
    (folder / "f-good.txt").write_bytes((CORPUS / "walbrzych-lokal-na-start.txt").read_bytes())
    started = time.perf_counter()
    report = ingest_paths(limited, [folder], workers=2)
    elapsed = time.perf_counter() - started
    reasons = {Path(f.path).name: f.error for f in report.files}
    assert "refers to itself" in reasons["a-page-tree-loop.pdf"]
    assert "took over 12 s" in reasons["b-resources-loop.pdf"] and "read_seconds" in reasons["b-resources-loop.pdf"]
    assert "200000 pages" in reasons["c-200000-pages.pdf"]
    assert "nests its elements over 200 levels" in reasons["d-nested.html"]
    assert "DOCX" in reasons["e-bomb.docx"]
    assert reasons["f-good.txt"] == "" and limited.store.count() == 1
    assert elapsed < 60, elapsed
    assert limited.search("lokal na start Wałbrzych")[0].practice.city == "Wałbrzych"


def test_a_docx_is_measured_by_what_it_inflates_to_not_by_what_it_claims(tmp_path):
    from ingest.blocks import ExtractionError
    from ingest.docx import _check_container

    bomb = hostile.lying_zip_bomb_docx(tmp_path / "bomb.docx", inflated_mb=64)
    with pytest.raises(ExtractionError, match="expands to over 16 MB|damaged"):
        _check_container(bomb, max_mb=16)


def test_a_reader_over_its_memory_limit_is_refused_with_the_setting_named(tmp_path):
    settings = Settings().with_values(data_dir=tmp_path / "data", model="hashing", read_memory_mb=64)
    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<p>Ogród społeczny na osiedlu, sąsiedzi sadzą warzywa.</p>" * 400_000
                    + "</body></html>", encoding="utf-8")  # about 24 MB of paragraphs: parsed, far over 64 MB
    base = KnowledgeBase(settings, embedder=HashingEmbedder())
    try:
        [result] = ingest_paths(base, [page], workers=1).files
    finally:
        base.close()
    assert result.status == "failed" and "64 MB" in result.error and "read_memory_mb" in result.error


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_ingest(tmp_path):
    folder = tmp_path / "slow"
    folder.mkdir()
    for n in range(3):
        hostile.resource_cycle_pdf(folder / f"loop-{n}.pdf")
    env = {**os.environ, "KB_DATA_DIR": str(tmp_path / "data"), "KB_MODEL": "hashing", "KB_READ_SECONDS": "120"}
    ingest = subprocess.Popen([str(Path(sys.executable).parent / "kb"), "ingest", str(folder)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(hostile.descendants(ingest.pid)) < 3 and time.monotonic() < deadline:  # fork server and workers
            time.sleep(0.2)
        workers = hostile.descendants(ingest.pid)
        assert len(workers) >= 3, "the ingest started no workers"
        time.sleep(1)
    finally:
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the killed ingest"


def test_html_that_leaves_its_list_items_open_is_not_deep(tmp_path):
    from ingest.text import extract

    page = tmp_path / "lista.html"
    items = "".join(f"<li>Punkt {n}: ogród społeczny przy szkole" for n in range(300))  # no </li>, as HTML allows
    page.write_text(f"<html><body><h1>Ogrody w mieście</h1><ul>{items}</ul></body></html>", encoding="utf-8")
    assert sum(1 for b in extract(page).blocks if b.text.startswith("Punkt")) == 300
