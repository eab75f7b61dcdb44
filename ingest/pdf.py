"""PDF: text in reading order (columns), running headers/footers and page numbers dropped, hyphens rejoined."""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from . import deadline, ocr
from .blocks import Block, Extracted, ExtractionError, Kind
from .webpage import chrome_free, clean_blocks, printed_by_browser, without_site_name

_PAGE_SUFFIX = re.compile(r"(?:page|strona|str\.|сторінка|стор\.)\s*\d{1,4}(?:\s*(?:/|z|of|із|з)\s*\d{1,4})?\s*$", re.I)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|strona|str\.|s\.|сторінка|стор\.|с\.)\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|z|of|із|з)\s*\d{1,4})?\s*[-–—]?$",
    re.I,
)
_BULLET = re.compile(r"^(?:[•·▪●◦‣∙\-–]|\d{1,2}[.)])\s+")


@dataclass(slots=True)
class Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    bold: bool
    page: int
    cells: tuple[str, ...] = ()  # a table row
    table: int = 0  # which table on its page


PAGE_ALLOWANCE_S = 1.0  # what each page adds to the time a worker has for its PDF (about 0.2 s a page is usual)
MAX_PAGE_POINTS = 14_400  # the largest page side the PDF format allows (200 inches; ISO 32000-1, annex C)
_CID = re.compile(r"\(cid:\d+\)")


def _clean(text: str) -> str:
    """Ligatures and compatibility forms unfolded (ﬁ → fi), soft hyphens and unmapped glyphs dropped."""
    return _CID.sub("", unicodedata.normalize("NFKC", text)).replace("\u00ad", "")


def _lines_from_words(words: list[dict], page: int) -> list[Line]:
    """Group words into lines by their vertical position, left to right."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 2.5 and word["x0"] >= lines[-1][-1]["x0"]:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for ws in lines:
        text = _clean(" ".join(w["text"] for w in ws)).strip()
        if not text:
            continue
        sizes = [w.get("size", 0) for w in ws]
        bold = sum("bold" in str(w.get("fontname", "")).lower() for w in ws) > len(ws) / 2
        out.append(Line(text, min(w["top"] for w in ws), max(w["bottom"] for w in ws),
                        min(w["x0"] for w in ws), max(w["x1"] for w in ws), max(sizes), bold, page))
    return out


def _table_rows(page, number: int) -> tuple[list[Line], list[tuple]]:
    """Rows of ruled tables as lines with cells, and the tables' boxes (their words are not text lines)."""
    rows, boxes = [], []
    try:
        tables = page.find_tables()
    except Exception:  # a malformed drawing must not cost the page its text
        return [], []
    for n, table in enumerate(tables, start=1):
        content = table.extract()
        if len(content) < 1 or max((len(r) for r in content), default=0) < 2:
            continue
        boxes.append(table.bbox)
        for cells, row in zip(content, table.rows):
            texts = tuple(" ".join(_clean(c).split()) for c in cells if c and _clean(c).strip())
            if texts:
                x0, top, x1, bottom = row.bbox
                rows.append(Line(" | ".join(texts), top, bottom, x0, x1, 0.0, False, number, texts, n))
    return rows, boxes


def _clusters(words: list[dict], gap: float = 12.0) -> list[list[dict]]:
    """The words of one line split where the space between them is wider than `gap` points."""
    out: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if out and w["x0"] - out[-1][-1]["x1"] <= gap:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _aligned_table(words: list[dict], number: int) -> tuple[list[Line], list[dict]]:
    """A table without ruling lines: a header line of column names ('City  Practice  Description'),
    then rows whose words fall under those columns, each row set off by a wider gap. Returns the rows
    as lines with cells, and the words that are not in the table."""
    from .labels import column_of

    rows = _lines_from_words(words, number)
    for n, line in enumerate(rows):
        line_words = [w for w in words if abs(w["top"] - line.top) <= 2.5]
        groups = _clusters(line_words)
        names = [" ".join(w["text"] for w in g) for g in groups]
        if len(groups) < 3 or any(len(x.split()) > 6 for x in names):
            continue
        roles = [column_of(x) for x in names]
        if sum(r is not None for r in roles) < 2 or not ({"title", "description"} & set(roles)):
            continue
        starts = [g[0]["x0"] for g in groups]
        # The table goes on while lines keep to the columns: no word may straddle a column start.
        below = rows[n + 1:]
        gaps = [b.top - a.bottom for a, b in zip(below, below[1:]) if 0 <= b.top - a.bottom < 30]
        line_gap = statistics.median(gaps) if gaps else 3.0
        members: list[Line] = []
        previous = line
        for candidate in below:
            cw = [w for w in words if abs(w["top"] - candidate.top) <= 2.5]
            straddles = any(w["x0"] < s - 2 < w["x1"] for w in cw for s in starts[1:])
            # The table ends at a line that leaves the columns, at a line in other type (a heading),
            # or after a gap wider than the gaps between rows.
            off_columns = not any(abs(min(w["x0"] for w in cw) - s) <= 3 for s in starts) if cw else True
            other_type = members and (abs(candidate.size - members[0].size) > 0.3 or candidate.bold != members[0].bold)
            gap = candidate.top - previous.bottom
            if straddles or off_columns or other_type or gap > max(line_gap * 4, 24):
                break
            members.append(candidate)
            previous = candidate
        if len(members) < 2:
            continue
        table_rows: list[list[Line]] = [[members[0]]]
        for a, b in zip(members, members[1:]):
            (table_rows.append([b]) if b.top - a.bottom > line_gap * 1.6 else table_rows[-1].append(b))
        if len(table_rows) < 2:
            continue

        def cells(lines: list[Line], starts: list = starts) -> tuple[str, ...]:
            columns = [[] for _ in starts]
            for ln in lines:
                for w in sorted((w for w in words if abs(w["top"] - ln.top) <= 2.5), key=lambda w: w["x0"]):
                    column = max(i for i, s in enumerate(starts) if w["x0"] >= s - 2) if w["x0"] >= starts[0] - 2 else 0
                    columns[column].append(w["text"])
            return tuple(_clean(" ".join(c)).strip() for c in columns)

        out = [Line(" | ".join(names), line.top, line.bottom, line.x0, line.x1, line.size, line.bold, number,
                    tuple(names), 90)]
        for group in table_rows:
            row = cells(group)
            out.append(Line(" | ".join(c for c in row if c), group[0].top, group[-1].bottom, group[0].x0,
                            max(g.x1 for g in group), group[0].size, False, number, row, 90))
        taken = {id(w) for ln in [line, *members] for w in words if abs(w["top"] - ln.top) <= 2.5}
        return out, [w for w in words if id(w) not in taken]
    return [], words


@dataclass(slots=True)
class _Drawn:
    """A page's layout as pdfminer finds it, walked once: its text lines in reading order, and what it holds
    besides (so that a page without ruling lines never pays for pdfplumber's objects, every letter as a dict,
    and its table finder). Coordinates as pdfplumber gives them: from the top of the page, media box offset."""

    lines: list  # pdfminer's LTTextLine objects: text boxes in reading order, figures' text too
    glyphs: list[str]
    images: int
    edges: int  # rules that could make a table (lines, rectangles' sides): the fewer of across and down
    rules: list[tuple[float, float, float]]  # thin horizontal lines and rectangles: (top, x0, x1)
    dx: float  # add to pdfminer's x
    top: float  # pdfplumber's top = top - pdfminer's y


def _drawn(page) -> _Drawn:
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTTextLine

    mb_x0, mb_top = page.mediabox[:2]
    dx, top = float(mb_x0), float(page.height) + float(mb_top)
    lines: list = []
    glyphs: list[str] = []
    images = across = down = 0
    rules: list[tuple[float, float, float]] = []
    stack = [page.layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            lines.append(item)
        if isinstance(item, LTChar):
            glyphs.append(item.get_text())
        elif isinstance(item, LTImage):
            images += 1
        elif isinstance(item, LTCurve):  # LTLine and LTRect are curves too
            flat, upright = item.y1 - item.y0 <= 2.5, item.x1 - item.x0 <= 2.5
            across += 1 if flat else 0 if upright else 2  # a rectangle: two sides each way
            down += 1 if upright else 0 if flat else 2
            if flat and item.x1 - item.x0 > 20:
                rules.append((top - item.y1, item.x0 + dx, item.x1 + dx))
        if isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))  # children in their order: text boxes as the layout reads them
    return _Drawn(lines, glyphs, images, min(across, down), rules, dx, top)


def _page_lines(page, number: int, drawn: _Drawn) -> list[Line]:
    """The page's lines in reading order; an underlined short line counts as bold (a heading's mark)."""
    # A ruled table, even one row of it carried over to the next page, has two rules each way at least.
    lines = _laid_out_lines(page, number, drawn, tables=drawn.edges >= 2)
    rules = drawn.rules
    if not rules:
        return lines
    return [replace(ln, bold=True) if not ln.bold and not ln.cells and len(ln.text.split()) <= 10
            and not ln.text.rstrip().endswith((".", ",", ";")) and any(
        (ln.top + ln.bottom) / 2 <= top <= ln.bottom + 4 and x0 <= ln.x0 + 3 and x1 >= ln.x1 - 3
        and x1 - x0 <= (ln.x1 - ln.x0) * 1.3 for top, x0, x1 in rules) else ln for ln in lines]


def _laid_out_lines(page, number: int, drawn: _Drawn, tables: bool) -> list[Line]:
    """`tables`: the page has ruling lines, so it may hold ruled tables."""
    laid_out = _layout_lines(drawn, number)
    words = [w for line in laid_out for w in line[1]]
    lines = [line for line, _ in laid_out]
    table_rows, boxes = _table_rows(page, number) if tables else ([], [])
    if not boxes:
        aligned, rest = _aligned_table(words, number)
        if aligned:
            kept = {id(w) for w in rest}
            lines = [ln for ln, ws in laid_out if all(id(w) in kept for w in ws)]
            merged = [ln for ln in lines if ln.top < aligned[0].top]
            return merged + aligned + [ln for ln in lines if ln.top >= aligned[0].top]
        return lines

    def inside(ln: Line, b: tuple) -> bool:
        return b[0] - 1 <= ln.x0 and ln.x1 <= b[2] + 1 and b[1] - 1 <= (ln.top + ln.bottom) / 2 <= b[3] + 1

    lines = [ln for ln in lines if not any(inside(ln, b) for b in boxes)]
    merged: list[Line] = []
    for line in lines:  # each table row goes where its top puts it in the reading order
        while table_rows and table_rows[0].top <= line.top:
            merged.append(table_rows.pop(0))
        merged.append(line)
    return merged + table_rows


# Font weights that mark a heading as bold does, whatever the font calls them ("Avenir-Black", "Semibold").
_BOLD_FONT = re.compile(r"(?i)bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold|-sb\b|,bold")


def _layout_lines(drawn: _Drawn, number: int) -> list[tuple[Line, list[dict]]]:
    """The page's lines in reading order as pdfminer's layout analysis finds them (text boxes ordered by
    position, so columns, side bars and captions are read one at a time, and a large heading set beside a
    column is a line of its own), each with its words. A line's type size and weight are those of most of
    its letters, so a large figure at its start ("39 buildings …") does not make a heading of it."""
    from pdfminer.layout import LTChar

    dx, top = drawn.dx, drawn.top
    out = []
    for item in drawn.lines:
        chars = [c for c in item if isinstance(c, LTChar)]
        if not chars:
            continue
        words: list[list] = [[]]
        for c in item:
            if isinstance(c, LTChar) and c.get_text().strip():
                words[-1].append(c)
            elif words[-1]:
                words.append([])
        word_dicts = []
        for w in (w for w in words if w):
            text = _clean("".join(c.get_text() for c in w)).strip()
            if text:
                word_dicts.append({"text": text, "x0": min(c.x0 for c in w) + dx, "x1": max(c.x1 for c in w) + dx,
                                   "top": top - max(c.y1 for c in w), "bottom": top - min(c.y0 for c in w),
                                   "size": Counter(round(c.size, 1) for c in w).most_common(1)[0][0],
                                   "fontname": w[0].fontname})
        if not word_dicts:
            continue
        letters = [c for c in chars if c.get_text().strip()]
        size = Counter(round(c.size, 1) for c in letters).most_common(1)[0][0] if letters else 0.0
        bold = sum(1 for c in letters if _BOLD_FONT.search(str(c.fontname))) > len(letters) / 2
        text = " ".join(w["text"] for w in word_dicts)
        line = Line(text, min(w["top"] for w in word_dicts), max(w["bottom"] for w in word_dicts),
                    min(w["x0"] for w in word_dicts), max(w["x1"] for w in word_dicts), size, bold, number)
        out.append((line, word_dicts))
    return out


def _rows(lines: list[Line]) -> list[str]:
    """Lines side by side at one height read as one ("file:///…/page.html" and "1/2" in a browser's footer)."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if rows and abs(rows[-1][0].top - ln.top) <= 2.5:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [" ".join(ln.text for ln in sorted(row, key=lambda ln: ln.x0)) for row in rows]


def _margin_repeats(pages: list[list[Line]], heights: list[float]) -> set[str]:
    """Texts of lines in the top or bottom margin that recur on many pages: running headers/footers."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        seen = {re.sub(r"\d+", "#", ln.text) for ln in lines if ln.top < height * 0.1 or ln.bottom > height * 0.9}
        counts.update(seen)
    return {text for text, n in counts.items() if n >= max(2, len(pages) * 0.5)}


def _join(lines: list[Line]) -> str:
    text = ""
    for ln in lines:
        piece = ln.text.strip()
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[:1].islower():
            text = text[:-1] + piece  # a word hyphenated at the line end
        else:
            text = f"{text} {piece}" if text else piece
    return text


def _body_size(lines: list[Line]) -> float:
    """The type size of the body text: the one that sets the most letters (not the median line, which the many
    short lines of side bars, captions and footnotes pull down)."""
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _blocks(lines: list[Line]) -> list[Block]:
    if not lines:
        return []
    text_lines = [ln for ln in lines if not ln.cells]
    body_size = _body_size(text_lines)
    gaps = [b.top - a.bottom for a, b in zip(text_lines, text_lines[1:]) if a.page == b.page and 0 <= b.top - a.bottom < 30]
    # The usual gap between lines of one paragraph: the lower quartile, since in a short sheet the gaps
    # around headings and between paragraphs can be as many as those inside paragraphs.
    line_gap = statistics.quantiles(gaps, n=4)[0] if len(gaps) >= 4 else statistics.median(gaps) if gaps else 2.0
    para_gap = line_gap + 3.0
    sizes = sorted({round(ln.size, 1) for ln in text_lines if ln.size > body_size * 1.12}, reverse=True)
    blocks: list[Block] = []
    current: list[Line] = []

    def flush():
        if current:
            text = _join(current)
            kind = Kind.LIST_ITEM if _BULLET.match(text) else Kind.PARAGRAPH
            blocks.append(Block(kind, _BULLET.sub("", text) if kind == Kind.LIST_ITEM else text, page=current[0].page))
            current.clear()

    previous: Line | None = None
    for n, ln in enumerate(lines):
        if ln.cells:
            flush()
            blocks.append(Block(Kind.ROW, ln.text, page=ln.page, cells=ln.cells, table=ln.page * 100 + ln.table))
            previous = ln
            continue
        words = len(ln.text.split())
        # A figure set large ("39", "300 MWp", "12,700 public") is a callout, not a heading; so is a line in
        # large type that starts in lower case (a callout's "more than", a subtitle's "with ambitious targets").
        letters = sum(ch.isalpha() for ch in ln.text)
        continues_heading = (previous is not None and blocks and blocks[-1].kind == Kind.HEADING and not current
                             and previous.page == ln.page and abs(previous.size - ln.size) < 0.2
                             and previous.bold == ln.bold and ln.top - previous.bottom < para_gap)
        is_heading = (words <= 16 and letters >= 0.6 * len(ln.text.replace(" ", ""))
                      and (continues_heading or not ln.text[:1].islower())
                      and (ln.size > body_size * 1.12 or (ln.bold and not (previous and previous.bold and current))))
        if is_heading and ln.size > body_size * 1.12:
            level = 1 + sizes.index(round(ln.size, 1)) if round(ln.size, 1) in sizes else 3
        else:
            level = len(sizes) + 2
        following = lines[n + 1] if n + 1 < len(lines) else None
        # A heading line ending with a comma is a heading wrapped over lines when the next line is set
        # in the same large type: "Catalogue 2024: housing," / "energy, recovery".
        wrapped = (following is not None and not following.cells and following.page == ln.page
                   and ln.size > body_size * 1.12 and abs(following.size - ln.size) < 0.2
                   and following.bold == ln.bold and following.top - ln.bottom < para_gap)
        if is_heading and (not ln.text.rstrip().endswith((",", ";")) or wrapped):
            flush()
            # (large type has wide leading: the gap is measured against the type size too)
            if blocks and blocks[-1].kind == Kind.HEADING and blocks[-1].level == level and previous \
                    and ln.top - previous.bottom < max(para_gap, 0.5 * ln.size):
                last = blocks.pop()  # a heading wrapped over two lines
                blocks.append(Block(Kind.HEADING, f"{last.text} {ln.text}", level=level, page=last.page))
            else:
                blocks.append(Block(Kind.HEADING, ln.text, level=level, page=ln.page))
        else:
            new_para = (
                previous is None or ln.page != previous.page or ln.top - previous.bottom > para_gap
                or ln.top < previous.top or _BULLET.match(ln.text)
            )
            if new_para:
                flush()
            current.append(ln)
        previous = ln
    flush()
    return blocks


def _ocr_lines(page, number: int) -> tuple[list[Line], list[float]]:
    """A scanned page's lines as tesseract reads them, and their confidences. Line heights are rounded to
    3-point steps so that the ascenders and descenders of one line's words do not make headings of it."""
    lines = ocr.read_page(page)
    out = [Line(ln.text, ln.top, ln.bottom, ln.x0, ln.x1, size=3 * round((ln.bottom - ln.top) / 1.2 / 3),
                bold=False, page=number) for ln in lines]
    return out, [ln.confidence for ln in lines]


def _check_size(page, number: int) -> None:
    """A page no larger than the PDF format allows. pdfminer's layout analysis walks a grid of 50-point cells
    over the page for each pair of text boxes it compares: on a page billions of points wide (a damaged or
    hostile file) one comparison walks tens of millions of cells, and the file would stall a worker until
    its time limit."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    width, height = abs(x1 - x0), abs(y1 - y0)
    if not (width <= MAX_PAGE_POINTS and height <= MAX_PAGE_POINTS):  # a NaN is refused too
        raise ExtractionError(f"page {number} of the PDF is {width:.0f} × {height:.0f} points, over the "
                              f"{MAX_PAGE_POINTS:,} the PDF format allows; the file may be damaged")


def _close(pdf) -> None:
    """Close the pages read and the file; pdfplumber's close() reads every page (again), which a refused
    PDF (a page tree in a loop, 200,000 pages) must not do."""
    for page in getattr(pdf, "_pages", []):
        page.close()
    if not pdf.stream_is_external:
        pdf.stream.close()


def _declared_pages(pdf) -> int:
    """The page count the PDF's page tree declares (0 when it declares none). A tree that refers to itself
    is refused here: pdfminer would follow it forever."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    tree = pdf.doc.catalog.get("Pages")
    for _ in range(32):
        if not isinstance(tree, PDFObjRef):
            break
        tree = tree.resolve()
    else:
        raise ExtractionError("the PDF's page tree refers to itself in a loop (a damaged or hostile file); refused")
    try:
        return int(resolve1(tree.get("Count", 0)))
    except (AttributeError, TypeError, ValueError):
        return 0


def extract(path: Path, max_pages: int = 500, max_ocr_pages: int = 50) -> Extracted:
    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise ExtractionError("not a PDF file (no %PDF header); check the file type")
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        # Layout analysis (pdfminer's): letters into lines where they are close, lines into text boxes;
        # all_texts reads the text of figures (form XObjects) too.
        pdf = pdfplumber.open(str(path), laparams={"char_margin": 3.0, "line_margin": 0.5, "all_texts": True})
    except Exception as exc:
        if "password" in repr(exc).lower() or type(exc).__name__ in {"PDFPasswordIncorrect", "PDFEncryptionError"}:
            raise ExtractionError("the PDF is encrypted (password-protected); save an unprotected copy") from exc
        raise ExtractionError(f"the PDF file is damaged and cannot be read ({type(exc).__name__}: {exc})") from exc
    try:
        # The count the page tree declares is read before the pages are: a PDF may declare 200,000.
        count = _declared_pages(pdf)
        if count <= max_pages:
            count = len(pdf.pages)
        if count > max_pages:
            raise ExtractionError(f"the PDF has {count} pages (limit {max_pages}, setting max_pages); split it")
        pages, heights, unmapped, chars = [], [], 0, 0
        scanned, ocr_pages, confidences = [], [], []
        for number, page in enumerate(pdf.pages, start=1):
            deadline.allow(PAGE_ALLOWANCE_S)  # a long report is not a hostile file
            _check_size(page, number)
            drawn = _drawn(page)
            unmapped += sum(1 for g in drawn.glyphs if g == "\ufffd" or _CID.fullmatch(g))
            chars += len(drawn.glyphs)
            lines = _page_lines(page, number, drawn)
            if sum(len(ln.text) for ln in lines) < 20 and drawn.images:  # a scanned page: an image, no text
                scanned.append(number)
                if ocr.available() and len(ocr_pages) < max_ocr_pages:
                    try:
                        lines, page_confidences = _ocr_lines(page, number)
                    except ocr.OcrError as exc:
                        raise ExtractionError(f"page {number} could not be read by OCR: {exc}") from exc
                    ocr_pages.append(number)
                    confidences += page_confidences
            pages.append(lines)
            heights.append(float(page.height))
        metadata = dict(pdf.metadata or {})
        title = str(metadata.get("Title", "") or "")
    except ExtractionError:
        raise
    except Exception as exc:
        if isinstance(exc, PDFPasswordIncorrect) or "password" in repr(exc).lower():
            raise ExtractionError("the PDF is encrypted (password-protected); save an unprotected copy") from exc
        raise ExtractionError(f"the PDF could not be read ({type(exc).__name__}: {exc})") from exc
    finally:
        _close(pdf)
    if chars and unmapped > chars * 0.3:
        raise ExtractionError(
            "the PDF's text cannot be read: its fonts have no Unicode mapping (the text layer is glyph codes); "
            "export it again from the source document, or run OCR on it"
        )
    if sum(len(ln.text) for lines in pages for ln in lines) < 20:
        if scanned and not ocr.available():
            raise ExtractionError("the PDF has no text layer (a scanned image?); install tesseract-ocr with its Polish "
                                  "and Ukrainian data (tesseract-ocr-pol, tesseract-ocr-ukr) to read it, or run OCR on it first")
        raise ExtractionError("the PDF has no text layer (a scanned image?) and OCR found no text in it" if ocr_pages
                              else "the PDF has no text layer (a scanned image?); run OCR on it first")
    if len(scanned) > len(ocr_pages) and ocr.available():
        raise ExtractionError(f"the PDF has {len(scanned)} scanned pages, over the OCR limit of {max_ocr_pages} "
                              "(setting max_ocr_pages); split it")
    read_by_ocr = {"ocr_pages": tuple(ocr_pages),
                   "ocr_confidence": round(sum(confidences) / len(confidences), 1) if confidences else 0.0}
    repeats = _margin_repeats(pages, heights)
    sizes = [ln.size for lines in pages for ln in lines if not ln.cells]
    body_size = statistics.median(sizes) if sizes else 10.0
    kept: list[Line] = []
    for lines, height in zip(pages, heights):
        for ln in lines:
            in_margin = ln.top < height * 0.1 or ln.bottom > height * 0.9
            if in_margin and (re.sub(r"\d+", "#", ln.text) in repeats or _PAGE_NUMBER.match(ln.text.strip())):
                continue
            # A one-page document has no repeats to compare: a small-print line at the very edge of the
            # page, or one that ends with "Page 3", is its running header or footer.
            at_edge = ln.top < height * 0.06 or ln.bottom > height * 0.94
            if at_edge and not ln.cells and (ln.size < body_size * 0.9 or _PAGE_SUFFIX.search(ln.text)):
                continue
            kept.append(ln)
    margins = [text for lines, height in zip(pages, heights) for text in _rows(
        [ln for ln in lines if ln.top < height * 0.1 or ln.bottom > height * 0.9])]
    if printed_by_browser(metadata, margins, len(pages), [ln.text for ln in kept if not ln.cells]):
        # A web page saved as PDF: menu runs out before lines join into paragraphs, then the page around
        # the article (ingest/webpage.py).
        text_lines = [ln for ln in kept if not ln.cells]
        dropped = {id(ln) for ln, keep in zip(text_lines, chrome_free([ln.text for ln in text_lines])) if not keep}
        kept = [ln for ln in kept if id(ln) not in dropped]
        return Extracted(clean_blocks(_blocks(kept)), pages=len(pages), title=without_site_name(title), **read_by_ocr)
    return Extracted(_blocks(kept), pages=len(pages), title=title, **read_by_ocr)
