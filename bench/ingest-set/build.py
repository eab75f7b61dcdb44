"""Build the held-out ingest set: render bench/ingest-set/src/*.md into docs/*.docx|pdf|txt|html.

Usage: python bench/ingest-set/build.py [--check]

The approach is corpus/build.py's (a small markdown subset, fixed dates, fixed ZIP timestamps), with
the extra shapes that third-party documents have and the corpus does not: multi-column tables with a
header row, tables without ruling lines, hyphenated line breaks, headings typed as bold paragraphs,
inline bold labels ("**Miasto:** Rzeszów"), numbered lists, page breaks, a table of contents with dot
leaders, and saved web pages as HTML with their menus, cookie banner and footer.

Front matter (between '---' lines):

    output: name.docx            # target in docs/: .docx, .pdf, .txt or .html
    lang: pl                     # pl | uk | en | pl+uk (chrome wording, document language)
    header: ...                  # running header (DOCX/PDF); 'none' for no header
    footer: Strona {page} z {nb} # page-number footer template (DOCX/PDF); 'none' for no footer
    headings: bold               # DOCX: headings typed as bold Normal paragraphs, not Heading styles
    title_style: title           # DOCX: H1 as 'Title'
    layout: columns              # PDF: two-column body after the H1 (newsletter)
    hyphenate: yes               # PDF: own line breaking, long words split with a hyphen
    borders: none                # PDF: tables without ruling lines (plain aligned columns)
    font_size: 10                # PDF body size
    site: ...                    # TXT/HTML: site name in the chrome
    date: 2024-05-14             # TXT/HTML: dateline
    related: A ;; B ;; C         # TXT/HTML: "related articles" headlines in the chrome
    author: ...                  # document metadata

Body: '# ', '## ', '### ' headings; blank-line separated paragraphs ('**x**' is bold); '- ' bullets;
'1. ' numbered items; '| a | b | c |' table rows, a '|---|' line after the first row makes it a header
row; '@page' starts a new page (PDF) or inserts a page break (DOCX); '@toc title | page' is a table of
contents line; '@small text' is a small print line (PDF/DOCX).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
DOCS = HERE / "docs"
FONTS = HERE.parents[1] / "kb" / "data" / "fonts"
FIXED_DATE = dt.datetime(2024, 11, 4, 10, 30, 0, tzinfo=dt.UTC)
ZIP_DATE = (2024, 11, 4, 10, 30, 0)
LANG_TAG = {"pl": "pl-PL", "uk": "uk-UA", "en": "en-GB", "pl+uk": "pl-PL"}
DEFAULT_FOOTER = {"pl": "Strona {page} z {nb}", "uk": "Сторінка {page} з {nb}", "en": "Page {page} of {nb}",
                  "pl+uk": "{page}"}

# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    kind: str  # h1 h2 h3 p li ol table page toc small
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False  # table: first row is a header row
    number: int = 0  # ol


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
        return plain(next((b.text for b in self.blocks if b.kind == "h1"), self.output))

    def opt(self, key: str, default: str = "") -> str:
        return self.meta.get(key, default)


def plain(text: str) -> str:
    return text.replace("**", "")


def parse(path: Path) -> Source:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path.name}: missing front matter")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta = {}
    for line in lines[1:end]:
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    if "output" not in meta:
        raise ValueError(f"{path.name}: front matter needs 'output'")
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()

    for raw in lines[end + 1 :]:
        s = raw.strip()
        if not s:
            flush()
            continue
        m = re.match(r"(#{1,3}) (.*)", s)
        if m:
            flush()
            blocks.append(Block("h" + str(len(m.group(1))), m.group(2).strip()))
        elif s == "@page":
            flush()
            blocks.append(Block("page"))
        elif s.startswith("@toc "):
            flush()
            blocks.append(Block("toc", s[5:].strip()))
        elif s.startswith("@small "):
            flush()
            blocks.append(Block("small", s[7:].strip()))
        elif s.startswith("- "):
            flush()
            blocks.append(Block("li", s[2:].strip()))
        elif re.match(r"\d+\. ", s) and not para:
            flush()
            n, text = s.split(". ", 1)
            blocks.append(Block("ol", text.strip(), number=int(n)))
        elif s.startswith("|") and s.endswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                blocks[-1].header = True
                continue
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif blocks and blocks[-1].kind in ("li", "ol") and not para and raw.startswith("  "):
            blocks[-1].text += " " + s
        else:
            para.append(s)
    flush()
    return Source(path, meta, blocks)


def runs(text: str) -> list[tuple[str, bool]]:
    """'a **b** c' -> [('a ', False), ('b', True), (' c', False)]."""
    parts = text.split("**")
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


# --------------------------------------------------------------------------- DOCX


def _field(paragraph, instr: str, placeholder: str) -> None:
    for kind, payload in (("begin", None), ("instr", instr), ("separate", None), ("text", placeholder),
                          ("end", None)):
        if kind == "text":
            paragraph.add_run(payload)
            continue
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {payload} "
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _docx_header_footer(doc, src: Source) -> None:
    section = doc.sections[0]
    header = src.opt("header")
    if header and header != "none":
        head = section.header.paragraphs[0]
        head.text = header
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in head.runs:
            run.font.size = Pt(8)
    tpl = src.opt("footer", DEFAULT_FOOTER[src.lang])
    if tpl == "none":
        return
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pieces = re.split(r"(\{page\}|\{nb\})", tpl)
    for piece in pieces:
        if piece == "{page}":
            _field(foot, "PAGE", "1")
        elif piece == "{nb}":
            _field(foot, "NUMPAGES", "1")
        elif piece:
            foot.add_run(piece)


def _docx_runs(paragraph, text: str, bold_all: bool = False, size: float | None = None) -> None:
    for part, bold in runs(text):
        run = paragraph.add_run(part)
        run.bold = bold or bold_all
        if size:
            run.font.size = Pt(size)


def _docx_table(doc, block: Block) -> None:
    ncols = max(len(r) for r in block.rows)
    table = doc.add_table(rows=0, cols=ncols)
    table.style = "Table Grid"
    for i, row in enumerate(block.rows):
        cells = table.add_row().cells
        for j in range(ncols):
            value = row[j] if j < len(row) else ""
            cells[j].text = ""
            head = block.header and i == 0
            label = not block.header and ncols == 2 and j == 0
            _docx_runs(cells[j].paragraphs[0], value, bold_all=head or label)
    doc.add_paragraph()


def render_docx(src: Source) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    _docx_header_footer(doc, src)
    bold_headings = src.opt("headings") == "bold"
    h1_style = "Title" if src.opt("title_style") == "title" else "Heading 1"
    sizes = {"h1": 16, "h2": 13, "h3": 11}
    for block in src.blocks:
        if block.kind in ("h1", "h2", "h3"):
            if bold_headings:
                p = doc.add_paragraph()
                _docx_runs(p, block.text, bold_all=True, size=sizes[block.kind])
            else:
                style = h1_style if block.kind == "h1" else "Heading " + block.kind[1]
                doc.add_paragraph(plain(block.text), style=style)
        elif block.kind == "li":
            _docx_runs(doc.add_paragraph(style="List Bullet"), block.text)
        elif block.kind == "ol":
            _docx_runs(doc.add_paragraph(style="List Number"), block.text)
        elif block.kind == "table":
            _docx_table(doc, block)
        elif block.kind == "page":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "toc":
            title, page = [x.strip() for x in block.text.rsplit("|", 1)]
            doc.add_paragraph(f"{title}\t{page}")
        elif block.kind == "small":
            _docx_runs(doc.add_paragraph(), block.text, size=8)
        else:
            _docx_runs(doc.add_paragraph(), block.text)
    props = doc.core_properties
    props.title = src.title
    props.author = src.opt("author", "Użytkownik")
    props.last_modified_by = props.author
    props.created = FIXED_DATE.replace(tzinfo=None)
    props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 3
    props.language = LANG_TAG[src.lang]
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF

HEADING_PT = {"h1": 16, "h2": 12.5, "h3": 11}


class DocPDF(FPDF):
    def __init__(self, header_text: str, footer_tpl: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.header_text = header_text
        self.footer_tpl = footer_tpl
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages("{nb}")

    def header(self) -> None:
        if not self.header_text:
            return
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(110, 110, 110)
        self.set_xy(self.l_margin, 10)
        self.cell(0, 5, self.header_text, align="L")
        self.set_draw_color(170, 170, 170)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, 22)

    def footer(self) -> None:
        if not self.footer_tpl:
            return
        self.set_y(-14)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, self.footer_tpl.format(page=self.page_no(), nb="{nb}"), align="C")
        self.set_text_color(0, 0, 0)


VOWELS = set("aeiouyąęóаеиіїоуюяєыэ")


def _split_points(word: str) -> list[int]:
    """Crude syllable-ish split points: after a vowel followed by a consonant, 3+ letters each side."""
    core = word.rstrip(".,;:!?)»”\"")
    points = []
    for i in range(3, len(core) - 2):
        a, b = core[i - 1].lower(), core[i].lower()
        if not (core[i - 1].isalpha() and core[i].isalpha()):
            continue
        if a in VOWELS and b not in VOWELS:
            points.append(i)
        elif a not in VOWELS and b not in VOWELS and core[i - 2].lower() in VOWELS:
            points.append(i)
    return points


def _hyphenated_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    while words:
        word = words.pop(0)
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        split = None
        if len(word) >= 7:
            for i in reversed(_split_points(word)):
                head = f"{line} {word[:i]}-" if line else word[:i] + "-"
                if pdf.get_string_width(head) <= width:
                    split = i
                    break
        if split:
            lines.append(f"{line} {word[:split]}-" if line else word[:split] + "-")
            words.insert(0, word[split:])
            line = ""
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _pdf_heading(pdf: DocPDF, block: Block) -> None:
    size = HEADING_PT[block.kind]
    pdf.ln({"h1": 2, "h2": 4, "h3": 2.5}[block.kind])
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.5, plain(block.text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _pdf_table(pdf: DocPDF, block: Block, body_pt: float, borders: str) -> None:
    ncols = max(len(r) for r in block.rows)
    widths = {2: (30, 70), 3: (18, 30, 52), 4: (16, 24, 44, 16), 5: (6, 16, 24, 40, 14)}[ncols]
    layout = TableBordersLayout.NONE if borders == "none" else TableBordersLayout.ALL
    pdf.set_font("DejaVu", "", body_pt - 1)
    pdf.set_draw_color(120, 120, 120)
    with pdf.table(col_widths=widths, line_height=4.6, first_row_as_headings=block.header, padding=1.6,
                   text_align="LEFT", borders_layout=layout, markdown=True, v_align="TOP") as table:
        for cells in block.rows:
            row = table.row()
            for j in range(ncols):
                value = cells[j] if j < len(cells) else ""
                if not block.header and ncols == 2 and j == 0:
                    value = f"**{plain(value)}**"
                row.cell(value)
    pdf.set_font("DejaVu", "", body_pt)
    pdf.ln(3)


def _pdf_single_column(pdf: DocPDF, src: Source, body_pt: float) -> None:
    hyphenate = src.opt("hyphenate") == "yes"
    lh = body_pt * 0.5
    for block in src.blocks:
        pdf.set_font("DejaVu", "", body_pt)
        if block.kind in HEADING_PT:
            _pdf_heading(pdf, block)
        elif block.kind == "page":
            pdf.add_page()
        elif block.kind in ("li", "ol"):
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(6, lh, "•" if block.kind == "li" else f"{block.number}.")
            pdf.multi_cell(pdf.epw - 9, lh, block.text, align="L", markdown=True,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.8)
        elif block.kind == "table":
            _pdf_table(pdf, block, body_pt, src.opt("borders"))
        elif block.kind == "toc":
            title, page = [x.strip() for x in block.text.rsplit("|", 1)]
            tw = pdf.get_string_width(title)
            dots = "." * max(3, int((pdf.epw - tw - pdf.get_string_width(page) - 4) / pdf.get_string_width(".")))
            pdf.cell(0, lh + 0.6, f"{title} {dots} {page}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif block.kind == "small":
            pdf.set_font("DejaVu", "I", body_pt - 2.5)
            pdf.multi_cell(0, lh - 0.8, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
        elif hyphenate:
            for line in _hyphenated_lines(pdf, plain(block.text), pdf.epw):
                pdf.cell(0, lh, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        else:
            pdf.multi_cell(0, lh, block.text, align="J", markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)


def _pdf_two_columns(pdf: DocPDF, src: Source, body_pt: float) -> None:
    body = list(src.blocks)
    while body and body[0].kind in ("h1", "small"):
        block = body.pop(0)
        if block.kind == "h1":
            _pdf_heading(pdf, block)
        else:
            pdf.set_font("DejaVu", "I", body_pt - 1.5)
            pdf.multi_cell(0, 4, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    with pdf.text_columns(ncols=2, gutter=8, text_align="LEFT", line_height=1.15) as cols:
        for block in body:
            if block.kind in ("h2", "h3"):
                pdf.set_font("DejaVu", "B", HEADING_PT[block.kind])
                with cols.paragraph(text_align="L", top_margin=3, bottom_margin=1.5) as par:
                    par.write(plain(block.text))
            elif block.kind in ("li", "ol"):
                pdf.set_font("DejaVu", "", body_pt)
                bullet = "•" if block.kind == "li" else f"{block.number}."
                with cols.paragraph(indent=4, bullet_string=bullet, bottom_margin=0.8) as par:
                    par.write(plain(block.text))
            elif block.kind == "small":
                pdf.set_font("DejaVu", "I", body_pt - 2)
                with cols.paragraph(bottom_margin=1.5) as par:
                    par.write(block.text)
            elif block.kind == "page":
                cols.new_column()
            else:
                pdf.set_font("DejaVu", "", body_pt)
                with cols.paragraph(bottom_margin=2) as par:
                    for part, bold in runs(block.text):
                        pdf.set_font("DejaVu", "B" if bold else "", body_pt)
                        par.write(part)


def render_pdf(src: Source) -> bytes:
    header = src.opt("header")
    footer = src.opt("footer", DEFAULT_FOOTER[src.lang])
    pdf = DocPDF("" if header in ("", "none") else header, "" if footer == "none" else footer)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(src.title)
    pdf.set_author(src.opt("author", "Secretariat"))
    pdf.set_creator(src.opt("creator", "Microsoft® Word 2016"))
    pdf.set_lang(LANG_TAG[src.lang])
    body_pt = float(src.opt("font_size", "10"))
    pdf.add_page()
    if src.opt("layout") == "columns":
        _pdf_two_columns(pdf, src, body_pt)
    else:
        _pdf_single_column(pdf, src, body_pt)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- saved web pages

TXT_CHROME = {
    "pl": {
        "top": ["Przejdź do menu głównego", "Przejdź do treści", "Wersja kontrastowa", "A A A",
                "Urząd | Dla mieszkańca | Dla biznesu | Turystyka | Kultura i sport | Kontakt",
                "Wyszukiwarka", "Szukaj",
                "Używamy plików cookies, aby ułatwić korzystanie z serwisu. Możesz zmienić ustawienia przeglądarki.",
                "Rozumiem", "Ustawienia cookies",
                "Jesteś tutaj: Strona główna › Aktualności › Mieszkańcy"],
        "dateline": "Data publikacji: {date}, godz. 12:41 · Wydział Komunikacji Społecznej",
        "bottom": ["Tagi: miasto, mieszkańcy, ekologia", "Udostępnij:", "Facebook", "X", "Wyślij e-mailem",
                   "Drukuj", "Komentarze (3)", "Zaloguj się, aby dodać komentarz.", "Czytaj także:", "{related}",
                   "Newsletter", "Zapisz się, aby otrzymywać informacje o wydarzeniach w mieście.",
                   "Zapisz", "{site}", "Rynek-Ratusz, tel. 77 54 11 000", "Biuletyn Informacji Publicznej",
                   "Deklaracja dostępności | Polityka prywatności | Mapa strony",
                   "© {year} {site}. Wszelkie prawa zastrzeżone. Realizacja: Studio WWW"],
    },
    "uk": {
        "top": ["Головна", "Міська рада", "Виконавчий комітет", "Громадськість", "Новини", "Документи",
                "Контакти", "UA EN", "Версія для людей з порушенням зору",
                "Сайт використовує файли cookie. Продовжуючи перегляд, ви погоджуєтесь з їх використанням.",
                "Прийняти", "Детальніше",
                "Головна » Новини » Суспільство"],
        "dateline": "{date} 14:05   Переглядів: 2 317",
        "bottom": ["Поділитися:", "Facebook", "Telegram", "Viber", "Надрукувати", "Теги: освіта, безпека, діти",
                   "Останні новини", "{related}", "Повідомити про помилку: виділіть текст і натисніть Ctrl+Enter",
                   "{site}", "Адреса: майдан Конституції, 7", "Контакт-центр: 15-62",
                   "Політика конфіденційності · Карта сайту",
                   "© 2008–{year} {site}. При використанні матеріалів посилання на сайт обов'язкове."],
    },
}


def render_txt(src: Source) -> bytes:
    chrome = TXT_CHROME[src.lang]
    site = src.opt("site", "Urząd Miasta")
    date = src.opt("date", "2024-06-03")
    related = [r.strip() for r in src.opt("related").split(";;") if r.strip()]
    fill = {"site": site, "year": date[:4], "date": date}
    lines: list[str] = [site, ""]
    lines += [c.format(**fill) for c in chrome["top"]]
    lines.append("")
    for block in src.blocks:
        text = plain(block.text)
        if block.kind == "h1":
            lines += [text, "", chrome["dateline"].format(**fill), ""]
        elif block.kind in ("h2", "h3"):
            lines += [text, ""]
        elif block.kind == "li":
            lines.append("• " + text)
        elif block.kind == "ol":
            lines.append(f"{block.number}. {text}")
        elif block.kind == "table":
            lines += ["\t".join(r) for r in block.rows] + [""]
        elif block.kind in ("page", "toc"):
            continue
        else:
            if lines and lines[-1].startswith(("• ", "1", "2", "3", "4", "5")):
                lines.append("")
            lines += [text, ""]
    if lines[-1]:
        lines.append("")
    for c in chrome["bottom"]:
        if c == "{related}":
            lines += related
        else:
            lines.append(c.format(**fill))
    return ("\n".join(lines) + "\n").encode("utf-8")


HTML_CHROME = {
    "uk": {
        "menu": ["Міська рада", "Виконавчі органи", "Мешканцям", "Бізнесу", "Громадський бюджет",
                 "Відкриті дані", "Контакти"],
        "cookie": "Ми використовуємо файли cookie, щоб сайт працював краще. Натискаючи «Погоджуюсь», "
                  "ви даєте згоду на їх використання.",
        "accept": "Погоджуюсь", "settings": "Налаштування",
        "crumbs": ["Головна", "Новини", "Соціальний захист"],
        "search": "Пошук по сайту", "skip": "Перейти до вмісту",
        "views": "Переглядів", "share": "Поділитися", "related": "Читайте також", "tags": "Теги",
        "footer": ["Контакт-центр міського голови: 15-80", "49000, м. Дніпро, пр. Дмитра Яворницького, 75",
                   "Графік роботи ЦНАП", "Політика конфіденційності", "Карта сайту"],
        "copyright": "© {year} {site}. Усі права захищено.",
    },
    "en": {
        "menu": ["Living", "Mobility", "Environment", "City hall", "Participate", "News", "Contacts"],
        "cookie": "This website uses technical and, with your consent, analytics cookies. "
                  "You can change your choice at any time.",
        "accept": "Accept all", "settings": "Reject non-essential",
        "crumbs": ["Home", "News", "Urban planning"],
        "search": "Search the site", "skip": "Skip to main content",
        "views": "Reading time: 4 min", "share": "Share", "related": "Related news", "tags": "Topics",
        "footer": ["Municipality offices, Piazza della Scala 2", "Switchboard 020202",
                   "Accessibility statement", "Privacy", "Cookie policy", "Legal notes"],
        "copyright": "© {year} {site}. VAT no. 01199250158.",
    },
}


def _html_inline(text: str) -> str:
    out = []
    for part, bold in runs(text):
        out.append(f"<strong>{html.escape(part)}</strong>" if bold else html.escape(part))
    return "".join(out)


def render_html(src: Source) -> bytes:
    c = HTML_CHROME[src.lang]
    site = src.opt("site", "City")
    date = src.opt("date", "2024-06-03")
    related = [r.strip() for r in src.opt("related").split(";;") if r.strip()]
    tags = [t.strip() for t in src.opt("tags").split(",") if t.strip()]
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{src.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(src.title)} | {esc(site)}</title>",
        f'<meta property="og:title" content="{esc(src.title)}">',
        f'<meta property="og:site_name" content="{esc(site)}">',
        '<link rel="stylesheet" href="/static/css/main.min.css?v=4.2.1">',
        "<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}"
        " gtag('js', new Date()); gtag('config', 'G-XXXXXXX');</script>",
        "<style>.cookie-bar{position:fixed;bottom:0}.visually-hidden{position:absolute;left:-9999px}</style>",
        "</head>",
        "<body>",
        f'<a class="visually-hidden" href="#main">{esc(c["skip"])}</a>',
        '<div class="cookie-bar" id="cookie-bar" role="dialog">',
        f'  <p>{esc(c["cookie"])}</p>',
        f'  <button type="button" class="btn-accept">{esc(c["accept"])}</button>',
        f'  <button type="button" class="btn-settings">{esc(c["settings"])}</button>',
        "</div>",
        '<header class="site-header">',
        f'  <a class="logo" href="/"><img src="/static/img/logo.svg" alt="{esc(site)}"><span>{esc(site)}</span></a>',
        '  <nav class="main-menu"><ul>',
    ]
    out += [f'    <li><a href="/section-{i}">{esc(m)}</a></li>' for i, m in enumerate(c["menu"], 1)]
    out += [
        "  </ul></nav>",
        f'  <form class="search" action="/search"><input type="search" name="q" placeholder="{esc(c["search"])}">'
        "<button>🔍</button></form>",
        '  <div class="lang-switch"><a href="?lang=uk">UA</a> <a href="?lang=en">EN</a></div>',
        "</header>",
        '<nav class="breadcrumbs" aria-label="breadcrumb"><ol>',
    ]
    out += [f'  <li><a href="/{i}">{esc(b)}</a></li>' for i, b in enumerate(c["crumbs"])]
    out += ["</ol></nav>", '<main id="main">', '<article class="news-item">']
    for block in src.blocks:
        if block.kind == "h1":
            out.append(f"<h1>{esc(plain(block.text))}</h1>")
            out.append(f'<div class="meta"><time datetime="{date}">{date}</time> · '
                       f'<span class="views">{esc(c["views"])}</span></div>')
            out.append(f'<figure><img src="/uploads/{date}/photo-1.jpg" alt=""><figcaption>'
                       f'{esc(src.opt("caption"))}</figcaption></figure>')
        elif block.kind in ("h2", "h3"):
            out.append(f"<{block.kind}>{_html_inline(block.text)}</{block.kind}>")
        elif block.kind in ("li", "ol"):
            out.append(f"<ul><li>{_html_inline(block.text)}</li></ul>")
        elif block.kind == "table":
            out.append("<table>")
            for i, row in enumerate(block.rows):
                tag = "th" if block.header and i == 0 else "td"
                out.append("<tr>" + "".join(f"<{tag}>{_html_inline(x)}</{tag}>" for x in row) + "</tr>")
            out.append("</table>")
        elif block.kind == "p":
            out.append(f"<p>{_html_inline(block.text)}</p>")
    out.append(f'<div class="share"><span>{esc(c["share"])}:</span> <a href="#">Facebook</a> '
               '<a href="#">Telegram</a> <a href="#">X</a></div>')
    if tags:
        out.append(f'<div class="tags">{esc(c["tags"])}: ' + ", ".join(f'<a href="#">{esc(t)}</a>' for t in tags)
                   + "</div>")
    out += ["</article>", '<aside class="related">', f"<h2>{esc(c['related'])}</h2>", "<ul>"]
    out += [f'  <li><a href="/news/{i}">{esc(r)}</a></li>' for i, r in enumerate(related, 1)]
    out += ["</ul>", "</aside>", "</main>", '<footer class="site-footer">', "<ul>"]
    out += [f"  <li>{esc(f)}</li>" for f in c["footer"]]
    out += ["</ul>", f'<p class="copyright">{esc(c["copyright"].format(year=date[:4], site=site))}</p>',
            "</footer>",
            '<script src="/static/js/vendor.min.js"></script>',
            "<script>document.querySelector('.btn-accept').addEventListener('click',function(){"
            "document.getElementById('cookie-bar').remove();});</script>",
            "</body>", "</html>"]
    return ("\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- main

RENDERERS = {".docx": render_docx, ".pdf": render_pdf, ".txt": render_txt, ".html": render_html}


def build(check: bool = False) -> int:
    sources = [parse(p) for p in sorted(SRC.glob("*.md"))]
    outputs = [s.output for s in sources]
    if len(set(outputs)) != len(outputs):
        raise SystemExit("duplicate outputs")
    DOCS.mkdir(exist_ok=True)
    changed = 0
    for src in sources:
        target = DOCS / src.output
        data = RENDERERS[target.suffix.lower()](src)
        if len(data) > 200_000:
            raise SystemExit(f"{src.output}: {len(data)} bytes, over 200 KB")
        old = target.read_bytes() if target.exists() else None
        if old != data:
            changed += 1
            if not check:
                target.write_bytes(data)
        print(f"{'changed' if old != data else 'same   '}  {src.output}  ({len(data) // 1024} KiB)")
    print(f"{len(sources)} files, {changed} changed")
    return 1 if (check and changed) else 0


if __name__ == "__main__":
    sys.exit(build(check="--check" in sys.argv[1:]))
