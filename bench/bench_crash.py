"""Crash safety: `kb ingest` killed with SIGKILL at N moments spread over its run (before, during and after
store and index writes), on a knowledge base with approved practices and files changed since; after each
kill the store must open, a re-run must complete, the index must hold exactly the store's passages, and
no approved practice of an unchanged file may be lost.

    python bench/bench_crash.py [--runs 20]

Uses the hashing embedder (no model): the moments of interest are the store's and the index's writes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
KB = str(Path(sys.executable).parent / "kb")


def kb(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KB_DATA_DIR": str(data), "KB_MODEL": "hashing"}
    return subprocess.run([KB, *args], env=env, capture_output=True, text=True, check=check, cwd=tempfile.gettempdir())


def state(data: Path) -> tuple[set[int], set[int], dict[str, tuple[str, str]]]:
    """The index's passage ids, the store's, and each practice's status and file name."""
    from kb.config import Settings
    from kb.embed import HashingEmbedder
    from kb.knowledge import KnowledgeBase

    base = KnowledgeBase(Settings().with_values(data_dir=data, model="hashing"), embedder=HashingEmbedder())
    try:
        return (base.index().ids(), set(base.store.passage_ids()),
                {p.id: (str(p.status), Path(p.source.path).name) for p in base.store.list()})
    finally:
        base.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-crash-") as tmp:
        tmp = Path(tmp)
        docs = tmp / "docs"
        shutil.copytree(REPO / "corpus", docs, ignore=shutil.ignore_patterns("*.jsonl", "*.md"))
        base = tmp / "base"
        kb(base, "ingest", "--approve", str(docs))
        _, _, approved_before = state(base)
        changed = sorted(p for p in docs.iterdir() if p.suffix == ".txt")
        for path in changed:  # files changed since: the next run updates their practices
            path.write_text(path.read_text(encoding="utf-8") + "\n\nDodatkowy akapit o wynikach projektu w 2025 roku.\n",
                            encoding="utf-8")
        names = {p.name for p in changed}
        unchanged = {pid for pid, (status, name) in approved_before.items() if status == "approved" and name not in names}
        probe = tmp / "probe"
        shutil.copytree(base, probe)
        started = time.perf_counter()
        kb(probe, "ingest", str(docs))
        full = time.perf_counter() - started
        print(f"a full re-run takes {full:.1f} s; killing at {args.runs} moments from 0.3 s to {full:.1f} s")
        consistent = 0
        for n in range(args.runs):
            moment = 0.3 + (full - 0.3) * n / max(1, args.runs - 1)
            data = tmp / f"run-{n}"
            shutil.copytree(base, data)
            env = {**os.environ, "KB_DATA_DIR": str(data), "KB_MODEL": "hashing"}
            process = subprocess.Popen([KB, "ingest", str(docs)], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
            time.sleep(moment)
            process.send_signal(signal.SIGKILL)
            process.wait()
            rerun = kb(data, "ingest", str(docs), check=False)
            index_ids, store_ids, statuses = state(data)
            lost = [pid for pid in unchanged if pid in statuses and statuses[pid][0] != "approved"]
            missing = [pid for pid in unchanged if pid not in statuses]
            ok = rerun.returncode in (0, 1) and index_ids == store_ids and not lost
            consistent += ok
            healed = "healed" if "index was behind" in rerun.stderr else ""
            print(f"  kill at {moment:5.2f} s: index {len(index_ids)} = store {len(store_ids)}: "
                  f"{index_ids == store_ids}, approved lost {len(lost)}, replaced {len(missing)} {healed}"
                  f"{'' if ok else '  FAILED'}")
        print(f"consistent after the re-run: {consistent} of {args.runs}")


if __name__ == "__main__":
    main()
