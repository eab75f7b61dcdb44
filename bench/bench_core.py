#!/usr/bin/env python
"""Core benchmark: ingest throughput, query latency on the corpus, and query latency at N synthetic practices.

Prints figures only (no asserts, no pass/fail). Run from anywhere:

    python bench/bench_core.py [--synthetic N] [--queries Q] [--out DIR] [--keep]

See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import itertools
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import faiss
import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the project is pip-installed editable, but a plain checkout works too
    sys.path.insert(0, str(REPO))

import kb.search as kb_search  # noqa: E402  (optional stages, looked up by name: search.py evolves)
from ingest.pipeline import ingest_paths  # noqa: E402
from kb.config import Settings  # noqa: E402
from kb.debias import LanguageDebias  # noqa: E402
from kb.index import FaissIndex  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.models import Practice, SourceRef, practice_id  # noqa: E402
from kb.search import CANDIDATES_PER_RESULT, search_index  # noqa: E402
from kb.store import DocumentRecord  # noqa: E402

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS")
SEED = 42
K = 10  # results per query, as the web UI and the CLI ask
WARMUP = 5
PRACTICES_PER_DOCUMENT = 500
LANGUAGES = ("pl", "uk", "en")
WORST_CASE_QUERIES = 10
LOOP_BUDGET_S = 30.0  # a timed loop stops after this many seconds (--loop-budget), once it has MIN_SAMPLES
MIN_SAMPLES = 10
ABSENT_LANGUAGE = "de"  # no synthetic practice has it
NOISE_SIGMA = 0.01  # per dimension; a 384-d noise vector then has a norm of about 0.2
VOCABULARY = (
    "housing", "renovation", "vacant", "shops", "temporary", "use", "participatory", "budget", "youth",
    "garden", "community", "retrofit", "energy", "climate", "water", "square", "heritage", "courtyard",
    "school", "street", "mobility", "displaced", "people", "volunteers", "tenants", "district",
    "mieszkanie", "remont", "rewitalizacja", "partycypacja", "budżet", "obywatelski", "ogród", "młodzież",
    "lokal", "kamienica", "podwórko", "termomodernizacja", "sąsiedzi", "dzielnica",
    "житло", "ремонт", "громада", "бюджет", "молодь", "город", "приміщення", "школа", "ВПО", "волонтери",
    "енергоефективність", "ОСББ", "подвір'я", "спадщина", "вулиця", "мешканці",
)


# -- small helpers ---------------------------------------------------------------------------------
def now() -> float:
    return time.perf_counter()


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    value = resource.getrusage(who).ru_maxrss
    return value / (2**20 if sys.platform == "darwin" else 2**10)


def current_rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def mib(path: Path) -> float:
    return path.stat().st_size / 2**20 if path.exists() else 0.0


def latency(samples_s: Sequence[float]) -> dict[str, float]:
    ms = np.asarray(samples_s, dtype=np.float64) * 1000.0
    return {
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "mean": float(ms.mean()),
        "max": float(ms.max()),
        "n": int(ms.size),
    }


def timed_each(items: Sequence, fn: Callable, budget: bool = False) -> tuple[list[float], list]:
    """Time fn on each item; with budget=True, stop once LOOP_BUDGET_S is spent (after MIN_SAMPLES)."""
    times, results = [], []
    for item in items:
        t0 = now()
        results.append(fn(item))
        times.append(now() - t0)
        if budget and over_budget(times):
            break
    return times, results


def over_budget(times: Sequence[float]) -> bool:
    return bool(LOOP_BUDGET_S) and len(times) >= MIN_SAMPLES and sum(times) > LOOP_BUDGET_S


def heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 76 - len(text)))
    print(f"  (load average {load_avg()})", flush=True)


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def lat_row(name: str, stats: dict[str, float]) -> list[str]:
    return [name, f"{stats['p50']:.1f}", f"{stats['p95']:.1f}", f"{stats['mean']:.1f}", f"{stats['max']:.1f}",
            str(stats["n"])]


LAT_HEADER = ["ms per query", "p50", "p95", "mean", "max", "n"]


class FitTimer:
    """Times LanguageDebias.fit (model load on first use + embedding the parallel reference set).

    It is wrapped in this process only, to report the one-off cost hidden inside the first ingest
    and inside FaissIndex.create; the project's code is not changed.
    """

    def __init__(self) -> None:
        self.calls: list[float] = []
        self._original = LanguageDebias.__dict__["fit"]

    def __enter__(self) -> FitTimer:
        original, calls = self._original.__func__, self.calls

        def fit(cls, *args, **kwargs):
            t0 = now()
            try:
                return original(cls, *args, **kwargs)
            finally:
                calls.append(now() - t0)

        LanguageDebias.fit = classmethod(fit)
        return self

    def __exit__(self, *exc) -> None:
        LanguageDebias.fit = self._original


# -- 1. ingest -------------------------------------------------------------------------------------
def bench_ingest(data_dir: Path, workers: int) -> tuple[KnowledgeBase, dict]:
    heading(f"1. Ingest the shipped corpus ({REPO / 'corpus'}, workers={workers})")
    kb = KnowledgeBase(Settings().with_values(data_dir=data_dir))
    with FitTimer() as fit:
        t0 = now()
        report = ingest_paths(kb, [REPO / "corpus"], workers=workers)
        wall = now() - t0
    stats = kb.store.stats()
    files = len(report.files)
    failed = report.failed
    one_off = sum(fit.calls)
    steady = max(wall - one_off, 1e-9)
    out = {
        "files": files,
        "files_failed": len(failed),
        "documents": stats["documents"],
        "practices": stats["practices"],
        "passages": stats["passages"],
        "wall_s": wall,
        "files_per_s": files / wall,
        "passages_per_s": stats["passages"] / wall,
        "practices_per_s": stats["practices"] / wall,
        "one_off_s": one_off,
        "passages_per_s_steady": stats["passages"] / steady,
        "peak_rss_mib": peak_rss_mib(),
        "peak_rss_children_mib": peak_rss_mib(resource.RUSAGE_CHILDREN),
        "by_language": stats["by_language"],
    }
    print_table(
        ["figure", "value"],
        [
            ["files (failed)", f"{files} ({len(failed)})"],
            ["practices", stats["practices"]],
            ["passages", stats["passages"]],
            ["practices by language", ", ".join(f"{k} {v}" for k, v in stats["by_language"].items())],
            ["wall time", f"{wall:.2f} s"],
            ["files/s", f"{out['files_per_s']:.2f}"],
            ["practices/s", f"{out['practices_per_s']:.2f}"],
            ["passages/s", f"{out['passages_per_s']:.2f}"],
            ["  of wall: model load + de-bias fit (one-off)", f"{one_off:.2f} s"],
            ["  passages/s without the one-off", f"{out['passages_per_s_steady']:.2f}"],
            ["peak RSS, this process", f"{out['peak_rss_mib']:.0f} MiB"],
            ["peak RSS, largest extraction worker", f"{out['peak_rss_children_mib']:.0f} MiB"],
        ],
    )
    for f in failed:
        print(f"  FAILED {f.path}: {f.error}")
    return kb, out


# -- 2. query latency on the corpus ----------------------------------------------------------------
def load_queries(count: int) -> tuple[list[str], int]:
    path = REPO / "corpus" / "dev-queries.jsonl"
    base = [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(itertools.islice(itertools.cycle(base), count)), len(base)


def search_accepts(*names: str) -> bool:
    return all(n in inspect.signature(search_index).parameters for n in names)


def stage_breakdown(kb: KnowledgeBase, index: FaissIndex, queries: list[str], wanted: int) -> dict[str, dict]:
    """Each stage of search_index alone, in the order search_index runs them, on the same queries.

    Stages that the current kb/search.py does not have (no lexical leg, no place boost) are left out.
    """
    stages: dict[str, list[float]] = {}
    stages["embed"], vectors = timed_each(queries, lambda q: kb.embedder.embed_queries([q])[0], budget=True)
    queries = queries[: len(vectors)]  # fewer when the loop ran out of time
    n = len(queries)
    stages["faiss"], dense = timed_each(vectors, lambda v: dict(index.search(v, wanted)))
    lexical: list[dict] = [{} for _ in queries]
    extra_counts: list[int] = [0] * n
    if getattr(kb_search, "LEXICAL_WEIGHT", 0) and hasattr(kb.store, "lexical_search"):
        stages["lexical"], lexical = timed_each(queries, lambda q: dict(kb.store.lexical_search(q, wanted)))
        if hasattr(index, "score"):
            missing = [[i for i in lexical[j] if i not in dense[j]] for j in range(n)]
            extra_counts = [len(m) for m in missing]
            stages["score"], _ = timed_each(range(n), lambda j: index.score(vectors[j], missing[j]))
    if getattr(kb_search, "PLACE_BOOST", 0) and hasattr(kb_search, "query_city"):
        stages["place"], _ = timed_each(queries, lambda q: kb_search.query_city(kb, q))
    ids = [list(dict.fromkeys([*dense[j], *lexical[j]])) for j in range(n)]
    stages["store"], _ = timed_each(ids, kb.store.by_passages)
    out = {name: latency(t) for name, t in stages.items()}
    out["sum"] = latency([sum(t[j] for t in stages.values()) for j in range(n)])
    out["counts"] = {
        "faiss_candidates": wanted,
        "lexical_hits_mean": float(np.mean([len(x) for x in lexical])),
        "lexical_only_mean": float(np.mean(extra_counts)),
        "looked_up_mean": float(np.mean([len(x) for x in ids])),
    }
    return out


def stage_rows(stages: dict[str, dict], wanted: int) -> list[list[str]]:
    c = stages["counts"]
    labels = {
        "embed": "embed query: embed_queries([q])",
        "faiss": f"FAISS: index.search(v, {wanted}) (query de-bias included)",
        "lexical": f"lexical: store.lexical_search(q, {wanted}) (FTS5 BM25), {c['lexical_hits_mean']:.0f} hits",
        "score": f"score lexical-only hits: index.score(v, ids), {c['lexical_only_mean']:.0f} ids",
        "place": "place: query_city(q)",
        "store": f"store: by_passages(ids), {c['looked_up_mean']:.0f} ids",
        "sum": "sum of the stages",
    }
    return [lat_row("  " + labels[k], v) for k, v in stages.items() if k != "counts"]


def bench_corpus_queries(kb: KnowledgeBase, queries: list[str], distinct: int) -> dict:
    wanted = max(K * CANDIDATES_PER_RESULT, 50)
    heading(f"2. Query latency on the corpus ({len(queries)} queries cycling {distinct} dev queries, k={K})")
    index = kb.index()
    cold = timed_each(queries[:1], lambda q: search_index(kb, q, k=K))[0][0]
    for q in queries[1:WARMUP]:
        search_index(kb, q, k=K)
    e2e, _ = timed_each(queries, lambda q: search_index(kb, q, k=K), budget=True)
    stages = stage_breakdown(kb, index, queries, wanted)
    out = {"index_count": index.count, "cold_first_query_ms": cold * 1000, "end_to_end": latency(e2e),
           "stages": stages}
    print(f"  index: {index.count} passages, {index.manifest.model_id}, debias={index.manifest.debias}")
    print(f"  first query after ingest (cold: lazy loads, e.g. the place gazetteer): {cold * 1000:.0f} ms")
    print_table(
        LAT_HEADER,
        [lat_row("end to end: search_index(kb, q, k=10)", out["end_to_end"]), *stage_rows(stages, wanted)],
    )
    return out


# -- 3. synthetic practices ------------------------------------------------------------------------
def synthetic_vectors(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each vector mixes 2 or 3 distinct real passage vectors (Dirichlet weights), plus Gaussian noise."""
    m, dim = real.shape
    picks = rng.random((n, m)).argsort(axis=1)[:, :3] if m >= 3 else rng.integers(0, m, (n, 3))
    weights = rng.dirichlet(np.ones(3), size=n)
    pairs = rng.random(n) < 0.5  # half pairs, half triples
    weights[pairs, 2] = 0.0
    weights /= weights.sum(axis=1, keepdims=True)
    mixed = np.einsum("nk,nkd->nd", weights, real[picks]) + rng.normal(0.0, NOISE_SIGMA, (n, dim))
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    return mixed.astype(np.float32)


def synthetic_batches(n: int, rng: np.random.Generator):
    """(DocumentRecord, practices, passages) per PRACTICES_PER_DOCUMENT practices; one passage each."""
    vocab = np.array(VOCABULARY)
    for start in range(0, n, PRACTICES_PER_DOCUMENT):
        path = f"synthetic://bench/batch-{start // PRACTICES_PER_DOCUMENT:04d}"
        digest = hashlib.sha256(path.encode()).hexdigest()
        doc = DocumentRecord(path=path, given_path=path, checksum=digest, size=0)
        practices, passages = [], {}
        for ordinal, i in enumerate(range(start, min(n, start + PRACTICES_PER_DOCUMENT)), start=1):
            words = " ".join(rng.choice(vocab, size=8))
            title = f"Synthetic practice {i}"
            p = Practice(
                id=practice_id(path, ordinal), title=title, body=f"{title}: {words}.",
                language=LANGUAGES[i % len(LANGUAGES)],
                source=SourceRef(path=path, checksum=digest, locator="", ordinal=ordinal),
            )
            practices.append(p)
            passages[p.id] = [p.body]  # what split_passages gives for a one-sentence body led by the title
        yield doc, practices, passages


def bench_synthetic(kb: KnowledgeBase, data_dir: Path, n: int, queries: list[str]) -> dict:
    heading(f"3. {n} synthetic practices (vectors mixed from the corpus's real passage vectors)")
    rng = np.random.default_rng(SEED)

    rows = list(kb.store.passages())
    t0 = now()
    real = kb.embedder.embed_passages([r.text for r in rows])
    embed_s = now() - t0
    print(f"  embedded the corpus's {len(rows)} passages once: {embed_s:.2f} s "
          f"({len(rows) / embed_s:.2f} passages/s)")
    vectors = synthetic_vectors(real, n, rng)
    languages = [LANGUAGES[i % len(LANGUAGES)] for i in range(n)]

    settings = Settings().with_values(data_dir=data_dir)
    syn = KnowledgeBase(settings, embedder=kb.embedder)  # same loaded model, own store and index

    t0 = now()
    ids: list[int] = []
    for doc, practices, passages in synthetic_batches(n, rng):
        changes = syn.store.save_document(doc, practices, passages)
        ids += [s.id for s in changes.new_passages]
    store_s = now() - t0
    stats = syn.store.stats()

    with FitTimer() as fit:
        index = FaissIndex.create(settings.index_dir, kb.embedder, "subspace")
    t0 = now()
    index.add(ids, vectors, languages)
    add_s = now() - t0
    exact_index = index
    t_fit = now()
    index = index.fit_to_size(settings.exact_limit)  # what the product does past the exact limit
    fit_s = now() - t_fit
    index.save()
    build_s = now() - t0
    index_file = settings.index_dir / FaissIndex.FILE
    db_mib = sum(mib(settings.database.with_name(settings.database.name + s)) for s in ("", "-wal", "-shm"))

    out = {
        "n": n,
        "practices": stats["practices"],
        "passages": stats["passages"],
        "ids_match_vectors": len(ids) == len(vectors),
        "corpus_embed_s": embed_s,
        "corpus_embed_passages_per_s": len(rows) / embed_s,
        "store_write_s": store_s,
        "store_practices_per_s": n / store_s,
        "debias_fit_s": sum(fit.calls),
        "index_add_s": add_s,
        "index_type": index.manifest.index_type,
        "index_nprobe": index.manifest.nprobe,
        "index_fit_s": fit_s,
        "index_build_s": build_s,
        "index_file_mib": mib(index_file),
        "database_mib": db_mib,
        "peak_rss_mib": peak_rss_mib(),
        "rss_mib": current_rss_mib(),
    }
    print_table(
        ["figure", "value"],
        [
            ["practices / passages stored", f"{stats['practices']} / {stats['passages']}"
             + ("" if out["ids_match_vectors"] else "  (MISMATCH with vectors!)")],
            [f"store write ({-(-n // PRACTICES_PER_DOCUMENT)} save_document calls)",
             f"{store_s:.2f} s ({out['store_practices_per_s']:.0f} practices/s)"],
            ["de-bias fit in FaissIndex.create (not in build)", f"{out['debias_fit_s']:.2f} s"],
            ["index build: add (de-bias + FAISS) + save", f"{build_s:.3f} s (add {add_s:.3f} s)"],
            ["index type (exact up to Settings.exact_limit passages)",
             f"{index.manifest.index_type}" + (f", nprobe {index.manifest.nprobe}, trained in {fit_s:.1f} s"
                                               if index.manifest.nprobe else "")],
            ["index file faiss.index", f"{out['index_file_mib']:.1f} MiB"],
            ["SQLite database (+wal/shm)", f"{db_mib:.1f} MiB"],
            ["RSS now / peak so far", f"{out['rss_mib']:.0f} / {out['peak_rss_mib']:.0f} MiB"],
        ],
    )

    # Baseline: plain inner product over the same (un-de-biased) vectors, no store lookups.
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)

    def baseline(q: str):
        v = kb.embedder.embed_queries([q])[0]
        return flat.search(v.reshape(1, -1), K)

    wanted = max(K * CANDIDATES_PER_RESULT, 50)
    loaded = syn.index()  # loads the saved index from disk, as the web app would
    for q in queries[:WARMUP]:
        search_index(syn, q, k=K)
        baseline(q)
    # Interleaved (alternating which goes first) so that a change in machine load hits both alike.
    e2e, base = [], []
    for n_q, q in enumerate(queries):
        order = ((e2e, lambda q=q: search_index(syn, q, k=K)), (base, lambda q=q: baseline(q)))
        for bucket, call in order if n_q % 2 == 0 else order[::-1]:
            t0 = now()
            call()
            bucket.append(now() - t0)
        if LOOP_BUDGET_S and len(e2e) >= MIN_SAMPLES and sum(e2e) + sum(base) > LOOP_BUDGET_S:
            break
    out |= {"end_to_end": latency(e2e), "baseline": latency(base)}
    rows = [lat_row("kb search_index(syn, q, k=10)", out["end_to_end"]),
            lat_row("baseline: embed + plain IndexFlatIP, k=10", out["baseline"])]
    if search_accepts("lexical_weight", "place_boost"):
        dense_only, _ = timed_each(
            queries, lambda q: search_index(syn, q, k=K, lexical_weight=0.0, place_boost=0.0), budget=True)
        out["dense_only"] = latency(dense_only)
        rows.append(lat_row("kb search_index, dense only (lexical_weight=0, place_boost=0)", out["dense_only"]))
    # Worst case of the language filter: a language no practice has, so search_index deepens
    # (80, 320, 1280, ...) until it has read the whole index and looked up every passage.
    worst_q = queries[: min(len(queries), WORST_CASE_QUERIES)]
    worst, _ = timed_each(worst_q, lambda q: search_index(syn, q, k=K, language=ABSENT_LANGUAGE), budget=True)
    out["filtered_worst"] = latency(worst)
    rows.append(lat_row(f"kb search_index(language={ABSENT_LANGUAGE!r}): matches nothing, "
                        f"{len(worst_q)} queries", out["filtered_worst"]))
    stages = stage_breakdown(syn, loaded, queries, wanted)
    qv = kb.embedder.embed_queries(queries)
    flat_faiss, _ = timed_each(list(qv), lambda v: flat.search(v.reshape(1, -1), K))
    out |= {"stages": stages, "flat_faiss": latency(flat_faiss), "rss_after_queries_mib": current_rss_mib()}
    if exact_index is not index:
        # Recall of the approximate index against exact search over the same vectors: passages (top 10
        # and the 80 candidates search_index reads) and the practices search_index returns.
        lang_of = [kb_search.query_language(index, q) for q in queries]
        r10 = [len({i for i, _ in index.search(v, K, lg)} & {i for i, _ in exact_index.search(v, K, lg)}) / K
               for v, lg in zip(qv, lang_of)]
        r80 = [len({i for i, _ in index.search(v, wanted, lg)} & {i for i, _ in exact_index.search(v, wanted, lg)})
               / wanted for v, lg in zip(qv, lang_of)]
        practices = []
        for q in queries[:50]:
            a = {h.practice.id for h in search_index(syn, q, k=K)}
            b = {h.practice.id for h in search_index(syn, q, k=K, index=exact_index)}
            practices.append(len(a & b) / max(len(b), 1))
        out["recall"] = {"passages@10": float(np.mean(r10)), f"passages@{wanted}": float(np.mean(r80)),
                         "practices@10": float(np.mean(practices))}
        print(f"\n  approximate index recall against exact search: passages@10 {np.mean(r10):.3f}, "
              f"passages@{wanted} {np.mean(r80):.3f}, search_index practices@10 {np.mean(practices):.3f}")
    rows += [["kb stages, each alone:", "", "", "", "", ""], *stage_rows(stages, wanted),
             lat_row(f"baseline FAISS alone: IndexFlatIP.search(v, {K})", out["flat_faiss"])]
    print(f"\n  query latency at N={n} ({len(queries)} queries, k={K}, after {WARMUP} warm-up queries)")
    print_table(LAT_HEADER, rows)
    syn.close()
    return out


# -- 4. summary ------------------------------------------------------------------------------------
STAGE_NAMES = {"embed": "embedding", "faiss": "FAISS search", "lexical": "lexical (FTS5) search",
               "score": "scoring lexical-only hits", "place": "place lookup", "store": "store lookup"}


def summary(ing: dict, cq: dict, syn: dict, total_s: float, env: dict) -> str:
    n = syn["n"]

    def ms(stats: dict) -> str:
        return f"{stats['p50']:.1f} / {stats['p95']:.1f}"

    def unit(stats: dict, expected: int = env["queries"]) -> str:
        """ms, with the number of samples when a loop stopped early (LOOP_BUDGET_S)."""
        return "ms" if stats["n"] >= expected else f"ms (n={stats['n']} of {expected})"

    rows = [
        ("Corpus ingest: files / practices / passages",
         f"{ing['files']} / {ing['practices']} / {ing['passages']}", "count"),
        ("Corpus ingest wall time (workers=2)", f"{ing['wall_s']:.1f}", "s"),
        ("  of which model load + de-bias fit (one-off)", f"{ing['one_off_s']:.1f}", "s"),
        ("Corpus ingest throughput: files", f"{ing['files_per_s']:.2f}", "files/s"),
        ("Corpus ingest throughput: practices", f"{ing['practices_per_s']:.2f}", "practices/s"),
        ("Corpus ingest throughput: passages", f"{ing['passages_per_s']:.2f}", "passages/s"),
        ("Corpus ingest throughput: passages, without one-off", f"{ing['passages_per_s_steady']:.2f}", "passages/s"),
        ("Peak RSS after ingest (main process)", f"{ing['peak_rss_mib']:.0f}", "MiB"),
        ("Corpus query, first after ingest (cold)", f"{cq['cold_first_query_ms']:.0f}", "ms"),
        ("Corpus query, end to end p50 / p95", ms(cq["end_to_end"]), unit(cq["end_to_end"])),
        *[(f"Corpus query, {STAGE_NAMES[k]} alone p50 / p95", ms(v), unit(v))
          for k, v in cq["stages"].items() if k in STAGE_NAMES],
        (f"N={n}: store write ({n} practices)", f"{syn['store_write_s']:.2f}", "s"),
        (f"N={n}: index build (add + save)", f"{syn['index_build_s']:.3f}", "s"),
        (f"N={n}: index file size", f"{syn['index_file_mib']:.1f}", "MiB"),
        (f"N={n}: SQLite size", f"{syn['database_mib']:.1f}", "MiB"),
        (f"N={n}: RSS after build (peak so far)", f"{syn['rss_mib']:.0f} ({syn['peak_rss_mib']:.0f})", "MiB"),
        (f"N={n}: kb search_index p50 / p95", ms(syn["end_to_end"]), unit(syn["end_to_end"])),
        (f"N={n}: baseline embed + IndexFlatIP p50 / p95", ms(syn["baseline"]), unit(syn["baseline"])),
        *([(f"N={n}: kb search_index, dense only p50 / p95", ms(syn["dense_only"]), unit(syn["dense_only"]))]
          if "dense_only" in syn else []),
        (f"N={n}: kb search_index, worst-case language filter p50 / p95", ms(syn["filtered_worst"]), unit(syn["filtered_worst"], min(env["queries"], WORST_CASE_QUERIES))),
        *[(f"N={n}: kb {STAGE_NAMES[k]} alone p50 / p95", ms(v), unit(v))
          for k, v in syn["stages"].items() if k in STAGE_NAMES and k != "embed"],
        (f"N={n}: baseline FAISS alone p50 / p95", ms(syn["flat_faiss"]), unit(syn["flat_faiss"])),
        ("Total benchmark run time", f"{total_s:.0f}", "s"),
    ]
    lines = [
        f"<!-- bench/bench_core.py, {env['date']}, {env['cpus']} CPUs, {env['machine']}, Python {env['python']}, "
        f"faiss {env['faiss']}, model {env['model']}, {env['queries']} queries, load avg at start {env['load_start']}"
        f", at end {env['load_end']}, threads: {env['threads']} -->",
        "| Measurement | Value | Unit |",
        "|---|---:|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    global LOOP_BUDGET_S
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=10000, metavar="N", help="synthetic practices (10000)")
    parser.add_argument("--queries", type=int, default=100, metavar="Q", help="timed queries per measurement (100)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="working folder, empty or new (default: a fresh temporary folder, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--workers", type=int, default=2, help="ingest extraction processes (2)")
    parser.add_argument("--loop-budget", type=float, default=LOOP_BUDGET_S, metavar="S",
                        help=f"stop a timed query loop after S seconds, once it has {MIN_SAMPLES} samples; "
                             f"0: never ({LOOP_BUDGET_S:g})")
    args = parser.parse_args(argv)
    LOOP_BUDGET_S = args.loop_budget

    started = now()
    load_start = load_avg()
    if args.out is None:
        out_dir, temporary = Path(tempfile.mkdtemp(prefix="kb-bench-")), not args.keep
    else:
        out_dir, temporary = args.out.resolve(), False
        if out_dir.exists() and any(out_dir.iterdir()):
            parser.error(f"--out {out_dir} is not empty: give a new or empty folder")
        out_dir.mkdir(parents=True, exist_ok=True)
    queries, distinct = load_queries(args.queries)
    threads = ", ".join(f"{v}={os.environ[v]}" for v in THREAD_VARIABLES if v in os.environ) or "library defaults"
    print(f"bench_core: repo {REPO}, working folder {out_dir}")
    print(f"  {os.cpu_count()} CPUs, load average {load_start}, Python {platform.python_version()}, "
          f"faiss {faiss.__version__}, numpy {np.__version__}")
    print(f"  thread settings: {threads}; timed loops stop after {LOOP_BUDGET_S:g} s (0: never)")

    try:
        kb, ing = bench_ingest(out_dir / "corpus-kb", args.workers)
        cq = bench_corpus_queries(kb, queries, distinct)
        syn = bench_synthetic(kb, out_dir / "synthetic-kb", args.synthetic, queries)
        env = {
            "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "machine": platform.machine(),
            "python": platform.python_version(), "faiss": faiss.__version__,
            "model": kb.embedder.model_id, "queries": len(queries),
            "load_start": load_start, "load_end": load_avg(), "threads": threads,
        }
        kb.close()
        total = now() - started
        table = summary(ing, cq, syn, total, env)
        heading("4. Summary (markdown)")
        print(table)
        if not temporary:
            (out_dir / "summary.md").write_text(table + "\n", encoding="utf-8")
            (out_dir / "results.json").write_text(
                json.dumps({"ingest": ing, "corpus_queries": cq, "synthetic": syn, "env": env, "total_s": total},
                           indent=2, ensure_ascii=False), encoding="utf-8")
            print(f"\n(summary.md and results.json written to {out_dir})")
    finally:
        if temporary:
            shutil.rmtree(out_dir, ignore_errors=True)
    print(f"\nTotal run time: {now() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
