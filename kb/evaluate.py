"""Retrieval evaluation on judged queries: recall@5/10, MRR@10 and nDCG@10, overall and per language pair."""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import Practice


@dataclass(frozen=True, slots=True)
class Judged:
    id: str
    query: str
    language: str
    relevant: dict[str, int]  # practice id -> grade (1 related, 2 the answer)


def load_qrels(path: Path, practices: Sequence[Practice]) -> list[Judged]:
    """Read a JSONL file of judged queries; 'file.docx' / 'file.pdf#2' keys are resolved to practice ids."""
    by_key: dict[str, str] = {}
    for p in practices:
        by_key[p.source.key] = p.id
        by_key[p.id] = p.id
        if p.source.ordinal == 1:
            by_key[f"{p.source.key}#1"] = p.id
    judged, missing = [], set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        relevant = {}
        for key, grade in item["relevant"].items():
            if key in by_key:
                relevant[by_key[key]] = int(grade)
            else:
                missing.add(key)
        judged.append(Judged(item.get("id", f"q{n}"), item["query"], item["lang"], relevant))
    if missing:
        raise ValueError(f"Judgements name practices that are not in the knowledge base: {', '.join(sorted(missing))}. "
                         "Ingest the documents they come from first.")
    return judged


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score_ranking(ranking: Sequence[str], relevant: dict[str, int], k: int = 10) -> dict[str, float]:
    grades = [relevant.get(pid, 0) for pid in ranking[:k]]
    ideal = _dcg(sorted(relevant.values(), reverse=True)[:k])
    first = next((i for i, g in enumerate(grades) if g > 0), None)
    hits = lambda n: sum(1 for pid in ranking[:n] if relevant.get(pid, 0) > 0) / max(len(relevant), 1)  # noqa: E731
    return {
        "recall@5": hits(5),
        "recall@10": hits(10),
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "ndcg@10": _dcg(grades) / ideal if ideal else 0.0,
    }


def evaluate(
    judged: Sequence[Judged], rank: Callable[[str], list[str]], languages: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Mean metrics 'all' and per 'ql→dl' pair.

    For a pair, relevance is restricted to documents in dl and the other relevant documents are taken
    out of the ranking, so they neither help nor hurt: the figure says how well a query in ql finds
    what exists in dl among everything else.
    """
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    for q in judged:
        ranking = rank(q.query)
        for name, value in score_ranking(ranking, q.relevant).items():
            sums["all"][name] += value
        counts["all"] += 1
        for dl in sorted({languages[pid] for pid in q.relevant}):
            subset = {pid: g for pid, g in q.relevant.items() if languages[pid] == dl}
            others = set(q.relevant) - set(subset)
            pair = f"{q.language}→{dl}"
            for name, value in score_ranking([p for p in ranking if p not in others], subset).items():
                sums[pair][name] += value
            counts[pair] += 1
    return {key: {**{m: v / counts[key] for m, v in metrics.items()}, "queries": counts[key]} for key, metrics in sums.items()}
