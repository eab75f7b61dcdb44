"""OCR of scanned PDF pages with Debian's tesseract (Polish, Ukrainian and English data): text lines with
their place on the page and the words' confidence, for the PDF reader to lay out like any other page.

Each page is rendered by pdfplumber (pdfium) and read by one `tesseract` process with a time limit, so a
hostile or huge scan costs bounded time; without tesseract, `available()` is False and the PDF reader
refuses a scanned file with a clear reason, as before.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import deadline

DPI = 200
PAGE_TIMEOUT_S = 90  # one page at 200 dpi takes about 3 s
PAGE_ALLOWANCE_S = 15  # what each page read adds to the time a worker has for its file (ingest/worker.py)
WANTED = ("pol", "ukr", "eng")


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line as tesseract read it, in PDF points (72 a inch) from the page's top left."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    confidence: float  # the mean of its words' confidences, 0-100


@lru_cache(maxsize=1)
def languages() -> str:
    """The tesseract languages to read with ("pol+ukr+eng"), or "" when tesseract is not installed."""
    exe = shutil.which("tesseract")
    if not exe:
        return ""
    try:
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return ""
    return "+".join(lang for lang in WANTED if lang in listed)


def available() -> bool:
    return bool(languages())


class OcrError(Exception):
    """tesseract could not read a page (it failed or ran out of time)."""


def read_page(page) -> list[OcrLine]:
    """The text lines of one pdfplumber page, read by tesseract."""
    deadline.allow(PAGE_ALLOWANCE_S)
    image = page.to_image(resolution=DPI).original
    with tempfile.TemporaryDirectory(prefix="kb-ocr-") as folder:
        png = Path(folder) / "page.png"
        image.save(png)
        try:
            done = subprocess.run(
                ["tesseract", str(png), "stdout", "-l", languages(), "--psm", "3", "tsv"],
                capture_output=True, timeout=PAGE_TIMEOUT_S, check=False,
                # One thread: tesseract's OpenMP threads fight over the cores and make a page 5-10x slower
                # (25 s against 2.8 s a page on two cores); the ingest already runs one process a core.
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"OCR took over {PAGE_TIMEOUT_S} s on one page") from exc
        except OSError as exc:
            raise OcrError(f"tesseract could not be run ({exc})") from exc
    if done.returncode != 0:
        raise OcrError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return _lines(done.stdout.decode("utf-8", "replace"), scale=72 / DPI)


def _lines(tsv: str, scale: float) -> list[OcrLine]:
    """Words of tesseract's TSV grouped into its lines, in reading order."""
    grouped: dict[tuple[int, int, int, int], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        try:
            conf = float(row["conf"])
        except (TypeError, ValueError):
            continue
        if conf < 0:
            continue
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        grouped.setdefault(key, []).append(row)
    out = []
    for words in grouped.values():
        left = min(int(w["left"]) for w in words)
        top = min(int(w["top"]) for w in words)
        right = max(int(w["left"]) + int(w["width"]) for w in words)
        bottom = max(int(w["top"]) + int(w["height"]) for w in words)
        text = " ".join(w["text"].strip() for w in words)
        confidence = sum(float(w["conf"]) for w in words) / len(words)
        out.append(OcrLine(text, top * scale, bottom * scale, left * scale, right * scale, confidence))
    return out
