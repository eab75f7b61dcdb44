"""CSV and JSON exports of a selection of practices, for spreadsheets and partner systems."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from ..models import SHEET_FIELDS, Practice

FORMAT_VERSION = "urban-practices-kb/1"
CSV_COLUMNS = ("id", "title", "city", "country", "language", "themes", "stage", "status", "summary", *SHEET_FIELDS,
               "source", "locator", "group_id", "created_at", "updated_at", "note")


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula ('=', '+', '-', '@') gets a
    leading apostrophe (text from documents is untrusted, and "- item" lists would read as formulas)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def practices_csv(practices: list[Practice], notes: dict[str, str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Polish and Cyrillic correctly; a
    collection's notes in the last column."""
    notes = notes or {}
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for p in practices:
        row = {"id": p.id, "title": p.title, "city": p.city, "country": p.country, "language": p.language,
               "themes": "; ".join(p.themes), "stage": p.stage, "status": str(p.status), "summary": p.summary,
               "source": p.source.path, "locator": p.source.locator, "group_id": p.group_id,
               "created_at": p.created_at, "updated_at": p.updated_at, "note": notes.get(p.id, "")}
        row.update({name: p.fields.get(name, "") for name in SHEET_FIELDS})
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def practices_json(practices: list[Practice], title: str = "", today: date | None = None, description: str = "",
                   notes: dict[str, str] | None = None) -> bytes:
    """The practices as records (a collection's description and each practice's note with them)."""
    notes = notes or {}
    document = {
        "format": FORMAT_VERSION,
        "title": title,
        "description": description,
        "exported_on": (today or date.today()).isoformat(),
        "count": len(practices),
        "practices": [{**p.to_dict(), "note": notes.get(p.id, "")} for p in practices],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
