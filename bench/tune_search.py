"""Weights of the ranking measured on the TUNING half of the real set only: prints figures, asserts nothing.

    python bench/eval_search.py --work /tmp/rs        # once: ingests the set into /tmp/rs/kb
    python bench/tune_search.py --work /tmp/rs [--grid concept_weight=0,0.1,0.2 theme_boost=0,0.05]

Each grid point is a full ranking of every tuning query with those keyword arguments of
kb.search.search_index; the held-out half is never read here, so that its figures stay held out.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.config import Settings  # noqa: E402
from kb.evaluate import evaluate, evaluate_cutoff, load_qrels  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.search import Cutoff, mark_matches, search_index  # noqa: E402

PAIRS = ("en→pl", "en→uk", "pl→en", "pl→uk", "uk→en", "uk→pl", "en→en", "pl→pl", "uk→uk")


def parse_grid(items: list[str]) -> dict[str, list[float]]:
    grid = {}
    for item in items:
        name, values = item.split("=", 1)
        grid[name] = [float(v) for v in values.split(",")]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--grid", nargs="*", default=["concept_weight=0,0.05,0.1,0.15,0.2,0.3"])
    parser.add_argument("--cutoffs", default="0.2:0.4,0.22:0.3,0.24:0.3,0.24:0.4,0.26:0.3",
                        help="floor:share pairs (kb.search.Cutoff)")
    args = parser.parse_args()
    kb = KnowledgeBase(Settings().with_values(data_dir=args.work / "kb"))
    qrels = load_qrels(args.work / "qrels.jsonl", kb.store.list())
    tune = [q for q in qrels.judged if q.split == "tune"]
    print(f"{len(tune)} tuning queries ({sum(1 for q in tune if not q.relevant)} nonsense), "
          f"{kb.store.count()} practices")
    grid = parse_grid(args.grid)
    print(f"{'setting':40}{'all':>7}{'fav':>7}" + "".join(f"{p:>7}" for p in PAIRS))
    for values in itertools.product(*grid.values()):
        options = dict(zip(grid, values))
        ranked = lambda q, options=options: [h.practice.id for h in search_index(kb, q, k=10, **options)]  # noqa: E731
        result = evaluate(qrels, ranked, "tune")
        fav = result.get("favouritism", {}).get("difference", 0.0)
        print(f"{str(options)[:40]:40}{result['all']['ndcg@10']:>7.3f}{fav:>+7.3f}"
              + "".join(f"{result.get(p, {}).get('share', float('nan')):>7.2f}" for p in PAIRS))
    print("\ncut-off (default weights) floor:share: share of nonsense with no good match / judged losing an answer"
          " / good shown")
    scored = {q.query: search_index(kb, q.query, k=10) for q in tune}
    for pair in args.cutoffs.split(","):
        cutoff = Cutoff(*(float(x) for x in pair.split(":")))

        def marked(query: str, cutoff=cutoff) -> list[tuple[str, bool]]:
            return [(h.practice.id, h.match == "good") for h in mark_matches(kb, scored[query], cutoff=cutoff)]

        cut = evaluate_cutoff(qrels, marked, "tune")
        print(f"  {pair}: {cut['no_good_match']:.2f} of {cut['nonsense']} / {cut['lost_answer']:.3f} of "
              f"{cut['judged']} / {cut['good_shown']:.1f}")


if __name__ == "__main__":
    main()
