"""Fuzzing of the extractors, longer than the test suite's run: inputs mutated from the same valid seeds by
the same hypothesis strategies (tests/test_fuzz.py), each read by the real bounded workers
(`ingest.worker.read_files`: a fresh fork a file, the time and memory limits of the default settings), as
`kb ingest` reads files. Every input must end in practices or in a refusal the reader words; a raw exception
(the worker's "unexpected error"), a time limit, a memory limit or a killed reader is a failure: its input is
kept in a folder to reproduce it.

    python bench/bench_fuzz.py [--examples 500] [--seconds 600] [--formats docx,pdf,html,text] [--workers 2]
                               [--seed 17] [--failures DIR]

--examples is per format; --seconds is the budget of the whole run, shared out evenly among the formats (a
format stops at its share, whatever is left of its examples). Files are read `--workers` at a time; the
time of an input is that of its group (the slower of the group's files: an upper bound), and the slowest
group's inputs are read again one at a time to time them alone. Memory: the peak RSS of one worker (VmHWM;
it includes what it shares with the fork server, the readers' libraries, the gazetteer and the language
detector) and the peak PSS of the whole tree (fork server and workers; shared pages counted once), sampled
every 50 ms. Reproduce a failure with `kb ingest FILE` or `ingest.read.read_practices`. pdfminer's warnings
on damaged files go to stderr: `2>/dev/null` leaves the figures alone.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# The workers' fork server runs this module again as __mp_main__: what is imported at the top is imported in
# every worker, so the readers, hypothesis and the strategies are imported inside the functions below.
from tests import hostile  # noqa: E402

FAILURES = {  # the worker's own words for a file no reader could refuse by itself
    "unexpected error while reading": "raw exception",
    "reading the file took over": "time limit",
    "the reader stopped on this file": "reader killed",
    "needs more than": "memory limit",
}


@dataclass(slots=True)
class Tally:
    """What one format's inputs came to."""

    name: str
    tried: int = 0
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    failures: list[tuple[Path, str]] = field(default_factory=list)
    slowest: float = 0.0
    slowest_group: list[Path] = field(default_factory=list)
    slowest_alone: tuple[float, str] = (0.0, "")
    worker_peak: int = 0  # bytes: one worker's VmHWM
    server_rss: int = 0  # bytes: the fork server's RSS, which a worker starts with
    tree_peak: int = 0  # bytes: PSS of the fork server and its workers


# -- memory ---------------------------------------------------------------------------------------------
def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


class Sampler(threading.Thread):
    """Every 50 ms, the memory of this process's descendants (fork server, workers), into the current tally."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="memory-sampler")
        self.tally: Tally | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            tally = self.tally
            if tally is None:
                continue
            pids = hostile.descendants(os.getpid())
            servers = {pid for pid in pids if _parent(pid) == os.getpid()}  # the fork server (and a resource tracker)
            workers = pids - servers
            tally.worker_peak = max([tally.worker_peak, *(_status_kb(pid, "VmHWM") * 1024 for pid in workers)])
            tally.server_rss = max([tally.server_rss, *(_status_kb(pid, "VmRSS") * 1024 for pid in servers)])
            tally.tree_peak = max(tally.tree_peak, sum(hostile.pss(pid) for pid in pids))


# -- inputs ------------------------------------------------------------------------------------------------
def generate(name: str, examples: int, seed: int, folder: Path) -> list[Path]:
    """Up to `examples` inputs of one format from tests/test_fuzz.py's strategy, written to files."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    from tests.test_fuzz import FORMATS

    made: list[Path] = []

    @with_seed(seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(FORMATS[name])
    def collect(example: tuple[str, bytes]) -> None:
        suffix, data = example
        path = folder / f"{name}-{len(made) + 1:04d}{suffix}"
        path.write_bytes(data)
        made.append(path)

    collect()
    return made


# -- reading -----------------------------------------------------------------------------------------------
def outcome(result) -> tuple[str, str | None]:
    """The outcome's group ("practices", "no practice", "refused: <reason>") and, for a failure, its kind."""
    from ingest.worker import Read

    if isinstance(result, Read):
        return ("practices" if result.practices else "read, no practice"), None
    message = str(result)
    for start, kind in FAILURES.items():
        if start in message:
            return f"FAILED ({kind}): {message[:120]}", kind
    reason = re.sub(r"\d[\d,.]*", "#", re.sub(r"\s*\(.*", " (…)", message, flags=re.S))
    return f"refused: {reason[:100]}", None


def read(tally: Tally, paths: list[Path], budget: float, workers: int, failures: Path) -> None:
    """Read the inputs `workers` at a time through the real workers until they or the budget run out."""
    from ingest.worker import Job, read_files
    from kb.config import Settings

    config = Settings().with_values(data_dir=failures.parent / "data", model="hashing")
    started = time.perf_counter()
    for at in range(0, len(paths), workers):
        if time.perf_counter() - started > budget:
            break
        group = paths[at:at + workers]
        group_started = time.perf_counter()
        results = list(read_files([Job(p, config, "fuzz") for p in group], workers=workers))
        seconds = time.perf_counter() - group_started
        if seconds > tally.slowest:
            tally.slowest, tally.slowest_group = seconds, group
        for path, result in zip(group, results):
            tally.tried += 1
            group_name, failure = outcome(result)
            tally.outcomes[group_name] += 1
            if failure:
                kept = failures / path.name
                shutil.copy(path, kept)
                kept.with_name(kept.name + ".reason.txt").write_text(str(result), encoding="utf-8")
                tally.failures.append((kept, str(result)))
    tally.seconds = time.perf_counter() - started
    for path in tally.slowest_group:  # each input of the slowest group timed alone
        alone = time.perf_counter()
        list(read_files([Job(path, config, "fuzz")], workers=1))
        tally.slowest_alone = max(tally.slowest_alone, (time.perf_counter() - alone, path.name))


def warm_up(work: Path) -> None:
    """The workers' fork server started (it loads the readers, the gazetteer and the language detector) before
    any input is timed."""
    from ingest.worker import Job, read_files
    from kb.config import Settings

    config = Settings().with_values(data_dir=work / "data", model="hashing")
    list(read_files([Job(REPO / "corpus" / "walbrzych-lokal-na-start.txt", config, "warm-up")], workers=1))


# -- report ------------------------------------------------------------------------------------------------
def report(tallies: list[Tally], workers: int, elapsed: float) -> None:
    mb = 2**20
    print(f"\n{os.cpu_count()} CPUs, {workers} workers, {elapsed:.0f} s in all\n")
    print("| format | inputs | seconds | practices | read, no practice | refused | failures | slowest group | "
          "slowest input alone | worker peak RSS (fork server's) | tree peak PSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in tallies:
        refused = sum(n for k, n in t.outcomes.items() if k.startswith("refused"))
        print(f"| {t.name} | {t.tried} | {t.seconds:.0f} | {t.outcomes['practices']} | "
              f"{t.outcomes['read, no practice']} | {refused} | {len(t.failures)} | {t.slowest:.2f} s | "
              f"{t.slowest_alone[0]:.2f} s ({t.slowest_alone[1]}) | {t.worker_peak / mb:.0f} MB ({t.server_rss / mb:.0f} MB) | "
              f"{t.tree_peak / mb:.0f} MB |")
    for t in tallies:
        print(f"\n{t.name}:")
        for group, n in t.outcomes.most_common():
            print(f"  {n:5d}  {group}")
        for path, message in t.failures:
            print(f"  kept: {path}  ({message[:160]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=500, help="inputs per format")
    parser.add_argument("--seconds", type=float, default=600, help="budget of the whole run (reading)")
    parser.add_argument("--formats", default="docx,pdf,html,text")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=17, help="hypothesis's seed: the same inputs for the same seed")
    parser.add_argument("--failures", type=Path, default=None, help="where failing inputs are kept (a new "
                        "temporary folder by default)")
    args = parser.parse_args()
    os.environ.setdefault("KB_MODEL", "hashing")
    names = [n.strip() for n in args.formats.split(",") if n.strip()]
    work = Path(tempfile.mkdtemp(prefix="bench-fuzz-"))
    failures = args.failures or work / "failures"
    failures.mkdir(parents=True, exist_ok=True)
    warm_up(work)
    sampler = Sampler()
    sampler.start()
    started = time.perf_counter()
    tallies = []
    for name in names:
        folder = work / name
        folder.mkdir()
        generated = time.perf_counter()
        paths = generate(name, args.examples, args.seed, folder)
        print(f"{name}: {len(paths)} inputs generated in {time.perf_counter() - generated:.1f} s", flush=True)
        tally = sampler.tally = Tally(name)
        read(tally, paths, args.seconds / len(names), args.workers, failures)
        sampler.tally = None
        tallies.append(tally)
        print(f"{name}: {tally.tried} read in {tally.seconds:.0f} s, {len(tally.failures)} failures", flush=True)
        shutil.rmtree(folder)
    sampler.stopped.set()
    report(tallies, args.workers, time.perf_counter() - started)
    kept = any(t.failures for t in tallies)
    print(f"\nfailing inputs kept in {failures}" if kept else "\nno failure")
    if not kept and not args.failures:
        shutil.rmtree(work)
    sys.exit(1 if kept else 0)


if __name__ == "__main__":
    main()
