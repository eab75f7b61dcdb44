#!/usr/bin/env python
"""Search throughput and latency at 32 concurrent clients against 1, 2 and 4 `kb serve` instances sharing one
PostgreSQL knowledge base (each client held to one instance, as a load balancer's sticky sessions would), beside
1 instance on SQLite: the shipped corpus, the search page (`/?q=…`, rendered), loopback only. Prints figures.

    python bench/bench_instances.py [--instances 1,2,4] [--clients 32] [--requests 640]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import bench_http as http_bench  # noqa: E402  (the clients, percentiles and the server's command)

CORPUS = BENCH.parent / "corpus"


def env_for(extra: dict[str, str]) -> dict[str, str]:
    return {**http_bench.clean_env(), **extra}


def serve(data_dir: Path, env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen, str]:
    port = http_bench.free_port()
    process = subprocess.Popen([*http_bench.kb_command(), "--data-dir", str(data_dir), "serve", "--port", str(port)],
                               env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            return process, url
        except OSError:
            if process.poll() is not None:
                sys.exit(f"kb serve exited ({process.returncode})")
            time.sleep(0.2)
    sys.exit("kb serve did not answer")


def level(urls: list[str], clients: int, total: int, queries: list[str]) -> dict:
    per = -(-total // clients)
    workers = []
    for c in range(clients):
        host, port = http_bench.split_url(urls[c % len(urls)])
        workers.append(http_bench.Client(host, port, [http_bench.request_for(c * per + j, queries)
                                                      for j in range(per)]))
    threads, began = http_bench.start(workers)
    for t in threads:
        t.join()
    return http_bench.summary(workers, clients, time.perf_counter() - began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", default="1,2,4")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--url", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    import psycopg

    work = Path(tempfile.mkdtemp(prefix="kb-bench-instances-"))
    schema = f"bench_instances_{int(time.time())}"
    pg = {"KB_DATABASE_URL": args.url, "KB_DATABASE_SCHEMA": schema, "KB_SECRET_KEY": "b" * 64}
    queries = http_bench.load_queries()
    rows = []
    try:
        for name, extra in (("SQLite", {}), ("PostgreSQL", pg)):
            subprocess.run([*http_bench.kb_command(), "--data-dir", str(work / f"ingest-{name}"), "ingest",
                            "--approve", str(CORPUS)], env=env_for(extra), cwd=work, check=True, capture_output=True)
        setups = [("SQLite", 1, {}, [work / "ingest-SQLite"])]
        setups += [("PostgreSQL", n, pg, [work / f"pg-{i}" for i in range(n)])
                   for n in (int(x) for x in args.instances.split(","))]
        for name, n, extra, folders in setups:
            servers = [serve(folder, env_for(extra), work) for folder in folders]
            urls = [url for _, url in servers]
            try:
                for url in urls:  # each instance's first searches load what they need
                    for q in queries[:5]:
                        urllib.request.urlopen(url + "/?" + urllib.parse.urlencode({"q": q}), timeout=60).read()
                result = level(urls, args.clients, args.requests, queries)
                rows.append((f"{name}, {n} instance{'s' if n > 1 else ''}", result))
                print(f"{rows[-1][0]:28} {result['ok_rps']:6.1f} req/s  p50 {result['p50']:7.0f} ms  "
                      f"p95 {result['p95']:7.0f} ms  busy {result['busy']}  errors {sum(result['errors'].values())}",
                      flush=True)
            finally:
                for process, _ in servers:
                    process.terminate()
                    process.wait(timeout=30)
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    print(f"\n{args.clients} clients, {args.requests} requests per setup, {os.cpu_count()} CPUs; the search page, "
          "the corpus's 25 practices")
    return 0


if __name__ == "__main__":
    sys.exit(main())
