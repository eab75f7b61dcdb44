"""Build the sample corpus: render corpus/src/*.md into .docx, .pdf, .txt and .md files in corpus/.

Usage: python corpus/build.py [--check]

Each source file starts with a small front matter block:

    ---
    output: name.docx          # target file in corpus/ (.docx, .pdf, .txt or .md)
    lang: pl                   # pl, uk, en or pl+uk: picks header/footer/page-chrome wording
    header: ...                # optional running header text (DOCX/PDF)
    title_style: title         # optional, DOCX only: H1 as 'Title' (default 'Heading 1')
    layout: columns            # optional, PDF only: two-column body (newsletter)
    site: ...                  # optional, TXT/MD only: site name used in the page chrome
    date: 2024-05-14           # optional, TXT/MD only: publication date shown in the chrome
    ---

The body uses a tiny markdown subset: '# ', '## ', '### ' headings, blank-line separated
paragraphs, '- ' bullets and '| label | value |' table rows.

The build is deterministic: fixed document dates, fixed ZIP timestamps, sorted inputs.
With --check nothing is written; the script fails if any output would change.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import XPos, YPos

CORPUS = Path(__file__).resolve().parent
SRC = CORPUS / "src"
FONTS = CORPUS.parent / "kb" / "data" / "fonts"
FIXED_DATE = dt.datetime(2024, 6, 3, 9, 0, 0, tzinfo=dt.UTC)
ZIP_DATE = (2024, 6, 3, 9, 0, 0)

DEFAULT_HEADER = {
    "pl": "Baza dobrych praktyk miejskich · materiał roboczy",
    "uk": "База кращих міських практик · робочий матеріал",
    "en": "Urban good practice database · working document",
    "pl+uk": "Biuletyn miast partnerskich · Бюлетень міст-партнерів",
}
FOOTER = {
    "pl": "Strona {page} z {nb}",
    "uk": "Сторінка {page} з {nb}",
    "en": "Page {page} of {nb}",
    "pl+uk": "{page} / {nb}",
}


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    kind: str  # h1 h2 h3 p li table
    text: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Source:
    path: Path
    meta: dict[str, str]
    blocks: list[Block]

    @property
    def output(self) -> str:
        return self.meta["output"]

    @property
    def lang(self) -> str:
        return self.meta.get("lang", "en")

    @property
    def title(self) -> str:
        return next((b.text for b in self.blocks if b.kind == "h1"), self.output)


def parse_front_matter(lines: list[str], path: Path) -> tuple[dict[str, str], list[str]]:
    """Split '---' front matter from the body; values may carry a trailing '# comment'."""
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path.name}: missing front matter")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta = {}
    for line in lines[1:end]:
        if ":" not in line:
            continue
        key, value = line.split(":", 1)
        value = value.split(" #", 1)[0].strip()
        meta[key.strip()] = value
    if "output" not in meta:
        raise ValueError(f"{path.name}: front matter needs 'output'")
    return meta, lines[end + 1 :]


def parse_body(lines: list[str]) -> list[Block]:
    """Turn the markdown subset into a flat list of blocks."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", " ".join(s.strip() for s in para)))
            para.clear()

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        for prefix, kind in (("### ", "h3"), ("## ", "h2"), ("# ", "h1")):
            if stripped.startswith(prefix):
                flush()
                blocks.append(Block(kind, stripped[len(prefix) :].strip()))
                break
        else:
            if stripped.startswith("- "):
                flush()
                blocks.append(Block("li", stripped[2:].strip()))
            elif stripped.startswith("|") and stripped.endswith("|"):
                flush()
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                label, value = cells[0], " | ".join(cells[1:])
                if blocks and blocks[-1].kind == "table":
                    blocks[-1].rows.append((label, value))
                else:
                    blocks.append(Block("table", rows=[(label, value)]))
            elif blocks and blocks[-1].kind == "li" and not para and raw.startswith("  "):
                blocks[-1].text += " " + stripped  # continuation of a bullet
            else:
                para.append(stripped)
    flush()
    return blocks


def load(path: Path) -> Source:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta, body = parse_front_matter(lines, path)
    return Source(path, meta, parse_body(body))


# --------------------------------------------------------------------------- DOCX


def _add_field(paragraph, instr: str, placeholder: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) with a cached placeholder result."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instr} "
    run._r.append(code)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _docx_header_footer(doc, src: Source) -> None:
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = src.meta.get("header", DEFAULT_HEADER[src.lang])
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in head.runs:
        run.font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, rest = FOOTER[src.lang].split("{page}")
    middle, after = rest.split("{nb}")
    foot.add_run(before)
    _add_field(foot, "PAGE", "1")
    foot.add_run(middle)
    _add_field(foot, "NUMPAGES", "1")
    foot.add_run(after)


def _docx_table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value
    doc.add_paragraph()


def render_docx(src: Source) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    _docx_header_footer(doc, src)
    h1_style = "Title" if src.meta.get("title_style") == "title" else "Heading 1"
    for block in src.blocks:
        if block.kind == "h1":
            doc.add_paragraph(block.text, style=h1_style)
        elif block.kind in ("h2", "h3"):
            doc.add_paragraph(block.text, style="Heading " + block.kind[1])
        elif block.kind == "li":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            _docx_table(doc, block.rows)
        else:
            doc.add_paragraph(block.text)
    props = doc.core_properties
    props.title = src.title
    props.author = src.meta.get("author", "Zespół projektu")
    props.last_modified_by = props.author
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    props.language = {"pl": "pl-PL", "uk": "uk-UA", "en": "en-GB"}.get(src.lang, "")
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps and order so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF

BODY_PT = 10.5
HEADING_PT = {"h1": 17, "h2": 13, "h3": 11.5}


class SheetPDF(FPDF):
    """A4 page with a running header line and a page-number footer."""

    def __init__(self, header_text: str, footer_tpl: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_tpl = footer_tpl
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages("{nb}")

    def header(self) -> None:
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.set_xy(self.l_margin, 10)
        self.cell(0, 5, self.header_text, align="L")
        self.set_draw_color(170, 170, 170)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, 22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        text = self.footer_tpl.format(page=self.page_no(), nb="{nb}")
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)


def _pdf_heading(pdf: FPDF, block: Block) -> None:
    size = HEADING_PT[block.kind]
    space = {"h1": 2, "h2": 4, "h3": 3}[block.kind]
    pdf.ln(space)
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    pdf.set_font("DejaVu", "", BODY_PT)


def _pdf_table(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_font("DejaVu", "", BODY_PT - 0.5)
    pdf.set_draw_color(120, 120, 120)
    with pdf.table(
        col_widths=(32, 68), line_height=5.2, first_row_as_headings=False, padding=1.5, text_align="LEFT"
    ) as table:
        for label, value in rows:
            row = table.row()
            pdf.set_font("DejaVu", "B", BODY_PT - 0.5)
            row.cell(label)
            pdf.set_font("DejaVu", "", BODY_PT - 0.5)
            row.cell(value)
    pdf.set_font("DejaVu", "", BODY_PT)
    pdf.ln(3)


def _pdf_single_column(pdf: FPDF, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind in HEADING_PT:
            _pdf_heading(pdf, block)
        elif block.kind == "li":
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(5, 5.2, "•")
            pdf.multi_cell(pdf.epw - 8, 5.2, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.8)
        elif block.kind == "table":
            _pdf_table(pdf, block.rows)
        else:
            pdf.multi_cell(0, 5.2, block.text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.2)


def _pdf_two_columns(pdf: FPDF, blocks: list[Block]) -> None:
    """Newsletter layout: H1 across the page, everything after it flows in two columns."""
    body = list(blocks)
    while body and body[0].kind == "h1":
        _pdf_heading(pdf, body.pop(0))
    pdf.ln(2)
    with pdf.text_columns(ncols=2, gutter=8, text_align="LEFT", line_height=1.15) as cols:
        for block in body:
            if block.kind in ("h2", "h3"):
                size = HEADING_PT[block.kind]
                pdf.set_font("DejaVu", "B", size)
                with cols.paragraph(text_align="L", top_margin=3, bottom_margin=1.5) as par:
                    par.write(block.text)
            elif block.kind == "li":
                pdf.set_font("DejaVu", "", BODY_PT)
                with cols.paragraph(indent=4, bullet_string="•", bottom_margin=0.8) as par:
                    par.write(block.text)
            elif block.kind == "table":
                pdf.set_font("DejaVu", "", BODY_PT)
                for label, value in block.rows:
                    with cols.paragraph(text_align="L", bottom_margin=0.8) as par:
                        par.write(f"{label}: {value}")
            else:
                pdf.set_font("DejaVu", "", BODY_PT)
                with cols.paragraph(bottom_margin=2) as par:
                    par.write(block.text)


def render_pdf(src: Source) -> bytes:
    pdf = SheetPDF(src.meta.get("header", DEFAULT_HEADER[src.lang]), FOOTER[src.lang])
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(src.title)
    pdf.set_author(src.meta.get("author", "Zespół projektu"))
    pdf.set_creator("corpus/build.py")
    pdf.set_lang({"pl": "pl-PL", "uk": "uk-UA", "en": "en-GB", "pl+uk": "pl-PL"}[src.lang])
    pdf.add_page()
    pdf.set_font("DejaVu", "", BODY_PT)
    if src.meta.get("layout") == "columns":
        _pdf_two_columns(pdf, src.blocks)
    else:
        _pdf_single_column(pdf, src.blocks)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- TXT / MD (saved web page)

CHROME = {
    "pl": {
        "top": [
            "Trwa ładowanie...",
            "Przejdź do treści",
            "Menu",
            "Szukaj",
            "Zaloguj",
            "BIP",
            "Ta strona używa plików cookies. Korzystając z niej, zgadzasz się na ich użycie.",
            "Akceptuję cookies",
            "Strona główna > Aktualności > Rozwój miasta",
        ],
        "dateline": "Opublikowano: {date} | Autor: Biuro Prasowe",
        "bottom": [
            "Udostępnij",
            "Facebook",
            "X",
            "Drukuj",
            "Powrót do listy aktualności",
            "Zobacz także",
            "Harmonogram odbioru odpadów 2024",
            "Kontakt | Deklaracja dostępności | Polityka prywatności",
            "© {year} {site}. Wszelkie prawa zastrzeżone.",
        ],
    },
    "uk": {
        "top": [
            "Перейти до основного вмісту",
            "Меню",
            "Пошук",
            "Увійти",
            "UA | EN",
            "Гаряча лінія 0 800 500 153 (безкоштовно)",
            "Ми використовуємо файли cookie для покращення роботи сайту.",
            "Погоджуюсь",
            "Головна / Новини / Розвиток громади",
        ],
        "dateline": "Опубліковано: {date} | Переглядів: 1 284",
        "bottom": [
            "Поділитися",
            "Facebook",
            "Telegram",
            "Друкувати",
            "Читайте також",
            "Графік відключень електроенергії",
            "Контакти | Доступність | Політика конфіденційності",
            "© {year} {site}. Усі права захищені.",
        ],
    },
    "en": {
        "top": [
            "Loading...",
            "Skip to main content",
            "Menu",
            "Search",
            "Log in",
            "We use cookies to improve your experience.",
            "Accept all cookies",
            "Home > News > City development",
        ],
        "dateline": "Published: {date}",
        "bottom": [
            "Share",
            "Facebook",
            "LinkedIn",
            "Print",
            "Back to news",
            "Related articles",
            "Contact | Accessibility | Privacy policy",
            "© {year} {site}. All rights reserved.",
        ],
    },
}


def render_text(src: Source, markdown: bool) -> bytes:
    chrome = CHROME[src.lang if src.lang in CHROME else "en"]
    site = src.meta.get("site", "Urząd Miasta")
    date = src.meta.get("date", "2024-06-03")
    fill = {"site": site, "year": date[:4], "date": date}
    lines: list[str] = [site, ""]
    lines += [c.format(**fill) for c in chrome["top"]]
    lines.append("")
    for block in src.blocks:
        if block.kind == "h1":
            lines += [("# " if markdown else "") + block.text, "", chrome["dateline"].format(**fill), ""]
        elif block.kind in ("h2", "h3"):
            prefix = "#" * int(block.kind[1]) + " " if markdown else ""
            lines += [prefix + block.text, ""]
        elif block.kind == "li":
            lines.append(("- " if markdown else "• ") + block.text)
        elif block.kind == "table":
            lines += [f"{label}: {value}" for label, value in block.rows]
            lines.append("")
        else:
            if lines and lines[-1].startswith(("- ", "• ")):
                lines.append("")
            lines += [block.text, ""]
    if lines[-1]:
        lines.append("")
    lines += [c.format(**fill) for c in chrome["bottom"]]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- main

RENDERERS = {
    ".docx": render_docx,
    ".pdf": render_pdf,
    ".txt": lambda src: render_text(src, markdown=False),
    ".md": lambda src: render_text(src, markdown=True),
}


def build(check: bool = False) -> int:
    sources = [load(p) for p in sorted(SRC.glob("*.md"))]
    outputs = [s.output for s in sources]
    duplicates = {o for o in outputs if outputs.count(o) > 1}
    if duplicates:
        raise SystemExit(f"duplicate outputs: {sorted(duplicates)}")
    changed = 0
    for src in sources:
        target = CORPUS / src.output
        data = RENDERERS[target.suffix.lower()](src)
        old = target.read_bytes() if target.exists() else None
        if old != data:
            changed += 1
            if not check:
                target.write_bytes(data)
        print(f"{'changed' if old != data else 'same   '}  {src.output}")
    print(f"{len(sources)} files, {changed} changed")
    return 1 if (check and changed) else 0


if __name__ == "__main__":
    sys.exit(build(check="--check" in sys.argv[1:]))
