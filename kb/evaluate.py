"""Retrieval evaluation on judged queries: recall@5/10, MRR@10 and nDCG@10, overall and per language pair,
each pair also as a share of what the ideal ranking scores on it, a language-favouritism figure, and how the
"good match" cut-off treats judged and nonsense queries.

Judgements are JSONL, one query a line: {"id", "query", "lang", "relevant": {KEY: grade}, "split"?,
"languages"?: {KEY: language}}. A KEY is a practice id, a source key ('file.docx', 'file.pdf#2') or a file's
name: a file judged as a whole stands for every practice extracted from it (a web page that ingest split in two
is still one answer). Queries with no relevant practice (nonsense, off-topic) only count for the cut-off. A KEY
the knowledge base does not hold is an error, unless "languages" names its language: then it is a miss for
every ranking (a text ingest screened out). "split" ("tune" / "held-out") names the half a query belongs to;
each half is reported on its own.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import Practice

K = 10


@dataclass(frozen=True, slots=True)
class Judged:
    id: str
    query: str
    language: str
    relevant: dict[str, int]  # unit (a practice id, or a file judged as a whole) -> grade (1 related, 2 the answer)
    split: str = ""


@dataclass(frozen=True, slots=True)
class Qrels:
    """Judged queries and what a ranking of practices is scored as: each practice's unit and its language."""

    judged: list[Judged]
    unit_of: dict[str, str]  # practice id -> the unit judged (itself, its source key or its file)
    languages: dict[str, str]  # unit -> language
    unstored: frozenset[str] = frozenset()  # judged units the knowledge base does not hold: misses for every ranking

    def units(self, practice_ids: Sequence[str]) -> list[str]:
        """A ranking of practices as a ranking of judged units, each unit once, at its best place."""
        return list(dict.fromkeys(self.unit_of.get(pid, pid) for pid in practice_ids))

    @property
    def splits(self) -> list[str]:
        return sorted({q.split for q in self.judged if q.split}, key=lambda s: (s != "tune", s))

    def half(self, split: str) -> list[Judged]:
        return [q for q in self.judged if q.split == split] if split else self.judged


def load_qrels(path: Path, practices: Sequence[Practice]) -> Qrels:
    """Read a JSONL file of judged queries and resolve its keys to the stored practices."""
    items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    used = {key for item in items for key in item["relevant"]}
    unit_of: dict[str, str] = {}
    languages: dict[str, str] = {}
    for p in practices:
        first = f"{p.source.key}#1" if p.source.ordinal == 1 else ""
        unit = next((key for key in (p.id, p.source.key, first) if key and key in used), None)
        if unit is None:
            unit = p.source.name if p.source.name in used else p.id
        unit_of[p.id] = unit
        languages.setdefault(unit, p.language)
    judged, missing, unstored = [], set(), set()
    for n, item in enumerate(items, start=1):
        relevant = {}
        declared = item.get("languages", {})  # a set of texts may say each unit's language: then a unit the
        for key, grade in item["relevant"].items():  # ingest screened out counts as a miss, not as an error
            if key not in languages and key in declared:
                languages[key] = declared[key]
                unstored.add(key)
            if key in languages:
                relevant[key] = int(grade)
            else:
                missing.add(key)
        judged.append(Judged(item.get("id", f"q{n}"), item["query"], item["lang"], relevant, item.get("split", "")))
    if missing:
        raise ValueError(f"Judgements name practices that are not in the knowledge base: {', '.join(sorted(missing))}. "
                         "Ingest the documents they come from first.")
    return Qrels(judged, unit_of, languages, frozenset(unstored))


def _discount(i: int) -> float:
    return 1.0 / math.log2(i + 2) if i < K else 0.0


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) * _discount(i) for i, g in enumerate(grades))


def score_ranking(ranking: Sequence[str], relevant: dict[str, int], k: int = K) -> dict[str, float]:
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


def ideal_pair_ndcg(relevant: dict[str, int], subset: set[str]) -> float:
    """What the ideal ranking (every judged unit, best grade first) scores on the units of one pair, with
    everything else left in the ranking. Ties are in no particular order, so each unit of a grade takes the mean
    discount of the places its grade spans."""
    order = sorted(set(relevant.values()), reverse=True)
    place, gained = 0, 0.0
    for grade in order:
        members = [u for u, g in relevant.items() if g == grade]
        mean_discount = sum(_discount(place + j) for j in range(len(members))) / len(members)
        gained += sum(1 for u in members if u in subset) * (2**grade - 1) * mean_discount
        place += len(members)
    own = _dcg(sorted((relevant[u] for u in subset), reverse=True))
    return gained / own if own else 0.0


def evaluate(qrels: Qrels, rank: Callable[[str], list[str]], split: str = "") -> dict[str, dict[str, float]]:
    """Mean metrics 'all' and per 'ql→dl' pair, over the queries of one half (all of them when split is '').

    Per pair two figures. "ndcg@10": relevance restricted to documents in dl, the other relevant documents
    taken out of the ranking, so they neither help nor hurt: how well a query in ql finds what exists in dl
    among everything else. "share": the pair's nDCG@10 with the ranking as it is, divided by what the ideal
    ranking scores on that pair. Above 1, the pair's documents outrank better ones in other languages; the
    'favouritism' row is the mean same-language share minus the mean cross-language share.
    """
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    shares: dict[bool, list[float]] = {True: [], False: []}
    for q in qrels.half(split):
        if not q.relevant:
            continue  # a nonsense or off-topic query: only the cut-off measures it
        ranking = qrels.units(rank(q.query))
        for name, value in score_ranking(ranking, q.relevant).items():
            sums["all"][name] += value
        counts["all"] += 1
        for dl in sorted({qrels.languages[u] for u in q.relevant}):
            subset = {u: g for u, g in q.relevant.items() if qrels.languages[u] == dl}
            others = set(q.relevant) - set(subset)
            pair = f"{q.language}→{dl}"
            for name, value in score_ranking([u for u in ranking if u not in others], subset).items():
                sums[pair][name] += value
            ideal = ideal_pair_ndcg(q.relevant, set(subset))
            share = score_ranking(ranking, subset)["ndcg@10"] / ideal if ideal else 0.0
            sums[pair]["share"] += share
            shares[q.language == dl].append(share)
            counts[pair] += 1
    out = {key: {**{m: v / counts[key] for m, v in metrics.items()}, "queries": counts[key]}
           for key, metrics in sums.items()}
    if shares[True] and shares[False]:
        same, cross = (sum(shares[b]) / len(shares[b]) for b in (True, False))
        out["favouritism"] = {"same": same, "cross": cross, "difference": same - cross,
                              "queries": len(shares[True]) + len(shares[False])}
    return out


def evaluate_cutoff(qrels: Qrels, search: Callable[[str], list[tuple[str, bool]]], split: str = "") -> dict[str, float]:
    """How the good-match cut-off treats one half: `search` gives (practice id, is a good match) best first.

    - nonsense: queries with nothing relevant; 'no_good_match' is the share whose results hold no good match;
    - judged: queries with a grade-2 practice; 'lost_answer' is the share where a grade-2 practice is among the
      first K results but below the cut-off (a visitor would have to click to see it); 'good_shown' the mean
      number of good matches shown."""
    nonsense = judged = none_good = lost = shown = 0
    for q in qrels.half(split):
        results = search(q.query)
        good = [qrels.unit_of.get(pid, pid) for pid, is_good in results if is_good]
        if not q.relevant:
            nonsense += 1
            none_good += not good
            continue
        answers = {u for u, g in q.relevant.items() if g >= 2}
        if not answers:
            continue
        judged += 1
        top = qrels.units([pid for pid, _ in results])[:K]
        lost += any(u in answers and u not in good for u in top)
        shown += len(set(good))
    return {
        "nonsense": nonsense, "no_good_match": none_good / nonsense if nonsense else 0.0,
        "judged": judged, "lost_answer": lost / judged if judged else 0.0,
        "good_shown": shown / judged if judged else 0.0,
    }
