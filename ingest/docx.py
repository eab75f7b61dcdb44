"""DOCX: body paragraphs and tables in document order; headers, footers and page numbers are not body."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .blocks import Block, Extracted, ExtractionError, Kind

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a zip bomb expands far beyond this
_HEADING_STYLE = re.compile(r"^(?:heading|nagłówek|заголовок|überschrift|titre|título)\s*(\d)", re.I)


def _check_container(path: Path) -> None:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(
            "this is an encrypted (password-protected) Word file or an old binary .doc; "
            "remove the password or save it as .docx"
        )
    if not magic.startswith(b"PK"):
        raise ExtractionError("not a DOCX file (it is not a Word document package); check the file type")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            total = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise ExtractionError(f"the DOCX file is damaged ({exc})") from exc
    if "word/document.xml" not in names:
        raise ExtractionError("this ZIP file is not a Word document (no word/document.xml)")
    if total > MAX_UNCOMPRESSED:
        raise ExtractionError(
            f"the DOCX would expand to {total / 2**20:.0f} MB (limit {MAX_UNCOMPRESSED / 2**20:.0f} MB); refused"
        )


def _heading_level(paragraph) -> int:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(name)
    if match:
        return int(match.group(1)) + 1  # Title is 1, Heading 1 is 2, ...
    text = paragraph.text.strip()
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(r.bold for r in runs) and 0 < len(text.split()) <= 12 and not text.endswith((".", ",", ";")):
        return 4  # a bold short line used as a heading
    return 0


def extract(path: Path) -> Extracted:
    _check_container(path)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except ExtractionError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise ExtractionError(f"the DOCX file could not be parsed ({type(exc).__name__}: {exc})") from exc

    blocks: list[Block] = []
    tables = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = " ".join(paragraph.text.replace("\u00ad", "").split())
            if not text:
                continue
            level = _heading_level(paragraph)
            style = (paragraph.style.name if paragraph.style is not None else "").lower()
            if level:
                blocks.append(Block(Kind.HEADING, text, level=level))
            elif "list" in style or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
                blocks.append(Block(Kind.LIST_ITEM, text))
            else:
                blocks.append(Block(Kind.PARAGRAPH, text))
        elif tag == "tbl":
            tables += 1
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                if cells:
                    blocks.append(Block(Kind.ROW, " | ".join(cells), cells=tuple(cells), table=tables))
    title = (document.core_properties.title or "").strip()
    return Extracted(blocks, title=title)
