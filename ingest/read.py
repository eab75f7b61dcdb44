"""Reading one file: its text extracted, cut into drafts, enriched into practices and screened (no store,
no index, no model): what a worker process does with each file (ingest/worker.py)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kb.config import Settings
from kb.language import detect_language
from kb.models import Practice, practice_id
from kb.places import Location, locate

from . import docx, pdf, text
from .blocks import Extracted, ExtractionError
from .enrich import to_practice
from .reports import about_one_initiative, split_report
from .screen import GENRE_LEAD, is_practice, names_other_genre
from .segment import Draft, document_title, segment

SUPPORTED = {".docx": "docx", ".pdf": "pdf", ".txt": "text", ".md": "text", ".html": "text", ".htm": "text",
             ".mhtml": "text", ".mht": "text"}


OPENING_BLOCKS = 8  # a document's first lines, where it says what kind of document it is


def extract(path: Path, settings: Settings) -> Extracted:
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("the file is empty (0 bytes)")
    if size > settings.max_file_mb * 2**20:
        raise ExtractionError(
            f"the file is {size / 2**20:.0f} MB, over the {settings.max_file_mb:g} MB limit (setting max_file_mb)"
        )
    kind = SUPPORTED[path.suffix.lower()]
    if kind == "docx":
        return docx.extract(path, max_uncompressed_mb=settings.max_uncompressed_mb)
    if kind == "pdf":
        return pdf.extract(path, max_pages=settings.max_pages, max_ocr_pages=settings.max_ocr_pages)
    return text.extract(path, max_depth=settings.max_depth)


def read_practices(path: Path, settings: Settings, digest: str) -> tuple[list[Practice], int]:
    """Extract, segment and enrich one file; raises ExtractionError with a reason a user can act on."""
    extracted = extract(path, settings)
    if not any(b.text.strip() for b in extracted.blocks):
        raise ExtractionError("no text found in the file")
    size = sum(len(b.text) for b in extracted.blocks)
    if size > settings.max_text_chars:  # every passage is embedded by the caller, one writer at a time
        raise ExtractionError(f"the file holds {size:,} characters of text, over the {settings.max_text_chars:,} "
                              "limit (setting max_text_chars); split it")
    opening = "\n".join(b.text for b in extracted.blocks[:OPENING_BLOCKS])[:GENRE_LEAD]
    if names_other_genre(opening, programmes=False):
        return [], extracted.pages  # its opening says what it is: rules, a form, minutes… (ingest/screen.py)
    drafts = segment(extracted)
    if len(drafts) == 1:  # a news item or an event report may present several practices by name
        drafts = split_report(drafts[0])
    document = str(path.resolve())
    doc_title = document_title(extracted)
    found = [
        to_practice(d, document=document, given_path=str(path), checksum=digest, ordinal=n, doc_title=doc_title,
                    ocr_confidence=extracted.ocr_confidence if _read_by_ocr(d, extracted) else None)
        for n, d in enumerate(drafts, start=1)
    ]
    place = _report_place(extracted, found, drafts, doc_title)
    if place:  # a report on one place's initiatives: its case studies that name no place are that place's
        found = [to_practice(d, document=document, given_path=str(path), checksum=digest, ordinal=n,
                             doc_title=doc_title, document_place=place,
                             ocr_confidence=extracted.ocr_confidence if _read_by_ocr(d, extracted) else None)
                 if d.meta.get("case_study") and not p.city else p
                 for n, (p, d) in enumerate(zip(found, drafts), start=1)]
    if about_one_initiative(found, drafts, extracted.pages, doc_title):
        whole = Draft(title=doc_title, blocks=[b for d in drafts for b in d.blocks], context=[])
        found = [to_practice(whole, document=document, given_path=str(path), checksum=digest, ordinal=1,
                             doc_title=doc_title, ocr_confidence=extracted.ocr_confidence if extracted.ocr_pages else None)]
        drafts = [whole]
    # A law, a form or an announcement holds no practice: the document is then stored without any.
    kept = [p for p, d in zip(found, drafts)
            if is_practice(p, d.table_share, listed=bool(d.meta.get("from_table") or d.meta.get("case_study")),
                           alone=len(found) == 1)]
    practices = [_numbered(p, document, n) for n, p in enumerate(kept, start=1)]
    return practices, extracted.pages


def _report_place(extracted: Extracted, found: list[Practice], drafts: list[Draft], title: str) -> Location | None:
    """The place of a report whose case studies are all one place's: the city the whole document is about,
    when every case study that names a place names one in its country. None otherwise."""
    if not any(d.meta.get("case_study") for d in drafts):
        return None
    text = "\n".join(b.text for b in extracted.blocks)
    place = locate(text, title=title, language=detect_language(text[:5000]))
    countries = {p.country for p, d in zip(found, drafts) if d.meta.get("case_study") and p.city}
    return place if place.country and countries <= {place.country} else None


def _numbered(practice: Practice, document: str, ordinal: int) -> Practice:
    """The practice as the `ordinal`-th of its document (records screened out leave no gaps)."""
    if practice.source.ordinal == ordinal:
        return practice
    return replace(practice, id=practice_id(document, ordinal), source=replace(practice.source, ordinal=ordinal))


def _read_by_ocr(draft, extracted: Extracted) -> bool:
    first, last = draft.pages
    return bool(first) and any(first <= page <= last for page in extracted.ocr_pages)
