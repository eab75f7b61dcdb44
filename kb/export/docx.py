"""Practice sheets and catalogues as Word documents (python-docx) with real heading styles.

Word's navigation pane shows the outline: the practice titles and their sections. Content runs carry
the practice's language, so spell-checking works in Polish or Ukrainian whatever the labels' language.
"""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .sheet import Sheet, export_date, labels, text_blocks

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
LANG_TAGS = {"pl": "pl-PL", "uk": "uk-UA", "en": "en-GB", "de": "de-DE", "es": "es-ES", "fr": "fr-FR"}


def _lang(run, code: str) -> None:
    tag = LANG_TAGS.get(code, code)
    rpr = run._r.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), tag)
    element.set(qn("w:bidi"), tag)
    element.set(qn("w:eastAsia"), tag)
    rpr.append(element)


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


A4_WIDTH, A4_HEIGHT = Cm(21), Cm(29.7)  # as the PDFs: European partners print on A4


def new_document(title: str, subject: str, lang: str, language: str, today: date | None) -> Document:
    document = Document()
    props = document.core_properties
    props.title, props.subject, props.language = title[:255], subject, LANG_TAGS.get(language, language)
    props.author = labels(lang)["publisher"]
    styles = document.styles
    styles["Normal"].font.size = Pt(10.5)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = ACCENT
    for section in document.sections:
        section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT  # python-docx's template is US Letter
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2.2)
        header = section.header.paragraphs[0]
        header.text = labels(lang)["publisher"]
        header.runs[0].font.size = Pt(8)
        header.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        footer = section.footer.paragraphs[0]
        exported = labels(lang)["exported"].format(date=export_date(lang, today))
        run = footer.add_run(f"{exported} · " + labels(lang)["page"].split("{n}")[0])
        run.font.size = Pt(8)
        _field(footer, "PAGE")
    return document


def _facts(document: Document, sheet: Sheet) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Light List Accent 1" if "Light List Accent 1" in [s.name for s in document.styles] else "Table Grid"
    table.autofit = True
    look = OxmlElement("w:tblLook")  # a facts table has no header row: no banding of the first row
    for name, value in (("w:val", "0000"), ("w:firstRow", "0"), ("w:lastRow", "0"), ("w:firstColumn", "1"),
                        ("w:lastColumn", "0"), ("w:noHBand", "1"), ("w:noVBand", "1")):
        look.set(qn(name), value)
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblLook")):
        properties.remove(old)
    properties.append(look)
    for label, value in sheet.facts:
        row = table.add_row().cells
        row[0].width, row[1].width = Cm(4), Cm(12.5)
        row[0].paragraphs[0].add_run(label).bold = True
        row[1].paragraphs[0].add_run(value)
    table.columns[0].width, table.columns[1].width = Cm(4), Cm(12.5)  # the grid, for LibreOffice
    document.add_paragraph()


def _sheet(document: Document, sheet: Sheet, level: int, page_break: bool) -> None:
    heading = document.add_heading(sheet.title, level=level)
    heading.paragraph_format.page_break_before = page_break
    for run in heading.runs:
        _lang(run, sheet.practice.language)
    _facts(document, sheet)
    if sheet.note:
        note = document.add_paragraph(style="Intense Quote" if "Intense Quote" in document.styles else None)
        note.add_run(labels(sheet.lang)["note"] + ": ").bold = True
        note.add_run(sheet.note)
    for section in sheet.sections:
        document.add_heading(section.label, level=level + 1)
        for kind, text in section.blocks():
            paragraph = document.add_paragraph(style="List Bullet" if kind == "li" else None)
            _lang(paragraph.add_run(text), sheet.practice.language)


def sheet_docx(sheet: Sheet, today: date | None = None) -> bytes:
    names = labels(sheet.lang)
    document = new_document(sheet.title, names["sheet"], sheet.lang, sheet.practice.language, today)
    _sheet(document, sheet, level=0, page_break=False)
    return _bytes(document)


def catalogue_docx(sheets: list[Sheet], lang: str, title: str = "", subtitle: str = "",
                   today: date | None = None, description: str = "") -> bytes:
    """A cover (the title, the collection's description), a table of contents and the sheets: a long sheet
    starts a page, a short one follows the sheet before it."""
    names = labels(lang)
    title = title or names["catalogue"]
    document = new_document(title, names["catalogue"], lang, lang, today)
    document.add_paragraph(title, style="Title")
    if subtitle:
        document.add_paragraph(subtitle, style="Subtitle")
    for kind, text in text_blocks(description):
        document.add_paragraph(text, style="List Bullet" if kind == "li" else None)
    document.add_paragraph(names["count"].format(n=len(sheets)))
    document.add_paragraph(names["exported"].format(date=export_date(lang, today)))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_paragraph(names["contents"], style="TOC Heading")
    _table_of_contents(document, sheets)
    for n, sheet in enumerate(sheets):
        _sheet(document, sheet, level=1, page_break=n == 0 or not sheet.short)
    return _bytes(document)


def _table_of_contents(document: Document, sheets: list[Sheet]) -> None:
    """A Word TOC field over Heading 1, pre-filled with the practice titles so it reads before an update."""
    entries = [f"{n}. {s.title}" + (f" — {s.place}" if s.place else "") for n, s in enumerate(sheets, 1)]
    paragraphs = [document.add_paragraph() for _ in entries] or [document.add_paragraph()]

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run = OxmlElement("w:r")
        run.append(element)
        return run

    first, last = paragraphs[0]._p, paragraphs[-1]._p
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-1" \\h \\z \\u'
    instr_run.append(instr)
    first.append(char("begin"))
    first.append(instr_run)
    first.append(char("separate"))
    for paragraph, entry in zip(paragraphs, entries):
        paragraph.add_run(entry)
    last.append(char("end"))


def _bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
