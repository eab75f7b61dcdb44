"""Sanity-check the built corpus: outputs open, manifest and qrels agree, counts add up.

Usage: python corpus/check.py    (exit status 1 on any problem)
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import docx
import pdfplumber

CORPUS = Path(__file__).resolve().parent
OUTPUT_EXTS = {".docx", ".pdf", ".txt", ".md"}
NOT_OUTPUTS = {"README.md"}
PL_CHARS = re.compile("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
CYRILLIC = re.compile("[а-яА-ЯіїєґІЇЄҐ]")


def read_jsonl(name: str) -> list[dict]:
    with open(CORPUS / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def extract(path: Path) -> str:
    if path.suffix == ".docx":
        doc = docx.Document(path)
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    return path.read_text(encoding="utf-8")


def main() -> int:
    problems: list[str] = []
    outputs = sorted(p for p in CORPUS.iterdir() if p.suffix in OUTPUT_EXTS and p.name not in NOT_OUTPUTS)
    practices = {row["key"]: row for row in read_jsonl("practices.jsonl")}
    queries = read_jsonl("dev-queries.jsonl")

    files_in_manifest = {key.split("#")[0] for key in practices}
    for missing in files_in_manifest - {p.name for p in outputs}:
        problems.append(f"manifest names a missing output: {missing}")
    for extra in {p.name for p in outputs} - files_in_manifest:
        problems.append(f"output not in practices.jsonl: {extra}")

    langs_needed = {"pl": PL_CHARS, "uk": CYRILLIC}
    for path in outputs:
        text = extract(path)
        if "\ufffd" in text:
            problems.append(f"{path.name}: replacement characters in extracted text")
        for lang in {practices[k]["lang"] for k in practices if k.split("#")[0] == path.name}:
            if lang in langs_needed and not langs_needed[lang].search(text):
                problems.append(f"{path.name}: no {lang} characters extracted")
        print(f"ok  {path.name:55s} {len(text):6d} chars")

    ids = [q["id"] for q in queries]
    if len(set(ids)) != len(ids):
        problems.append("duplicate query ids")
    cross = Counter()
    for q in queries:
        for key, grade in q["relevant"].items():
            if key not in practices:
                problems.append(f"{q['id']}: unknown qrels key {key}")
            if grade not in (1, 2):
                problems.append(f"{q['id']}: grade must be 1 or 2")
        top = [k for k, g in q["relevant"].items() if g == 2 and k in practices]
        if not top:
            problems.append(f"{q['id']}: no grade-2 target")
        elif all(practices[k]["lang"] != q["lang"] for k in top):
            cross[q["lang"]] += 1

    per_lang = Counter(p["lang"] for p in practices.values())
    q_lang = Counter(q["lang"] for q in queries)
    files = Counter(p.suffix for p in outputs)
    print(f"\n{len(outputs)} files {dict(files)}; {len(practices)} practices {dict(per_lang)}")
    print(f"{len(queries)} queries {dict(q_lang)}; cross-lingual {sum(cross.values())} "
          f"({sum(cross.values()) / len(queries):.0%}) {dict(cross)}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
