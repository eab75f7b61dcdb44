"""What every extractor produces: a document as an ordered list of text blocks."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExtractionError(Exception):
    """A file that cannot be read; the message says why, in words a user can act on."""


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    ROW = "row"  # a table row; `cells` holds its cells


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str
    level: int = 0  # heading level, 1 = top
    page: int = 0  # 1-based page for PDFs, 0 when the format has no pages
    cells: tuple[str, ...] = ()
    table: int = 0  # rows of the same table share a number (1-based); 0 outside tables


@dataclass(slots=True)
class Extracted:
    blocks: list[Block]
    pages: int = 0
    title: str = ""  # from the file's metadata, when it has a useful one
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR (scanned images)
    ocr_confidence: float = 0.0  # tesseract's mean word confidence over those pages, 0-100
