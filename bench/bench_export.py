#!/usr/bin/env python
"""Export benchmark: time and size of practice sheets and catalogues in DOCX, PDF, CSV and JSON.

Prints figures only (no asserts). The practices are the shipped corpus read by ingest (no model needed);
larger catalogues repeat them. Run from anywhere:

    python bench/bench_export.py [--sizes 1,25,100,500] [--repeat 3]
"""
from __future__ import annotations

import argparse
import io
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ingest.pipeline import collect, read_practices  # noqa: E402
from kb.config import Settings  # noqa: E402
from kb.export import export  # noqa: E402


def corpus_practices() -> list:
    files, _ = collect([REPO / "corpus"])
    out = []
    for path in files:
        out += read_practices(path, Settings(), "bench")[0]
    return out


def pages(data: bytes, fmt: str) -> str:
    if fmt != "pdf":
        return "-"
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return str(len(pdf.pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,25,100,500", help="practices per export (1 gives a single sheet)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (the median is printed)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    base = corpus_practices()
    print(f"# Export benchmark — Python {platform.python_version()}, {platform.machine()}, "
          f"{len(base)} corpus practices (larger selections repeat them)\n")
    print("| practices | format | labels | median ms | ms per practice | size KiB | PDF pages |")
    print("|---:|---|---|---:|---:|---:|---:|")
    export(base[:1], "pdf", "pl")  # fonts registered, modules imported: not part of the figures
    export(base[:1], "docx", "pl")
    for n in sizes:
        selection = [replace(base[i % len(base)], id=f"{i:012d}") for i in range(n)]
        for fmt in ("docx", "pdf", "csv", "json"):
            if n == 1 and fmt in ("csv", "json"):
                continue
            times, data = [], b""
            for _ in range(max(1, args.repeat if n <= 100 else 1)):
                start = time.perf_counter()
                data = export(selection, fmt, "uk", catalogue=n > 1)
                times.append((time.perf_counter() - start) * 1000)
            ms = statistics.median(times)
            print(f"| {n} | {fmt} | uk | {ms:.0f} | {ms / n:.1f} | {len(data) / 1024:.0f} | {pages(data, fmt)} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
