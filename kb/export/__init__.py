"""Exports of practice sheets and catalogues: DOCX and PDF in the Interreg good-practice shape, CSV and JSON.

    data = export(practices, "pdf", lang="pl")  # one practice: a sheet; several: a catalogue
    data = export(practices, "docx", compare=True)  # two or three side by side
"""
from __future__ import annotations

from datetime import date

from ..models import Practice, clean_text
from .sheet import LABEL_LANGUAGES, build_sheet, labels, slug

FORMATS = ("docx", "pdf", "csv", "json")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "csv": "text/csv",  # UTF-8; web servers add the charset parameter to text types
    "json": "application/json",
}


def export(practices: list[Practice], fmt: str, lang: str = "en", *, title: str = "", subtitle: str = "",
           query: str = "", catalogue: bool | None = None, today: date | None = None, description: str = "",
           notes: dict[str, str] | None = None, compare: bool = False) -> bytes:
    """The practices as one file. DOCX and PDF give a sheet for one practice, a catalogue for several
    (a cover, a table of contents, the sheets); `catalogue=True` forces the catalogue, `compare=True` gives a
    side-by-side table instead. `query`, when the practices are search results, is named on the cover; a
    collection's `description` goes on the cover and its `notes` (by practice id) with their sheets (CSV and
    JSON carry them too)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    names = labels(lang)  # a clear error for an unknown label language
    if query and not subtitle:
        subtitle = names["query"].format(query=query)
    if not practices:
        raise ValueError("nothing to export: the selection holds no practices")
    notes = notes or {}
    title, description = clean_text(title), clean_text(description)  # Word and PDF text cannot hold controls
    if fmt == "csv":
        from .tabular import practices_csv

        return practices_csv(practices, notes)
    if fmt == "json":
        from .tabular import practices_json

        return practices_json(practices, title=title, today=today, description=description, notes=notes)
    sheets = [build_sheet(p, lang, notes.get(p.id, "")) for p in practices]
    if compare:
        from .comparison import comparison_docx, comparison_pdf

        return (comparison_docx if fmt == "docx" else comparison_pdf)(sheets, lang, today)
    single = len(sheets) == 1 and not catalogue
    if fmt == "docx":
        from .docx import catalogue_docx, sheet_docx

        return sheet_docx(sheets[0], today) if single else catalogue_docx(sheets, lang, title, subtitle, today,
                                                                             description)
    from .pdf import catalogue_pdf, sheet_pdf

    return sheet_pdf(sheets[0], today) if single else catalogue_pdf(sheets, lang, title, subtitle, today, description)


def filename(practices: list[Practice], fmt: str, name: str = "", catalogue: bool | None = None) -> str:
    """'mieszkanie-za-remont.pdf' for one practice; for a catalogue, 'catalogue-<name>.docx' or
    'catalogue-12-practices.docx'."""
    if len(practices) == 1 and not catalogue:
        return f"{slug(practices[0].title)}.{fmt}"
    return f"catalogue-{slug(name) if name else f'{len(practices)}-practices'}.{fmt}"


__all__ = ["FORMATS", "LABEL_LANGUAGES", "MEDIA_TYPES", "build_sheet", "export", "filename"]
