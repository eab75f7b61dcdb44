"""Ingest quality and speed against labelled documents: prints figures, asserts nothing.

    python bench/eval_ingest.py [--labels corpus/practices.jsonl] [--docs corpus]

The labels are one JSON object a line: {"key": "file.pdf#2", "lang", "city", "country", "themes", "title"}
(`#n` is the practice's order in its file). A predicted practice is matched to an expected one of
the same file when their titles agree (difflib ratio >= 0.8, numbering ignored); segmentation
precision = matched / predicted, recall = matched / expected. Field accuracy is over matched pairs;
cities compare through the gazetteer, so "Житомир" and "Zhytomyr" are the same city.
"""
from __future__ import annotations

import os
import argparse
import json
import sys
import time
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.labels import strip_numbering  # noqa: E402
from ingest.pipeline import read_practices  # noqa: E402
from kb.config import Settings  # noqa: E402
from kb.language import detect_language  # noqa: E402
from kb.places import fold, gazetteer  # noqa: E402
from kb.themes import THEMES  # noqa: E402

THEME_ALIASES = {
    "urban-gardens": "green", "green-infrastructure": "green", "revitalization": "revitalisation",
    "regeneration": "revitalisation", "social-policy": "social", "migration-and-integration": "migration",
    "governance-and-services": "governance", "culture-and-youth": "culture-youth", "culture": "culture-youth",
    "youth": "culture-youth", "post-war-recovery": "recovery", "climate-adaptation": "climate",
    "social-economy": "local-economy",
}
KNOWN_THEMES = {t.id for t in THEMES}


def theme_id(name: str) -> str:
    key = name.lower().replace(" ", "-").replace("_", "-")
    return THEME_ALIASES.get(key, key)


def same_city(predicted: str, expected: str) -> bool:
    if not expected:
        return not predicted
    if fold(predicted) == fold(expected):
        return True
    places, _ = gazetteer().lookup_city(expected)
    return any(p.name == predicted for p in places)


def title_match(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(strip_numbering(a)), fold(strip_numbering(b))).ratio()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=REPO / "corpus" / "practices.jsonl")
    parser.add_argument("--docs", type=Path, default=REPO / "corpus")
    parser.add_argument("--no-duplicates", action="store_true",
                        help="skip the duplicate-linking measure (it embeds the documents with the default model)")
    args = parser.parse_args()

    expected: dict[str, list[dict]] = defaultdict(list)
    for line in args.labels.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            expected[item["key"].split("#")[0]].append(item)

    settings = Settings()
    gazetteer()  # load the gazetteer and the language models once, outside the timing
    detect_language("Miasto przekazało lokale komunalne. Місто передало комунальні приміщення. The city gave rooms.")
    predicted_n = matched = pages = 0
    correct = defaultdict(int)
    tp = fp = fn = 0
    failures = []
    seconds = 0.0
    for name, items in sorted(expected.items()):
        start = time.perf_counter()
        try:
            found, n_pages = read_practices(args.docs / name, settings, "eval")
        except Exception as exc:  # report, go on
            failures.append(f"{name}: {exc}")
            continue
        seconds += time.perf_counter() - start
        pages += n_pages or 1
        predicted_n += len(found)
        free = list(found)
        for want in items:
            best = max(free, key=lambda p: title_match(p.title, want["title"]), default=None)
            if best is None or title_match(best.title, want["title"]) < 0.8:
                continue
            free.remove(best)
            matched += 1
            correct["language"] += best.language == want["lang"]
            correct["city"] += same_city(best.city, want.get("city", ""))
            correct["country"] += best.country == want.get("country", "")
            wanted = {theme_id(t) for t in want.get("themes", [])} & KNOWN_THEMES
            tp += len(wanted & set(best.themes))
            fp += len(set(best.themes) - wanted)
            fn += len(wanted - set(best.themes))
            if os.environ.get("KB_SHOW_THEMES") and wanted != set(best.themes):
                print(f"  {best.title[:60]!r}: missing {sorted(wanted - set(best.themes))} extra {sorted(set(best.themes) - wanted)}")
    expected_n = sum(len(v) for v in expected.values())
    precision = matched / predicted_n if predicted_n else 0.0
    recall = matched / expected_n if expected_n else 0.0
    p_t = tp / (tp + fp) if tp + fp else 0.0
    r_t = tp / (tp + fn) if tp + fn else 0.0
    print(f"files {len(expected)}, expected practices {expected_n}, predicted {predicted_n}, matched {matched}")
    print(f"segmentation   precision {precision:.3f}   recall {recall:.3f}")
    for field in ("language", "city", "country"):
        print(f"{field:14} accuracy  {correct[field] / matched if matched else 0:.3f}")
    print(f"themes         precision {p_t:.3f}   recall {r_t:.3f}   F1 {2 * p_t * r_t / (p_t + r_t) if p_t + r_t else 0:.3f}")
    print(f"speed          {pages / seconds:.1f} pages/s, {predicted_n / seconds:.1f} practices/s "
          f"(extraction, segmentation and enrichment, one process; embedding not included)")
    for failure in failures:
        print("failed:", failure)
    labelled = [item for items in expected.values() for item in items]
    if not args.no_duplicates and any("duplicate_of" in item for item in labelled):
        duplicate_linking(args.docs, labelled)


def _key(key: str) -> str:
    return key[:-2] if key.endswith("#1") else key


def duplicate_linking(docs: Path, labelled: list[dict]) -> None:
    """Ingest the documents into a fresh knowledge base (embedding them) and compare the versions it links
    with the labels' duplicate_of pairs, as pairs of practices (file#n keys)."""
    import tempfile

    from ingest.pipeline import ingest_paths
    from kb.knowledge import KnowledgeBase

    wanted = set()
    for item in labelled:
        other = item.get("duplicate_of")
        if other:
            match = max((x for x in labelled if x["key"].split("#")[0] == other["file"]),
                        key=lambda x: title_match(x["title"], other["title"]))
            wanted.add(frozenset((_key(item["key"]), _key(match["key"]))))
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Settings().with_values(data_dir=Path(tmp)))
        start = time.perf_counter()
        ingest_paths(kb, [docs], workers=2)
        seconds = time.perf_counter() - start
        groups: dict[str, list[str]] = defaultdict(list)
        for p in kb.store.list():
            if p.group_id:
                groups[p.group_id].append(p.source.key)
        kb.close()
    linked = {frozenset((a, b)) for keys in groups.values() for a in keys for b in keys if a < b}
    hits = len(linked & wanted)
    print(f"duplicates     precision {hits / len(linked) if linked else 1.0:.3f}   recall "
          f"{hits / len(wanted) if wanted else 1.0:.3f}   ({len(wanted)} labelled pairs, {len(linked)} linked; "
          f"ingest with embedding {seconds:.0f} s)")
    for pair in sorted(tuple(sorted(x)) for x in linked ^ wanted):
        print("  " + ("missed: " if frozenset(pair) in wanted else "wrong:  ") + " <-> ".join(pair))


if __name__ == "__main__":
    main()
