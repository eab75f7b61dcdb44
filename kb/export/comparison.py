"""Two or three practices side by side, as partners compare them: one column a practice, one row a fact or
a section of the sheet (the description, resources, evidence, preconditions for transfer…). Landscape for
three practices. DOCX and PDF."""
from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from docx.enum.section import WD_ORIENT
from docx.shared import Cm
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..models import SHEET_FIELDS
from .sheet import Sheet, export_date, labels, text_blocks

EMPTY = "—"


def rows(sheets: list[Sheet]) -> list[tuple[str, list[str]]]:
    """(label, one text a practice) for each fact and each sheet section that any of the practices has."""
    names = labels(sheets[0].lang)
    out = [(label, [dict(s.facts)[label] for s in sheets]) for label, _ in sheets[0].facts]
    for field in SHEET_FIELDS:
        texts = [next((section.text for section in s.sections if section.field == field), "") for s in sheets]
        if any(texts):
            out.append((names[field], [text or EMPTY for text in texts]))
    if any(s.note for s in sheets):
        out.append((names["note"], [s.note or EMPTY for s in sheets]))
    return out


def comparison_docx(sheets: list[Sheet], lang: str, today: date | None = None) -> bytes:
    from .docx import _bytes, new_document

    names = labels(lang)
    document = new_document(names["comparison"], names["comparison"], lang, lang, today)
    section = document.sections[0]
    if len(sheets) > 2:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(names["comparison"], level=0)
    table = document.add_table(rows=1, cols=len(sheets) + 1)
    table.style = "Table Grid"
    width = section.page_width - section.left_margin - section.right_margin
    label_width = Cm(3.5)
    column = int((width - label_width) / len(sheets))
    header = table.rows[0].cells
    header[0].paragraphs[0].add_run(names["field"]).bold = True
    for cell, sheet in zip(header[1:], sheets):
        cell.paragraphs[0].add_run(sheet.title).bold = True
    for label, texts in rows(sheets):
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        for cell, text in zip(cells[1:], texts):
            blocks = text_blocks(text) or [("p", EMPTY)]
            cell.paragraphs[0].text = ("• " if blocks[0][0] == "li" else "") + blocks[0][1]
            for kind, block in blocks[1:]:
                cell.add_paragraph(("• " if kind == "li" else "") + block)
    for row in table.rows:  # Word reads the cells' widths, LibreOffice the grid's
        row.cells[0].width = label_width
        for cell in row.cells[1:]:
            cell.width = column
    table.columns[0].width = label_width
    for col in list(table.columns)[1:]:
        col.width = column
    _repeat_header(table.rows[0])
    return _bytes(document)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def comparison_pdf(sheets: list[Sheet], lang: str, today: date | None = None) -> bytes:
    from .pdf import ACCENT, MARGIN, RULE, SHADE, _Document, _styles

    styles = _styles()
    names = labels(lang)
    pagesize = landscape(A4) if len(sheets) > 2 else A4
    buffer = io.BytesIO()
    exported = names["exported"].format(date=export_date(lang, today))
    doc = _Document(buffer, lang=lang, title=names["comparison"], subject=names["comparison"],
                    running=names["comparison"], page_label=names["page"], exported=exported, cover=False,
                    pagesize=pagesize)
    label_width = 32 * mm
    column = (pagesize[0] - 2 * MARGIN - label_width) / len(sheets)

    def cell(text: str) -> list[Paragraph]:
        blocks = text_blocks(text) or [("p", EMPTY)]
        return [Paragraph(escape(block), styles["cell"], bulletText="•" if kind == "li" else None)
                for kind, block in blocks]

    data = [[Paragraph(escape(names["field"]), styles["cell_label"]),
             *[Paragraph(escape(s.title), styles["cell_label"]) for s in sheets]]]
    data += [[Paragraph(escape(label), styles["cell_label"]), *[cell(text) for text in texts]]
             for label, texts in rows(sheets)]
    table = Table(data, colWidths=[label_width] + [column] * len(sheets), repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("BACKGROUND", (0, 1), (0, -1), SHADE),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE), ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    doc.build([Paragraph(escape(names["comparison"]), styles["title"]), Spacer(0, 2 * mm), table])
    return buffer.getvalue()
