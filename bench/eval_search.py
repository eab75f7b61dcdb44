"""Search quality on real third-party texts, each half on its own: prints figures, asserts nothing.

    python bench/eval_search.py [--set bench/real-search] [--work DIR] [--reuse]

The set (bench/real-search/README.md) holds public practice descriptions (texts-*.jsonl: id, lang, title,
url, licence, text) and judged queries (queries.jsonl: relevant keyed by text id, a "split" of "tune" or
"held-out"). Each text becomes one saved web page (`<id>.txt`: its headline, then its text), ingested the
way a user would (`kb ingest --approve`), and `kb eval` scores the queries on it: every variant per half,
each language pair as nDCG@10 and as a share of the ideal ranking's score, language favouritism, and the
good-match cut-off. `--reuse` keeps an already ingested knowledge base in --work (the texts unchanged).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_texts(folder: Path, pattern: str = "texts-*.jsonl") -> list[dict]:
    """Every text of the set, the first of any two from one address. The twins (texts-twins.jsonl: the same
    practice in two languages, for comparable practices) are not judged for the queries: they join after."""
    texts, seen = [], set()
    for path in sorted(folder.glob(pattern)):
        if path.name == "texts-twins.jsonl" and pattern != path.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item["url"] not in seen:
                    seen.add(item["url"])
                    texts.append(item)
    return texts


def page(item: dict) -> str:
    """A text as a saved page: the headline once, then the text."""
    text, title = item["text"].strip(), item["title"].strip()
    return text if text.startswith(title) else f"{title}\n\n{text}"


def write_documents(texts: list[dict], docs: Path) -> None:
    docs.mkdir(parents=True, exist_ok=True)
    for item in texts:
        (docs / f"{item['id']}.txt").write_text(page(item) + "\n", encoding="utf-8")


def write_qrels(queries: Path, known: dict[str, str], out: Path) -> int:
    """The judgements with text ids as file names, each with its language (`known`: text id -> language), so that
    a text ingest screens out counts as a miss; judgements of texts not in the set are dropped (counted)."""
    dropped, lines = 0, []
    for line in queries.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        relevant = {}
        for key, grade in item["relevant"].items():
            if key in known:
                relevant[f"{key}.txt"] = grade
            else:
                dropped += 1
        languages = {f"{key}.txt": known[key] for key in item["relevant"] if key in known}
        lines.append(json.dumps({**item, "relevant": relevant, "languages": languages}, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=REPO / "bench" / "real-search")
    parser.add_argument("--work", type=Path, help="working folder (kept); default a temporary one")
    parser.add_argument("--reuse", action="store_true", help="reuse the knowledge base already in --work")
    parser.add_argument("--json", action="store_true", help="print kb eval's JSON")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kb-real-search-"))
    texts = load_texts(args.set)
    langs: dict[str, int] = {}
    for item in texts:
        langs[item["lang"]] = langs.get(item["lang"], 0) + 1
    print(f"{len(texts)} texts ({', '.join(f'{n} {lang}' for lang, n in sorted(langs.items()))}) in {work}",
          flush=True)
    kb = [str(Path(sys.executable).with_name("kb")), "--data-dir", str(work / "kb")]
    reused = args.reuse and (work / "kb").exists()
    if not reused:
        write_documents(texts, work / "docs")
        subprocess.run([*kb, "ingest", "--approve", str(work / "docs")], check=False, stdout=subprocess.DEVNULL)
    dropped = write_qrels(args.set / "queries.jsonl", {t["id"]: t["lang"] for t in texts}, work / "qrels.jsonl")
    if dropped:
        print(f"{dropped} judgements name texts that are not in the set; left out", flush=True)
    subprocess.run([*kb, "eval", str(work / "qrels.jsonl"), *(["--json"] if args.json else [])], check=True)
    extra = load_texts(args.set, "texts-twins.jsonl")
    if extra and os.environ.get("KB_DATABASE_URL"):
        print("\ntwins: not measured with the store in PostgreSQL (the extra twins go into a copy of the knowledge "
              "base, a copy of its data folder here); run without KB_DATABASE_URL")
        return
    if extra:  # into a copy: the knowledge base the queries are judged on stays as it was (for --reuse)
        write_documents(extra, work / "twins")
        if not (reused and (work / "kb-twins").exists()):
            shutil.rmtree(work / "kb-twins", ignore_errors=True)
            shutil.copytree(work / "kb", work / "kb-twins")
            subprocess.run([kb[0], "--data-dir", str(work / "kb-twins"), "ingest", "--approve", str(work / "twins")],
                           check=False, stdout=subprocess.DEVNULL)
    twins(texts + extra, work / ("kb-twins" if extra else "kb"))


def twins(texts: list[dict], data_dir: Path) -> None:
    """The same practice written in two languages must be each other's first comparable practice, or be
    linked as versions of one practice (then comparable practices leave it out)."""
    pairs = {tuple(sorted((t["id"], t["twin"]))) for t in texts if t.get("twin")}
    if not pairs:
        return
    sys.path.insert(0, str(REPO))
    from kb.config import Settings
    from kb.knowledge import KnowledgeBase
    from kb.search import similar_practices

    kb = KnowledgeBase(Settings.from_env().with_values(data_dir=data_dir))  # KB_DATABASE_URL too
    by_file: dict[str, list] = {}
    for p in kb.store.list():
        by_file.setdefault(p.source.name.removesuffix(".txt"), []).append(p)
    linked = first = 0
    directions = 0
    for a, b in sorted(pairs):
        for one, other in ((a, b), (b, a)):
            if one not in by_file or other not in by_file:
                continue
            directions += 1
            mine, theirs = by_file[one][0], {p.id for p in by_file[other]}
            if mine.group_id and any(p.group_id == mine.group_id for p in by_file[other]):
                linked += 1
                continue
            similar = similar_practices(kb, mine.id, k=1)
            first += bool(similar) and similar[0].practice.id in theirs
    ok = linked + first
    print(f"\ntwins: {len(pairs)} pairs, {directions} directions: {ok} right ({linked} linked as versions, "
          f"{first} first comparable practice), {directions - ok} wrong")


if __name__ == "__main__":
    main()
