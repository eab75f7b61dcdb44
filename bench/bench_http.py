#!/usr/bin/env python
"""HTTP benchmark: latency of the search page (GET /?q=...) of the real server under concurrent clients.

Prints figures only (no asserts). By default it builds a knowledge base in a temporary folder
(`kb --data-dir DIR ingest corpus/`), starts `kb --data-dir DIR serve --port FREE_PORT` as a subprocess
(waitress, as in production), and sends the queries of `corpus/dev-queries.jsonl` from 1, 8, 32 and 128
client threads, each on its own persistent connection, with Accept-Language cycling pl/uk/en. A 503 (the
server's back-pressure: its search queue is full) is counted apart from errors; latencies are over the 200s.
With --soak SECONDS it then keeps 8 clients searching for that long and prints the server's memory at the
start and the end. With --url it measures a server that is already running instead (no ingest, no start).
Run from anywhere:

    python bench/bench_http.py [--clients 1,8,32,128] [--requests 200] [--soak 600] [--data-dir DIR]
                               [--url http://HOST:PORT]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
QUERIES = CORPUS / "dev-queries.jsonl"
LANGUAGES = ("pl", "uk", "en")
WARMUP = 10  # sequential requests before the first level, not timed
MIN_PER_CLIENT = 3  # a level sends at least this many requests per client
REQUEST_TIMEOUT_S = 120.0
PRACTICE_LINK = re.compile(r'href="/practices/([^"?/]+)')


# -- the server under test -------------------------------------------------------------------------
def kb_command() -> list[str]:
    """The `kb` console script of this interpreter's environment (the venv), else the one on PATH."""
    script = Path(sys.executable).parent / "kb"
    if script.exists():
        return [str(script)]
    found = shutil.which("kb")
    if found is None:
        sys.exit("error: no `kb` command; activate the project's virtual environment (pip install -e .)")
    return [found]


def clean_env() -> dict[str, str]:
    """The environment without KB_* settings, so the subprocesses use --data-dir and the defaults only."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KB_")}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_kb(args: list[str], workdir: Path) -> subprocess.CompletedProcess:
    """Run `kb ARGS` to completion in workdir (so no ./kb.toml is picked up); output captured as text."""
    return subprocess.run(kb_command() + args, check=False, capture_output=True, text=True, cwd=workdir,
                          env=clean_env())


def ingest(data_dir: Path, workdir: Path) -> float:
    """`kb --data-dir DIR ingest corpus/` (with --approve when this version has it); returns the wall time."""
    extra = ["--approve"] if "--approve" in run_kb(["ingest", "--help"], workdir).stdout else []
    args = ["--data-dir", str(data_dir), "ingest", *extra, str(CORPUS)]
    print(f"ingest: kb {' '.join(args)}", file=sys.stderr)
    start = time.perf_counter()
    done = run_kb(args, workdir)
    if done.returncode != 0:
        sys.exit(f"error: ingest failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return time.perf_counter() - start


def practice_count(data_dir: Path, workdir: Path) -> int | None:
    done = run_kb(["--data-dir", str(data_dir), "stats", "--json"], workdir)
    try:
        return int(json.loads(done.stdout)["practices"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class Server:
    process: subprocess.Popen
    stderr_path: Path
    url: str

    def stderr_tail(self, chars: int = 4000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_server(data_dir: Path, workdir: Path, timeout_s: float) -> Server:
    """Start `kb serve` on a free port and wait until GET / answers 200."""
    port = free_port()
    command = kb_command() + ["--data-dir", str(data_dir), "serve", "--port", str(port)]
    print(f"server: {' '.join(command)}", file=sys.stderr)
    stderr_path = workdir / "server-stderr.log"
    with open(stderr_path, "wb") as err:
        # Own session: Ctrl+C reaches this script only, which then stops the server itself.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=workdir, env=clean_env(),
                                   start_new_session=True)
    server = Server(process, stderr_path, f"http://127.0.0.1:{port}")
    try:
        wait_until_ready(server, timeout_s)
    except BaseException:
        stop_server(server)
        raise
    return server


def wait_until_ready(server: Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    host, port = split_url(server.url)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"error: the server exited with code {server.process.returncode} before answering; "
                     f"its stderr:\n{server.stderr_tail()}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    sys.exit(f"error: the server did not answer GET / with 200 within {timeout_s:.0f} s; its stderr:\n"
             f"{server.stderr_tail()}")


def proc_status(pid: int) -> dict[str, str]:
    """Fields of /proc/PID/status (Linux); empty elsewhere or once the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def stop_server(server: Server) -> None:
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def server_limits() -> str:
    """Waitress's threads and the search gate of `kb serve` with the default settings ('?' for an older
    version without a gate)."""
    try:
        from kb.config import Settings
        from web.limits import SearchGate
    except ImportError:
        return "waitress threads=?"
    gate = SearchGate.from_settings(Settings())
    return (f"waitress threads={gate.capacity + 8}; search gate: {gate.slots} running, {gate.queue} waiting, "
            f"{gate.wait_s:g} s wait")


# -- the clients -----------------------------------------------------------------------------------
def load_queries() -> list[str]:
    with open(QUERIES, encoding="utf-8") as fh:
        return [json.loads(line)["query"] for line in fh if line.strip()]


def split_url(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def request_for(index: int, queries: list[str]) -> tuple[str, str]:
    """Path and Accept-Language of the index-th request: queries cycled, the language shifted each cycle."""
    query = queries[index % len(queries)]
    language = LANGUAGES[(index + index // len(queries)) % len(LANGUAGES)]
    return "/?" + urllib.parse.urlencode({"q": query}), language


@dataclass
class Client:
    """One thread's share of a level: its requests, timings (ms, successful requests) and errors."""
    host: str
    port: int
    todo: list[tuple[str, str]]
    times_ms: list[float] = field(default_factory=list)
    busy: int = 0  # 503s: the server's search queue was full
    errors: Counter = field(default_factory=Counter)
    until: float = 0.0  # with a time limit (the soak), the todo list is cycled until this monotonic time

    def run(self, start: threading.Barrier) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.connect()  # connecting is not part of the first request's time
        except OSError:
            pass  # the first request reconnects, and counts the error if it fails again
        start.wait()
        for path, language in self._requests():
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": language})
                response = conn.getresponse()
                response.read()  # the whole body: the page is rendered, and the connection can be reused
                elapsed = (time.perf_counter() - began) * 1000
                if response.status == 200:
                    self.times_ms.append(elapsed)
                elif response.status == 503:
                    self.busy += 1
                else:
                    self.errors[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] += 1
                conn.close()  # the next request opens a fresh connection
        conn.close()

    def _requests(self):
        if not self.until:
            yield from self.todo
            return
        while time.monotonic() < self.until:
            yield from self.todo


def run_level(url: str, clients: int, total: int, queries: list[str], offset: int) -> dict:
    """`total` requests spread over `clients` threads started together; latency and throughput figures."""
    host, port = split_url(url)
    per_client = max(MIN_PER_CLIENT, -(-total // clients))
    workers = [Client(host, port, [request_for(offset + c * per_client + j, queries) for j in range(per_client)])
               for c in range(clients)]
    threads, began = start(workers)
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return summary(workers, clients, wall)


def start(workers: list[Client]) -> tuple[list[threading.Thread], float]:
    """Each client in its thread, all let go at once; the threads and the moment they started."""
    barrier = threading.Barrier(len(workers) + 1)
    threads = [threading.Thread(target=w.run, args=(barrier,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    barrier.wait()
    return threads, time.perf_counter()


def summary(workers: list[Client], clients: int, wall: float) -> dict:
    times = sorted(t for w in workers for t in w.times_ms)
    errors = sum((w.errors for w in workers), Counter())
    busy = sum(w.busy for w in workers)
    sent = len(times) + busy + sum(errors.values())
    return {"clients": clients, "requests": sent, "ok": len(times), "busy": busy, "errors": errors,
            "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
            "mean": sum(times) / len(times) if times else float("nan"), "rps": sent / wall,
            "ok_rps": len(times) / wall}


def percentile(sorted_values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as numpy's default); NaN when empty."""
    if not sorted_values:
        return float("nan")
    rank = (len(sorted_values) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def warm_up(url: str, queries: list[str]) -> int:
    """WARMUP sequential requests (not timed); returns the practice links on the first results page."""
    host, port = split_url(url)
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT_S)
    links = 0
    for i in range(WARMUP):
        path, language = request_for(i, queries)
        try:
            conn.request("GET", path, headers={"Accept-Language": language})
            response = conn.getresponse()
            body = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            sys.exit(f"error: warm-up request GET {url}{path} failed: {exc!r}")
        if response.status != 200:
            sys.exit(f"error: warm-up request GET {path} answered HTTP {response.status}")
        if i == 0:
            links = len(set(PRACTICE_LINK.findall(body)))
    conn.close()
    return links


def home_page_count(url: str) -> int | None:
    """The practice count shown on the English home page (for --url, where the data folder is unknown)."""
    host, port = split_url(url)
    try:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("GET", "/", headers={"Accept-Language": "en"})
        body = conn.getresponse().read().decode("utf-8", errors="replace")
        conn.close()
    except (OSError, http.client.HTTPException):
        return None
    found = re.search(r"(\d+) practices?\b", body)
    return int(found.group(1)) if found else None


# -- report ----------------------------------------------------------------------------------------
def print_table(rows: list[dict]) -> None:
    print("| clients | requests | 200 | 503 (busy) | errors | p50 ms | p95 ms | p99 ms | answers/s | 200s/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        errors = sum(r["errors"].values())
        print(f"| {r['clients']} | {r['requests']} | {r['ok']} | {r['busy']} | {errors} | {r['p50']:.0f} "
              f"| {r['p95']:.0f} | {r['p99']:.0f} | {r['rps']:.1f} | {r['ok_rps']:.1f} |")
    for r in rows:
        if r["errors"]:
            detail = ", ".join(f"{k} x{v}" for k, v in r["errors"].most_common())
            print(f"\nerrors at {r['clients']} clients: {detail}")


def benchmark(url: str, levels: list[int], total: int, practices: int | None, server: Server | None,
              soak_s: float = 0) -> None:
    queries = load_queries()
    links = warm_up(url, queries)
    limits = server_limits() if server else "server limits unknown (--url)"
    print(f"# HTTP benchmark — GET /?q=... on {url}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.machine()}; {practices if practices is not None else '?'} practices served; {limits}\n")
    print(f"{len(queries)} queries of {QUERIES.relative_to(REPO)}, Accept-Language cycling {'/'.join(LANGUAGES)}; "
          f"{WARMUP} warm-up requests (practices on the first results page: {links}); "
          f"latencies over HTTP 200 answers only\n")
    rows, offset = [], WARMUP
    for clients in levels:
        print(f"level: {clients} client(s)…", file=sys.stderr)
        rows.append(run_level(url, clients, total, queries, offset))
        offset += rows[-1]["requests"]
    print_table(rows)
    if server is not None:
        status = proc_status(server.process.pid)
        peak = status.get("VmHWM", "? kB").split()[0]  # "259672 kB"
        peak_mib = f"{int(peak) / 1024:.0f} MiB" if peak.isdigit() else "?"
        print(f"\nserver process: peak resident memory (VmHWM) {peak_mib}, OS threads {status.get('Threads', '?')}")
    if soak_s:
        soak(url, soak_s, queries, offset, server)


SOAK_CLIENTS = 8
SOAK_SAMPLE_S = 60


def soak(url: str, seconds: float, queries: list[str], offset: int, server: Server | None) -> None:
    """SOAK_CLIENTS clients searching for `seconds`; the server's resident memory sampled every minute."""
    host, port = split_url(url)
    until = time.monotonic() + seconds
    workers = [Client(host, port, [request_for(offset + c * 50 + j, queries) for j in range(50)], until=until)
               for c in range(SOAK_CLIENTS)]
    threads, began = start(workers)
    samples = [(0.0, resident_mib(server))]
    while time.monotonic() < until:
        time.sleep(max(0.0, min(SOAK_SAMPLE_S, until - time.monotonic())))
        samples.append((time.perf_counter() - began, resident_mib(server)))
    for t in threads:
        t.join()
    row = summary(workers, SOAK_CLIENTS, time.perf_counter() - began)
    print(f"\n## Soak: {SOAK_CLIENTS} clients for {seconds:.0f} s\n")
    print_table([row])
    if server is not None:
        first, last = samples[0][1], samples[-1][1]
        growth = f"{(last - first) / first:+.1%}" if first else "?"
        trail = ", ".join(f"{t / 60:.0f} min {m:.0f}" for t, m in samples)
        print(f"\nserver resident memory (VmRSS, MiB): start {first:.0f}, end {last:.0f} ({growth}); {trail}")


def resident_mib(server: Server | None) -> float:
    if server is None:
        return 0.0
    value = proc_status(server.process.pid).get("VmRSS", "0 kB").split()[0]
    return int(value) / 1024 if value.isdigit() else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,8,32,128", help="concurrent clients per level, comma-separated")
    parser.add_argument("--requests", type=int, default=200,
                        help=f"requests per level, spread over its clients (at least {MIN_PER_CLIENT} each)")
    parser.add_argument("--data-dir", type=Path, help="data folder to ingest into and serve (default: a temporary "
                        "one, removed at the end); kept when given")
    parser.add_argument("--url", help="benchmark this running server (e.g. http://127.0.0.1:8000) instead: "
                        "no ingest, no server started")
    parser.add_argument("--soak", type=float, default=0, metavar="SECONDS",
                        help=f"after the levels, {SOAK_CLIENTS} clients search for this long; memory at start and end")
    parser.add_argument("--start-timeout", type=float, default=300,
                        help="seconds to wait for the started server to answer GET / (model load included)")
    args = parser.parse_args()
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` too runs the cleanup below

    if args.url:
        benchmark(args.url.rstrip("/"), levels, args.requests, home_page_count(args.url), None, args.soak)
        return
    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-http-"))
    data_dir = args.data_dir.resolve() if args.data_dir else workdir / "data"
    server = None
    try:
        seconds = ingest(data_dir, workdir)
        print(f"ingest took {seconds:.0f} s", file=sys.stderr)
        practices = practice_count(data_dir, workdir)
        started = time.perf_counter()
        server = start_server(data_dir, workdir, args.start_timeout)
        print(f"server answered after {time.perf_counter() - started:.0f} s", file=sys.stderr)
        benchmark(server.url, levels, args.requests, practices, server, args.soak)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
