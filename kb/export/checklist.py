"""A transfer checklist and its draft transfer plan as DOCX or PDF, in the checklist's template language."""
from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from ..checklist import ITEMS, LABELS, STEPS, Checklist, ItemState, Prefill, by_item, flag_text
from ..models import Practice
from ..places import country_name
from .sheet import export_date, place
from .sheet import labels as sheet_labels


def _l(key: str, lang: str) -> str:
    return LABELS[key][lang]


def _target(checklist: Checklist, lang: str) -> str:
    parts = [checklist.city, country_name(checklist.country, lang)]
    if checklist.population:
        parts.append(f"{_l('population', lang)}: {checklist.population:,}".replace(",", " "))
    if checklist.department:
        parts.append(f"{_l('department', lang)}: {checklist.department}")
    return ", ".join(p for p in parts if p)


def _status(state: ItemState, lang: str) -> str:
    return _l(state.status, lang) if state.status else "—"


def _details(key: str, state: ItemState, lang: str) -> list[str]:
    out = [f"{_l('status', lang)}: {_status(state, lang)}"]
    if state.flag:
        out.append(f"⚑ {flag_text(key, state.flag, lang)}")
    if state.core:
        out.append(_l("core", lang))
    if state.owner:
        out.append(f"{_l('owner', lang)}: {state.owner}")
    if state.due:
        out.append(f"{_l('due', lang)}: {state.due}")
    return out


def _plan_rows(checklist: Checklist, lang: str) -> list[list[str]]:
    header = [_l(k, lang) for k in ("action", "timeframe", "players", "costs", "funding")]
    rows = [[a.action, a.timeframe, a.players, a.costs, a.funding] for a in checklist.actions if a.filled()]
    return [header, *(rows or [["", "", "", "", ""]])]


def checklist_docx(checklist: Checklist, practice: Practice, prefills: list[Prefill], today: date | None = None) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    from .docx import A4_HEIGHT, A4_WIDTH

    lang = checklist.lang
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
    document.core_properties.title = f"{_l('checklist', lang)}: {practice.title}"[:255]
    document.core_properties.author = sheet_labels(lang)["publisher"]
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(_l("checklist", lang), level=0)
    document.add_paragraph(practice.title, style="Subtitle")
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in ((_l("from", lang), place(practice, lang)), (_l("to", lang), _target(checklist, lang)),
                         (_l("progress", lang), "{} / {}".format(*checklist.progress()))):
        row = facts.add_row().cells
        row[0].paragraphs[0].add_run(label).bold = True
        row[1].text = value
    flags = checklist.red_flags()
    if flags:
        document.add_heading(_l("red_flags", lang), level=1)
        for key in flags:
            run = document.add_paragraph(style="List Bullet").add_run(ITEMS[key].label[lang])
            run.bold, run.font.color.rgb = True, RGBColor(0xB0, 0x1E, 0x1E)
    hints = by_item(prefills)
    for number, step in enumerate(STEPS, 1):
        document.add_heading(f"{number}. {step.title[lang]}", level=1)
        for item in step.items:
            state = checklist.items.get(item.key, ItemState())
            document.add_heading(item.label[lang], level=2)
            document.add_paragraph(" · ".join(_details(item.key, state, lang)))
            if state.note:
                document.add_paragraph(state.note)
            for p in hints.get(item.key, [])[:4]:
                quote = document.add_paragraph(style="List Bullet")
                quote.add_run(f"{_l('from_practice', lang)}: ").bold = True
                quote.add_run(p.text).italic = True
    document.add_heading(_l("plan", lang), level=1)
    rows = _plan_rows(checklist, lang)
    table = document.add_table(rows=0, cols=5)
    table.style = "Table Grid"
    for n, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
            if n == 0:
                cell.paragraphs[0].runs[0].bold = True
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = sheet_labels(lang)["exported"].format(date=export_date(lang, today))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def checklist_pdf(checklist: Checklist, practice: Practice, prefills: list[Prefill], today: date | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    from .pdf import ACCENT, SHADE, _Document, _Heading, _styles

    lang = checklist.lang
    styles = _styles()
    red = ParagraphStyle("red", parent=styles["body"], textColor=colors.HexColor("#b01e1e"), fontName="DejaVu-Bold")
    quote = ParagraphStyle("quote", parent=styles["bullet"], fontName="DejaVu-Oblique", textColor=colors.HexColor("#404040"))
    small = ParagraphStyle("small", parent=styles["body"], fontSize=8.5, leading=11)
    names = sheet_labels(lang)
    buffer = io.BytesIO()
    doc = _Document(buffer, lang=lang, title=f"{_l('checklist', lang)}: {practice.title}", subject=_l("checklist", lang),
                    running=_l("checklist", lang), page_label=names["page"],
                    exported=names["exported"].format(date=export_date(lang, today)), cover=False)
    story: list = [Paragraph(escape(_l("checklist", lang).upper()), styles["kicker"]),
                   _Heading(practice.title, styles["title"], 0, "checklist")]
    facts = [[Paragraph(escape(label), styles["fact_label"]), Paragraph(escape(value), styles["fact"])]
             for label, value in ((_l("from", lang), place(practice, lang)), (_l("to", lang), _target(checklist, lang)),
                                  (_l("progress", lang), "{} / {}".format(*checklist.progress())))]
    table = Table(facts, colWidths=[38 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.white)]))
    story += [table, Spacer(0, 4 * mm)]
    flags = checklist.red_flags()
    if flags:
        story.append(_Heading(_l("red_flags", lang), styles["h2"], 1, "flags"))
        story += [Paragraph(escape(ITEMS[k].label[lang]), red, bulletText="•") for k in flags]
    hints = by_item(prefills)
    for number, step in enumerate(STEPS, 1):
        story.append(_Heading(f"{number}. {step.title[lang]}", styles["h2"], 1, f"step-{step.key}"))
        for item in step.items:
            state = checklist.items.get(item.key, ItemState())
            block = [Paragraph(f"<b>{escape(item.label[lang])}</b>", styles["body"]),
                     Paragraph(escape(" · ".join(_details(item.key, state, lang))), small)]
            if state.note:
                block.append(Paragraph(escape(state.note), styles["body"]))
            block += [Paragraph(escape(p.text), quote, bulletText="“") for p in hints.get(item.key, [])[:4]]
            story.append(KeepTogether(block))
    story.append(_Heading(_l("plan", lang), styles["h2"], 1, "plan"))
    rows = [[Paragraph(escape(v), small) for v in row] for row in _plan_rows(checklist, lang)]
    plan = Table(rows, repeatRows=1, colWidths=[50 * mm, 25 * mm, 35 * mm, 25 * mm, None])
    plan.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE), ("GRID", (0, 0), (-1, -1), 0.4, ACCENT),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(plan)
    doc.build(story)
    return buffer.getvalue()


def export_checklist(checklist: Checklist, practice: Practice, prefills: list[Prefill], fmt: str,
                     today: date | None = None) -> bytes:
    if fmt == "docx":
        return checklist_docx(checklist, practice, prefills, today)
    if fmt == "pdf":
        return checklist_pdf(checklist, practice, prefills, today)
    raise ValueError(f"a checklist exports to docx or pdf, not {fmt!r}")
