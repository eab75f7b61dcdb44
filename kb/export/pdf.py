"""Practice sheets and catalogues as PDF (reportlab), with embedded DejaVu fonts.

DejaVu covers Polish diacritics and Cyrillic, and reportlab embeds it as a subset with a Unicode map,
so the text can be searched and copied. The PDF has an outline (bookmarks) with the practices and
their sections, the document language and title in its metadata, and page numbers.
"""
from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .sheet import Sheet, export_date, labels, text_blocks

FONTS = Path(__file__).resolve().parent.parent / "data" / "fonts"
ACCENT = colors.HexColor("#1f4e79")
MUTED = colors.HexColor("#595959")
RULE = colors.HexColor("#c9d6e3")
SHADE = colors.HexColor("#eef3f8")
MARGIN = 20 * mm


@lru_cache(maxsize=1)
def _fonts() -> str:
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Oblique", str(FONTS / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu-Oblique",
                                  boldItalic="DejaVu-Bold")
    return "DejaVu"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    font = _fonts()
    base = ParagraphStyle("body", fontName=font, fontSize=9.8, leading=14, alignment=TA_LEFT, spaceAfter=5,
                          bulletFontName=font)  # not Helvetica: its bullet has no Unicode mapping
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=3),
        "kicker": ParagraphStyle("kicker", parent=base, fontName="DejaVu-Bold", fontSize=8, leading=10,
                                 textColor=ACCENT, spaceAfter=4),
        "title": ParagraphStyle("title", parent=base, fontName="DejaVu-Bold", fontSize=19, leading=24,
                                textColor=colors.black, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName="DejaVu-Bold", fontSize=12, leading=16, textColor=ACCENT,
                             spaceBefore=10, spaceAfter=4),
        "fact": ParagraphStyle("fact", parent=base, fontSize=9, leading=12, spaceAfter=0),
        "fact_label": ParagraphStyle("fact_label", parent=base, fontName="DejaVu-Bold", fontSize=9, leading=12,
                                     textColor=ACCENT, spaceAfter=0),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontName="DejaVu-Bold", fontSize=28, leading=34,
                                      textColor=ACCENT, spaceAfter=14),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=17, textColor=MUTED),
        "toc_title": ParagraphStyle("toc_title", parent=base, fontName="DejaVu-Bold", fontSize=16, leading=20,
                                    textColor=ACCENT, spaceAfter=12),
        "toc": ParagraphStyle("toc", parent=base, fontSize=10, leading=14, leftIndent=0, firstLineIndent=0),
        "note": ParagraphStyle("note", parent=base, backColor=SHADE, borderColor=ACCENT, borderWidth=0,
                               borderPadding=6, leftIndent=6, rightIndent=6, spaceBefore=4, spaceAfter=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11, spaceAfter=3),
        "cell_label": ParagraphStyle("cell_label", parent=base, fontName="DejaVu-Bold", fontSize=8.5, leading=11,
                                     textColor=ACCENT, spaceAfter=0),
    }


class _Heading(Paragraph):
    """A paragraph that goes into the outline (and, at level 0, into the table of contents)."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(escape(text), style)
        self.outline = (text, level, key)


class _Document(BaseDocTemplate):
    def __init__(self, buffer, *, lang: str, title: str, subject: str, running: str, page_label: str, exported: str,
                 cover: bool, labels_lang: str = "", pagesize: tuple[float, float] = A4):
        # `lang` is the document's language (the PDF's /Lang); the labels may be in another one.
        super().__init__(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=24 * mm,
                         bottomMargin=20 * mm, title=title, subject=subject,
                         author=labels(labels_lang or lang)["publisher"], creator="urban-practices-kb",
                         lang=lang or labels_lang, invariant=1, displayDocTitle=1)
        self.running, self.page_label, self.exported = running, page_label, exported
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        templates = [PageTemplate("page", [frame], onPage=self._decorate)]
        if cover:
            templates.insert(0, PageTemplate("cover", [frame], onPage=self._cover))
        self.addPageTemplates(templates)

    def _cover(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        width, height = self.pagesize
        canvas.rect(0, height - 18 * mm, width, 18 * mm, stroke=0, fill=1)
        canvas.rect(0, 0, width, 8 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        width, height = self.pagesize
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, height - 15 * mm, width - MARGIN, height - 15 * mm)
        canvas.line(MARGIN, 13 * mm, width - MARGIN, 13 * mm)
        canvas.setFont("DejaVu", 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, height - 13 * mm, self.running)
        canvas.drawString(MARGIN, 9 * mm, self.exported)
        canvas.drawRightString(width - MARGIN, 9 * mm, self.page_label.format(n=canvas.getPageNumber()))
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if not outline:
            return
        text, level, key = outline
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        if level == 0:
            self.notify("TOCEntry", (0, escape(text), self.page, key))


def _block(kind: str, text: str) -> Paragraph:
    """A paragraph ('p') or a bulleted list item ('li') of a sheet's section."""
    styles = _styles()
    return Paragraph(escape(text), styles["bullet" if kind == "li" else "body"], bulletText="•" if kind == "li" else None)


def _sheet_flowables(sheet: Sheet, n: int, outline_base: int) -> list:
    styles = _styles()
    names = labels(sheet.lang)
    key = f"practice-{n}"
    out: list = [Paragraph(escape(names["sheet"].upper()), styles["kicker"]),
                 _Heading(sheet.title, styles["title"], outline_base, key)]
    rows = [[Paragraph(escape(label), styles["fact_label"]), Paragraph(escape(value), styles["fact"])]
            for label, value in sheet.facts]
    facts = Table(rows, colWidths=[38 * mm, None], hAlign="LEFT")
    facts.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.white),  # ruled: PDF readers and ingest see a table
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    out += [facts, Spacer(0, 4 * mm)]
    if sheet.note:
        out.append(Paragraph(f"<b>{escape(names['note'])}:</b> {escape(sheet.note)}", styles["note"]))
    for m, section in enumerate(sheet.sections):
        blocks = section.blocks()
        heading = _Heading(section.label, styles["h2"], outline_base + 1, f"{key}-{m}")
        first = [_block(kind, text) for kind, text in blocks[:1]]
        out.append(CondPageBreak(30 * mm))
        out.append(KeepTogether([heading, *first]))  # a section label never ends a page alone
        out += [_block(kind, text) for kind, text in blocks[1:]]
    return out


def sheet_pdf(sheet: Sheet, today: date | None = None) -> bytes:
    names = labels(sheet.lang)
    buffer = io.BytesIO()
    doc = _Document(buffer, lang=sheet.practice.language, title=sheet.title, subject=names["sheet"],
                    running=names["publisher"], page_label=names["page"],
                    exported=names["exported"].format(date=export_date(sheet.lang, today)), cover=False,
                    labels_lang=sheet.lang)
    doc.build(_sheet_flowables(sheet, 1, 0))
    return buffer.getvalue()


def catalogue_pdf(sheets: list[Sheet], lang: str, title: str = "", subtitle: str = "",
                  today: date | None = None, description: str = "") -> bytes:
    """A cover (the title, the collection's description), a table of contents and the sheets: a long sheet
    starts a page, a short one follows the sheet before it when a third of a page is left."""
    styles = _styles()
    names = labels(lang)
    title = title or names["catalogue"]
    buffer = io.BytesIO()
    exported = names["exported"].format(date=export_date(lang, today))
    doc = _Document(buffer, lang=lang, title=title, subject=names["catalogue"], running=title,
                    page_label=names["page"], exported=exported, cover=True)
    story: list = [Spacer(0, 60 * mm), Paragraph(escape(title), styles["cover_title"])]
    if subtitle:
        story.append(Paragraph(escape(subtitle), styles["cover"]))
    story += [_block(kind, text) for kind, text in text_blocks(description)]
    story += [Spacer(0, 8 * mm), Paragraph(escape(names["count"].format(n=len(sheets))), styles["cover"]),
              Paragraph(escape(exported), styles["cover"]),
              Spacer(0, 30 * mm), Paragraph(escape(names["publisher"]), styles["cover"]),
              NextPageTemplate("page"), PageBreak()]
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [styles["toc"]]
    story += [Paragraph(escape(names["contents"]), styles["toc_title"]), toc]
    for n, sheet in enumerate(sheets, 1):
        if n == 1 or not sheet.short:
            story.append(PageBreak())
        else:
            story += [CondPageBreak(90 * mm), Spacer(0, 8 * mm)]
        story += _sheet_flowables(sheet, n, 0)
    doc.multiBuild(story)
    return buffer.getvalue()
