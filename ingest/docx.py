"""DOCX: body paragraphs and tables in document order; headers, footers and page numbers are not body."""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from .blocks import Block, Extracted, ExtractionError, Kind

MAX_UNCOMPRESSED_MB = 200.0  # a zip bomb expands far beyond this (setting max_uncompressed_mb)
_HEADING_STYLE = re.compile(r"^(?:heading|nagłówek|заголовок|überschrift|titre|título)\s*(\d)", re.I)


def _check_container(path: Path, max_mb: float = MAX_UNCOMPRESSED_MB) -> None:
    """A Word package whose parts inflate to at most `max_mb`, counted as they are read: a zip bomb may
    claim small sizes in its directory and expand to gigabytes."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(
            "this is an encrypted (password-protected) Word file or an old binary .doc; "
            "remove the password or save it as .docx"
        )
    if not magic.startswith(b"PK"):
        raise ExtractionError("not a DOCX file (it is not a Word document package); check the file type")
    limit = int(max_mb * 2**20)
    too_big = ExtractionError(f"the DOCX expands to over {max_mb:g} MB (setting max_uncompressed_mb); refused")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if "word/document.xml" not in {m.filename for m in members}:
                raise ExtractionError("this ZIP file is not a Word document (no word/document.xml)")
            if sum(m.file_size for m in members) > limit:
                raise too_big
            read = 0
            for member in members:
                with zf.open(member) as part:
                    while chunk := part.read(1 << 20):
                        read += len(chunk)
                        if read > limit:
                            raise too_big
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
        raise ExtractionError(f"the DOCX file is damaged ({exc})") from exc
    except RuntimeError as exc:  # an encrypted member
        raise ExtractionError(f"the DOCX file cannot be read ({exc})") from exc


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Not text of the paragraph: properties, deleted text (tracked changes), field codes, and the copy of a
# drawing that Word keeps for old readers (mc:Fallback); text boxes are read as blocks of their own.
_NOT_TEXT = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "instrText", W + "delInstrText",
             W + "txbxContent", MC + "Fallback", W + "footnoteReference", W + "endnoteReference"}


def _placeholder(element) -> bool:
    """A content control still showing its prompt ("Click or tap here to enter text."): an empty form field."""
    return element.tag == W + "sdt" and element.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _text(element) -> str:
    """The text a reader sees in a paragraph, as Word shows it with changes accepted: runs inside tracked
    insertions, hyperlinks, content controls, smart tags and fields included (python-docx's
    `Paragraph.text` reads only the paragraph's own runs and hyperlinks)."""
    out: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT or _placeholder(child):
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag in (W + "tab", W + "ptab", W + "br", W + "cr"):
                out.append(" ")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            else:
                walk(child)

    walk(element)
    return " ".join("".join(out).replace("\u00ad", "").split())


def _text_boxes(paragraph_element) -> list:
    """The text boxes anchored in a paragraph (a newsletter's boxes), once each: not Word's fallback copies."""
    boxes = []

    def walk(node) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag == MC + "Fallback":
                continue
            if child.tag == W + "txbxContent":
                boxes.append(child)
            else:
                walk(child)

    walk(paragraph_element)
    return boxes


def _outline_level(properties) -> int | None:
    """The outline level Word's navigation pane uses (w:outlineLvl, 0 = level 1), if the properties set one."""
    level = properties.find(f"{W}outlineLvl") if properties is not None else None
    value = level.get(f"{W}val") if level is not None else None
    return int(value) if value is not None and value.isdigit() and int(value) <= 9 else None


def _heading_level(paragraph, text: str) -> int:
    """The paragraph's heading level (1 = the title), 0 for body text; `text` is its `_text`."""
    own = _outline_level(paragraph._p.pPr)
    style = paragraph.style if own is None else None  # level 9 on the paragraph: body text, whatever its style
    if own is not None and own < 9:
        return own + 2  # an outline level set on the paragraph itself
    for _ in range(10):  # a house style ("Tytuł praktyki") based on a heading style is a heading too
        if style is None:
            break
        name = style.name or ""
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1)) + 1  # Title is 1, Heading 1 is 2, ...
        level = _outline_level(style.element.pPr)
        if level is not None:
            if level == 9:  # "body text" (e.g. "TOC Heading", based on Heading 1): not a heading
                break
            return level + 2
        style = style.base_style
    runs = [r for r in paragraph.runs if r.text.strip()]
    if runs and all(r.bold for r in runs) and 0 < len(text.split()) <= 12 and not text.endswith((".", ",", ";")):
        return 4  # a bold short line used as a heading
    return 0


def extract(path: Path, max_uncompressed_mb: float = MAX_UNCOMPRESSED_MB) -> Extracted:
    _check_container(path, max_uncompressed_mb)
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

    def read(container) -> None:
        nonlocal tables
        for child in container.iterchildren():
            tag = child.tag
            if tag == W + "p":
                paragraph = Paragraph(child, document)
                text = _text(child)
                if text:
                    level = _heading_level(paragraph, text)
                    style = (paragraph.style.name if paragraph.style is not None else "").lower()
                    if level:
                        blocks.append(Block(Kind.HEADING, text, level=level))
                    elif "list" in style or child.pPr is not None and child.pPr.numPr is not None:
                        blocks.append(Block(Kind.LIST_ITEM, text))
                    else:
                        blocks.append(Block(Kind.PARAGRAPH, text))
                for box in _text_boxes(child):
                    read(box)
            elif tag == W + "tbl":
                tables += 1
                number = tables
                for row in Table(child, document).rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        text = " ".join(t for t in (_text(p) for p in cell._tc.iter(W + "p")
                                                    if not any(a.tag == MC + "Fallback" for a in p.iterancestors()))
                                        if t)
                        if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                            cells.append(text)
                    if cells:
                        blocks.append(Block(Kind.ROW, " | ".join(cells), cells=tuple(cells), table=number))
            elif tag == W + "sdt" and not _placeholder(child):  # a content control (forms, templates, cover
                content = child.find(W + "sdtContent")  # pages) holds body content
                if content is not None:
                    read(content)
            elif tag == W + "customXml":
                read(child)

    try:
        read(document.element.body)
    except (MemoryError, RecursionError):
        raise  # the worker refuses these in words of its own (ingest/worker.py)
    except Exception as exc:  # a damaged part python-docx only finds as it reads: a style without its id,
        # a document part whose root is not a document or that has no body
        raise ExtractionError(f"the DOCX file could not be parsed ({type(exc).__name__}: {exc})") from exc
    return Extracted(blocks, title=_title(document))


def _title(document) -> str:
    """The title in the document's properties (docProps/core.xml), "" when that part is damaged: python-docx
    reads it only here, and a part it does not recognise (another namespace, another content type) has no
    title to give, which must not cost the document its text."""
    try:
        return (document.core_properties.title or "").strip()
    except (AttributeError, KeyError, TypeError, ValueError):
        return ""
