"""Ingest quality and speed against labelled documents: prints figures, asserts nothing.

    python bench/eval_ingest.py                      # the real third-party set, each half (bench/real-ingest)
    python bench/eval_ingest.py --set corpus         # our own samples (corpus/)
    python bench/eval_ingest.py --set ingest-set     # the older held-out set of documents built from our texts
    python bench/eval_ingest.py --half tune          # one half only (tuning the extractor: never `held-out`)

Labels are one JSON object a line: {"key": "file.pdf#2", "title", "lang", "city", "country", "themes",
"pages": [first, last], "stage", "also_in": "other.pdf#1"} (`#n` is the practice's order in its file). The
real set also has manifests (`manifest-*.jsonl`: one line a file, with its source and licence); a file
listed there with no labelled practice holds none. The real set is split by file: a file whose name starts
with `h3-` (collected on 2026-12-07, after every choice so far) is held out; the rest (the first 43 files and
the 27 `h2-*` files, whose held-out figures have been measured and then looked at) is the tuning half.

A predicted practice is matched to an expected one of the same file when their titles agree (difflib ratio
>= 0.8, numbering ignored), or agree in part (>= 0.5, or one contains the other) and their pages overlap.
Segmentation precision = matched / predicted, recall = matched / expected. City precision is over matched
practices for which a city was predicted (a wrong city costs more than none), recall over those whose label
names one; cities compare through the gazetteer and the official romanisation, so "Житомир", "Zhytomyr" and
"Zhitomir" are one city.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

try:
    from ingest import ocr  # noqa: E402
except ImportError:  # an extractor from before OCR (a baseline run)
    ocr = None
from ingest.labels import strip_numbering  # noqa: E402
from ingest.pipeline import read_practices  # noqa: E402
from kb.config import Settings  # noqa: E402
from kb.language import detect_language  # noqa: E402
from kb.places import fold, gazetteer  # noqa: E402
from kb.themes import THEMES  # noqa: E402

REAL = REPO / "bench" / "real-ingest"
SETS = {
    "real": (REAL / "docs", sorted(REAL.glob("labels-*.jsonl")), sorted(REAL.glob("manifest-*.jsonl"))),
    "corpus": (REPO / "corpus", [REPO / "corpus" / "practices.jsonl"], []),
    "ingest-set": (REPO / "bench" / "ingest-set" / "docs", [REPO / "bench" / "ingest-set" / "labels.jsonl"], []),
}
THEME_ALIASES = {
    "urban-gardens": "green", "green-infrastructure": "green", "revitalization": "revitalisation",
    "regeneration": "revitalisation", "social-policy": "social", "migration-and-integration": "migration",
    "governance-and-services": "governance", "culture-and-youth": "culture-youth", "culture": "culture-youth",
    "youth": "culture-youth", "post-war-recovery": "recovery", "climate-adaptation": "climate",
    "social-economy": "local-economy",
}
KNOWN_THEMES = {t.id for t in THEMES}
# Titles of front and back matter, written for this measure (not the extractor's own list).
FRONT_BACK = re.compile(
    r"(?i)^\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:table of contents?|contents?|list of (?:figures|tables|abbreviations)|"
    r"executive summary|summary|abstract|introduction|methodology|methods?|annex\w*|appendix|appendices|"
    r"references|bibliography|literature|acknowledg\w*|conclusions?|glossary|abbreviations|partners|"
    r"spis (?:treści|rysunków|tabel)|streszczenie|wstęp|wprowadzenie|metodologia|załącznik\w*|aneks|"
    r"bibliografia|literatura|podsumowanie|wnioski|podziękowania|зміст|перелік (?:рисунків|таблиць)|резюме|"
    r"вступ|методологія|додат\w*|список (?:літератури|використаних джерел)|література|висновки|подяк\w*)\W*$")


def half_of(file: str) -> str:
    """The third split (2026-12-07): the files collected on 2026-12-07 after every choice so far (`h3-*`) are
    the held-out half, and no choice is made on them. The first collection and the second (`h2-*`, held out
    until its figures were measured on 2026-12-07 and then looked at) are tuning material."""
    return "held-out" if file.startswith("h3-") else "tune"


def theme_id(name: str) -> str:
    key = name.lower().replace(" ", "-").replace("_", "-")
    return THEME_ALIASES.get(key, key)


def _romanised(name: str) -> str:
    from translitua import UkrainianKMU, translit

    return fold(translit(name, UkrainianKMU)) if re.search("[а-яіїєґ]", name.lower()) else fold(name)


def same_city(predicted: str, expected: str) -> bool:
    if not expected or not predicted:
        return not predicted and not expected
    if fold(predicted) == fold(expected) or _romanised(predicted) == _romanised(expected):
        return True
    places, _ = gazetteer().lookup_city(expected)
    return any(p.name == predicted for p in places)


def title_match(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(strip_numbering(a)), fold(strip_numbering(b))).ratio()


def _overlap(pages: tuple[int, int], wanted: list[int] | None) -> bool:
    if not wanted or not pages[0]:
        return True
    return pages[0] <= wanted[-1] and wanted[0] <= pages[1]


def pairing(found: list, wanted: dict) -> float:
    """How well a predicted practice fits a labelled one (0 = not at all; >= 0.5 a match)."""
    ratio = title_match(found.title, wanted["title"])
    a, b = fold(strip_numbering(found.title)), fold(strip_numbering(wanted["title"]))
    pages = _pages(found)
    if ratio >= 0.8:
        return ratio
    if (ratio >= 0.5 or (min(len(a), len(b)) >= 8 and (a in b or b in a))) and _overlap(pages, wanted.get("pages")):
        return max(ratio, 0.5)
    return 0.0


def _pages(practice) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", practice.source.locator)] if practice.source.locator.startswith("p") else []
    return (min(numbers), max(numbers)) if numbers else (0, 0)


@dataclass
class Tally:
    files: int = 0
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    empty_docs: int = 0
    empty_docs_right: int = 0
    framing_titles: list[str] = field(default_factory=list)
    language: int = 0
    country: int = 0
    stage: int = 0
    city_predicted: int = 0
    city_right_of_predicted: int = 0
    city_labelled: int = 0
    city_right_of_labelled: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    pages: int = 0
    seconds: float = 0.0
    ocr_pages: int = 0
    ocr_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def report(self, name: str) -> None:
        def share(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "  -  "

        p_t = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r_t = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        print(f"== {name}: {self.files} files, {self.expected} practices labelled, {self.predicted} predicted, "
              f"{self.matched} matched")
        print(f"segmentation     precision {share(self.matched, self.predicted)}   recall {share(self.matched, self.expected)}")
        print(f"no-practice docs {self.empty_docs_right} of {self.empty_docs} gave none")
        print(f"front/back matter titles: {len(self.framing_titles)}"
              + (f" ({'; '.join(self.framing_titles[:6])})" if self.framing_titles else ""))
        print(f"language         accuracy  {share(self.language, self.matched)}")
        print(f"country          accuracy  {share(self.country, self.matched)}")
        print(f"stage            accuracy  {share(self.stage, self.matched)} (implemented, ongoing, planned)")
        print(f"city             precision {share(self.city_right_of_predicted, self.city_predicted)} "
              f"({self.city_right_of_predicted}/{self.city_predicted})   recall "
              f"{share(self.city_right_of_labelled, self.city_labelled)} ({self.city_right_of_labelled}/{self.city_labelled})")
        print(f"themes           precision {p_t:.3f}   recall {r_t:.3f}   F1 {2 * p_t * r_t / (p_t + r_t) if p_t + r_t else 0:.3f}")
        if self.seconds:
            text_pages = self.pages - self.ocr_pages
            text_seconds = self.seconds - self.ocr_seconds
            print(f"speed            {text_pages / text_seconds if text_seconds else 0:.1f} pages/s without OCR"
                  + (f", {self.ocr_pages / self.ocr_seconds:.2f} OCR pages/s ({self.ocr_pages} pages)" if self.ocr_pages else "")
                  + " (extraction, segmentation, enrichment; one process; embedding not included)")
        for failure in self.failures:
            print("  failed:", failure)


def load(labels: list[Path], manifests: list[Path]) -> tuple[dict[str, list[dict]], set[str]]:
    expected: dict[str, list[dict]] = defaultdict(list)
    for path in labels:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                expected[item["key"].split("#")[0]].append(item)
    for items in list(expected.values()):  # the older sets name a duplicate by file and title
        for item in items:
            other = item.get("duplicate_of")
            if other and expected.get(other["file"]):
                match = max(expected[other["file"]], key=lambda x: title_match(x["title"], other["title"]))
                item["also_in"] = match["key"]
    files = set(expected)
    for path in manifests:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                files.add(json.loads(line)["file"])
    return expected, files


OCR_SPENT: list[float] = []  # seconds each page read by OCR took, in the file being read


def _timed_ocr(read_page):
    def timed(page):
        start = time.perf_counter()
        try:
            return read_page(page)
        finally:
            OCR_SPENT.append(time.perf_counter() - start)
    return timed


if ocr is not None:
    ocr.read_page = _timed_ocr(ocr.read_page)


def measure(docs: Path, files: list[str], expected: dict[str, list[dict]], settings: Settings, verbose: bool) -> Tally:
    t = Tally()
    for name in files:
        items = sorted(expected.get(name, []), key=lambda x: int(x["key"].split("#")[1]) if "#" in x["key"] else 1)
        if not (docs / name).is_file():
            t.failures.append(f"{name}: missing (see bench/real-ingest/README.md to restore it)")
            continue
        t.files += 1
        start = time.perf_counter()
        OCR_SPENT.clear()
        try:
            found, n_pages = read_practices(docs / name, settings, "eval")
        except Exception as exc:  # report, go on
            t.failures.append(f"{name}: {exc}")
            found, n_pages = [], 0
        t.seconds += time.perf_counter() - start
        t.pages += n_pages or 1
        t.ocr_pages += len(OCR_SPENT)
        t.ocr_seconds += sum(OCR_SPENT)
        t.expected += len(items)
        t.predicted += len(found)
        if not items:
            t.empty_docs += 1
            t.empty_docs_right += not found
        t.framing_titles += [p.title for p in found if FRONT_BACK.match(p.title)]
        free = list(found)
        for want in items:
            best = max(free, key=lambda p: pairing(p, want), default=None)
            if best is None or pairing(best, want) < 0.5:
                t.misses.append(f"{name}: missed {want['title'][:70]!r}")
                continue
            free.remove(best)
            t.matched += 1
            t.language += best.language == want["lang"]
            t.country += best.country == want.get("country", "")
            t.stage += best.stage == want.get("stage", "")
            if verbose and best.stage != want.get("stage", ""):
                t.misses.append(f"{name}: stage {best.stage or '-'!r} for {want.get('stage', '-')!r} ({want['title'][:50]!r})")
            city = want.get("city", "")
            if best.city:
                t.city_predicted += 1
                t.city_right_of_predicted += same_city(best.city, city)
            if city:
                t.city_labelled += 1
                t.city_right_of_labelled += same_city(best.city, city)
            if verbose and not same_city(best.city, city):
                t.misses.append(f"{name}: city {best.city or '-'!r} for {city or '-'!r} ({want['title'][:50]!r})")
            wanted = {theme_id(x) for x in want.get("themes", [])} & KNOWN_THEMES
            t.tp += len(wanted & set(best.themes))
            t.fp += len(set(best.themes) - wanted)
            t.fn += len(wanted - set(best.themes))
        t.misses += [f"{name}: extra {p.title[:70]!r} ({p.source.locator})" for p in free]
    return t


def version_links(docs: Path, files: list[str], expected: dict[str, list[dict]]) -> None:
    """Ingest the files into a fresh knowledge base (embedding them) and compare the versions it links with
    the labels' also_in pairs: false links and the share of true links found."""
    from ingest.pipeline import ingest_paths
    from kb.knowledge import KnowledgeBase

    labelled = [item for name in files for item in expected.get(name, [])]
    wanted = {frozenset((i["key"], i["also_in"])) for i in labelled if i.get("also_in") and i["also_in"].split("#")[0] in files}
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Settings().with_values(data_dir=Path(tmp)))
        ingest_paths(kb, [docs / name for name in files if (docs / name).is_file()], workers=2)
        by_file: dict[str, list] = defaultdict(list)
        for p in kb.store.list():
            by_file[Path(p.source.path).name].append(p)
        groups: dict[str, list[str]] = defaultdict(list)
        for name, practices in by_file.items():
            for p in practices:
                if not p.group_id:
                    continue
                best = max(expected.get(name, []), key=lambda w: pairing(p, w), default=None)
                key = best["key"] if best and pairing(p, best) >= 0.5 else f"{name}#unlabelled:{p.title[:30]}"
                groups[p.group_id].append(key)
        kb.close()
    linked = {frozenset((a, b)) for keys in groups.values() for a in keys for b in keys if a < b}
    print(f"version links    {len(linked - wanted)} false, {len(linked & wanted)} of {len(wanted)} true pairs found")
    for pair in sorted(tuple(sorted(x)) for x in linked ^ wanted):
        print("  " + ("missed: " if frozenset(pair) in wanted else "false:  ") + " <-> ".join(pair))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="real")
    parser.add_argument("--half", choices=["tune", "held-out", "both"], default="both")
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses, extras and wrong cities")
    parser.add_argument("--no-links", action="store_true", help="skip the version-link measure (it embeds the documents)")
    args = parser.parse_args()
    docs, labels, manifests = SETS[args.set]
    expected, files = load(labels, manifests)
    settings = Settings()
    gazetteer()  # load the gazetteer and the language models once, outside the timing
    detect_language("Miasto przekazało lokale komunalne. Місто передало комунальні приміщення. The city gave rooms.")
    halves = {"all": sorted(files)}
    if args.set == "real":
        halves = {h: sorted(f for f in files if half_of(f) == h) for h in ("tune", "held-out")
                  if args.half in (h, "both")}
    for name, chosen in halves.items():
        tally = measure(docs, chosen, expected, settings, args.verbose)
        tally.report(f"{args.set} / {name}")
        if args.verbose:
            for line in tally.misses:
                print("  " + line)
        if not args.no_links:
            version_links(docs, chosen, expected)
        print()


if __name__ == "__main__":
    main()
