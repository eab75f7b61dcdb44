"""Segmentation: which blocks of a document make up each practice, and which sheet field each belongs to."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from kb.places import fold, locate

from .blocks import Block, Extracted, Kind
from .labels import (
    column_of,
    field_of,
    is_framing,
    meta_of,
    split_label,
    strip_numbering,
)

MIN_PRACTICE_WORDS = 35
# A chapter that lists initiatives under headings of its own opens with a short introduction at most.
MAX_CHAPTER_LEAD_WORDS = 150
# A section that labels this many different sheet fields is a practice's sheet.
SHEET_FIELDS = 4
# A long report presents this many case studies at least under headings of their own.
MIN_CASE_STUDIES = 6
CASES_PER_CHAPTER = 4  # on average, in the chapters that hold any


@dataclass(slots=True)
class Draft:
    """One practice as found in a document, before language, place and themes are recognised."""

    title: str
    blocks: list[Block]
    context: list[str] = field(default_factory=list)  # headings above it: the locator
    fields: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)  # labelled facts that are not fields: themes

    @property
    def body(self) -> str:
        parts = []
        for b in self.blocks:
            if b.kind == Kind.LIST_ITEM:
                parts.append("- " + b.text)
            elif b.kind == Kind.ROW and len(b.cells) == 2:
                parts.append(f"{b.cells[0].rstrip(':')}: {b.cells[1]}")
            else:
                parts.append(b.text)
        return "\n".join(parts)

    @property
    def table_share(self) -> float:
        """The share of its words set in table rows (a practice read from one row holds paragraphs, not rows)."""
        words = _words(self.blocks) or 1
        # Two-cell rows are a sheet's "field | value" table, not a table of many things.
        return sum(len(b.text.split()) for b in self.blocks if b.kind == Kind.ROW and len(b.cells) != 2) / words

    @property
    def pages(self) -> tuple[int, int]:
        pages = [b.page for b in self.blocks if b.page]
        return (min(pages), max(pages)) if pages else (0, 0)


def _words(blocks: list[Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def _section(blocks: list[Block], start: int) -> int:
    """Index just past the section that the heading at `start` opens."""
    level = blocks[start].level
    end = start + 1
    while end < len(blocks) and not (blocks[end].kind == Kind.HEADING and blocks[end].level <= level):
        end += 1
    return end


# A byline or dateline above an article ("By News Editor / Updated: 19 Oct 2017", "Date of label : 29/10/2024",
# "Opublikowano: 12.03.2024"): never its title, however long.
_MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sty|lut|kwi|maj|cze|lip|sie|wrz|paź|paz|lis|gru|"
           r"січ|лют|бер|кві|тра|чер|лип|сер|вер|жов|лис|гру")
_DATE = rf"\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\w*\.?\s+\d{{4}}\b"
_BYLINE = re.compile(
    rf"(?i)^\s*(?:author|date|updated|posted|published|autor|data|opublikowano|dodano|автор|дата|опубліковано)"
    rf"(?:\s+of\s+\w+)?\s*:"  # "Date of label : …", "Opublikowano: …"
    rf"|^\s*by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,3}}\s*(?:[/|,–-]|$)"  # "By News Editor / Updated …"
    rf"|^\W*(?:{_DATE})\W*$")  # a date alone


# A line of a table of contents or a list of figures: "3.2 Case study: Vienna ........ 14", "Rys. 4. Mapa   27".
_CONTENTS_LINE = re.compile(r"(?:\.{3,}|…{2,}|(?:\s\.){3,}|_{3,})\s*\d{1,4}\s*$|\S\s{2,}\d{1,4}\s*$|^\s*\d{1,4}\s*$")


def is_contents(block: Block) -> bool:
    """True for a table of contents (or a list of figures or tables) as text: most of its lines end in a page
    number after dot leaders or a gap, or a single line does after dot leaders."""
    lines = [ln for ln in block.text.splitlines() if ln.strip()]
    if block.kind == Kind.ROW:
        lines = [" ".join(block.cells)]
    dotted = sum(1 for ln in lines if _CONTENTS_LINE.search(ln))
    if len(lines) == 1:
        return bool(re.search(r"(?:\.{4,}|…{2,}|(?:\s\.){4,})\s*\d{1,4}\s*$", lines[0]))
    return dotted >= max(2, 0.6 * len(lines))


def _title(doc: Extracted) -> tuple[str, int]:
    """The document's title and the index of its block (-1 when taken from metadata).

    The title is a top-level heading before the first paragraph; of several (a web page's site name,
    its section, its headline), the longest.
    """
    first_para = next((i for i, b in enumerate(doc.blocks) if b.kind != Kind.HEADING), len(doc.blocks))
    before = [i for i, b in enumerate(doc.blocks[: max(first_para, 1)]) if b.kind == Kind.HEADING
              and not field_of(b.text) and not is_framing(b.text) and not _BYLINE.search(b.text)]
    # The title is on the first page that has one: a report's cover, not the large type of the pages after.
    on_page = [i for i in before if doc.blocks[i].page == doc.blocks[before[0]].page] if before else []
    top = min((doc.blocks[i].level for i in on_page), default=0)
    at_top = [i for i in on_page if doc.blocks[i].level == top]
    if at_top:
        run = at_top[: next((k for k in range(1, len(at_top)) if at_top[k] != at_top[k - 1] + 1), len(at_top))]
        # A cover set in short lines of the same type ("City of Hartford" / "Energy Action Plan") is one title.
        if doc.pages > 2 and 2 <= len(run) <= 3 and all(len(doc.blocks[i].text.split()) <= 6 for i in run):
            return " ".join(doc.blocks[i].text for i in run), run[-1]
        i = max(at_top, key=lambda i: (len(doc.blocks[i].text.split()), i))
        return doc.blocks[i].text, i
    if doc.title and not _generic_file_title(doc.title):
        return doc.title, -1
    # A table's header row ("Name of the community | Object | Power, kW") or a byline is never a title.
    first = next((b for b in doc.blocks if b.text.strip() and b.kind != Kind.ROW and not _BYLINE.search(b.text)), None)
    return (_headline(first.text) if first else doc.title), -1


def document_title(doc: Extracted) -> str:
    """The document's own title (its top heading, its metadata title, or its first line)."""
    return _title(replace(doc, blocks=[b for b in doc.blocks if not is_contents(b)]))[0]


def _generic_file_title(title: str) -> bool:
    """A file's metadata title that names the file, not the document ("Microsoft Word - raport.docx", "untitled")."""
    key = title.strip().lower()
    return (not key or key in {"untitled", "title", "document", "dokument", "документ", "presentation", "prezentacja"}
            or bool(re.search(r"\.(?:docx?|pdf|pptx?|odt|indd|xlsx?)$|^microsoft (?:word|powerpoint)|^\d+$", key)))


def _headline(text: str, limit: int = 110) -> str:
    """A title made from running text: its first sentence, cut at a word boundary."""
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence.rstrip(".")
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def _practice_starts(blocks: list[Block], title_at: int) -> tuple[list[int], bool]:
    """Headings that each open one practice, or [] when the whole document is one practice; and whether they
    are a long report's case studies (found by the document's structure alone)."""
    headings = [i for i, b in enumerate(blocks) if b.kind == Kind.HEADING and i != title_at]
    labels = {i: field_of(blocks[i].text) for i in headings}
    # A catalogue of sheets: the same field label comes back; each sheet starts at the nearest
    # unlabelled heading above its first label.
    found = [label for label in labels.values() if label]
    if len(found) != len(set(found)):
        starts: list[int] = []
        for n, i in enumerate(headings):
            if not labels[i]:
                continue
            above = next((j for j in reversed(headings[:n]) if not labels[j] and blocks[j].level < blocks[i].level), None)
            if above is not None and above not in starts and not is_framing(blocks[above].text):
                starts.append(above)
        if len(starts) >= 2:
            return starts, False

    said = Counter(fold(strip_numbering(blocks[i].text)) for i in headings)

    def once(i: int) -> bool:
        """Heading i's title is said once in the document (not "Baseline" under every chapter)."""
        return said[fold(strip_numbering(blocks[i].text))] == 1

    def practice_like(i: int) -> bool:
        return (not labels[i] and not is_framing(blocks[i].text) and _named(blocks[i].text)
                and _words(blocks[i + 1 : _section(blocks, i)]) >= MIN_PRACTICE_WORDS)

    def inner_starts(i: int) -> list[int]:
        """Practice-like headings one level or more below heading i, inside its section."""
        end = _section(blocks, i)
        deeper = [j for j in headings if i < j < end and blocks[j].level > blocks[i].level]
        level = min((blocks[j].level for j in deeper), default=None)
        return [j for j in deeper if blocks[j].level == level and practice_like(j)]

    def inner(i: int) -> int:
        """How many practices chapter i holds under headings of its own; 0 or 1 when it is one text. A chapter
        whose own text runs on before its first inner heading (a city's profile, then "About the prize")
        is one practice, not a list of them."""
        starts = inner_starts(i)
        if len(starts) >= 2 and _words(blocks[i + 1 : starts[0]]) > MAX_CHAPTER_LEAD_WORDS:
            return 0
        return len(starts)

    def framed(i: int) -> bool:
        """Heading i sits in a framing part (an appendix, the recommendations, the executive summary)."""
        level = blocks[i].level
        for j in reversed([j for j in headings if j < i]):
            if blocks[j].level < level:
                if is_framing(blocks[j].text):
                    return True
                level = blocks[j].level
        return False

    def case_studies(level: int, chapters: list[int]) -> list[int]:
        """A long report's case studies: headings of one deeper type, each naming something of its own (no title
        said twice, as "Baseline" or "Key takeaways" are; no "Premise #2"), outside its framing parts, in several
        chapters and several to a chapter. A report whose parts ("Excel", "Enable") hold chapters ("Water",
        "Waste") that each present initiatives under headings of their own. Not when the chapters are places
        (a prize's laureate cities): then the chapters are the practices and their headings are their parts."""
        if sum(bool(locate(blocks[i].text, title=blocks[i].text).city) for i in chapters) * 2 >= len(chapters):
            return []
        best: list[int] = []
        for deeper in sorted({blocks[i].level for i in headings if blocks[i].level > level}):
            found = [i for i in headings if blocks[i].level == deeper and once(i) and _title_like(blocks[i].text)
                     and practice_like(i) and not framed(i)]
            if len(found) > len(best):
                best = found
        spread = {max((c for c in chapters if c < i), default=-1) for i in best}
        many = len(best) >= max(MIN_CASE_STUDIES, 3 * len(chapters))
        return best if many and len(spread) >= 2 and len(best) >= CASES_PER_CHAPTER * len(spread) else []

    # Sibling headings that are neither labels nor framing and each hold enough text; when they are
    # chapters that hold such headings themselves, the practices are one level down.
    for level in sorted({blocks[i].level for i in headings}):
        at_level = [i for i in headings if blocks[i].level == level]
        group = [i for i in at_level if practice_like(i)]
        if len(group) >= 2:
            if any(labels[i] for i in at_level):
                return [], False  # field labels sit beside them: they are one sheet's sections
            # A programme whose projects are sheets (a "project passport" of labelled rows) beside chapters
            # about the place and its goals: the sheets are the practices.
            sheets = [i for i in group if _fields(blocks[i + 1 : _section(blocks, i)]) >= SHEET_FIELDS]
            if len(sheets) >= 2:
                return sheets, False
            if sum(inner(i) >= 2 for i in group) * 2 >= len(group):
                continue  # chapters of a catalogue
            cases = case_studies(level, group)
            if cases:
                return cases, True
            # A report's chapters, one of which lists initiatives under headings of its own ("On-going
            # initiatives": "Renewable energy", "C-PACE", …): those are the practices, not the chapter.
            return [j for i in group for j in (inner_starts(i) if inner(i) >= 2 else [i])], False
        if len(group) == 1 and _has_fields(blocks[group[0] + 1 : _section(blocks, group[0])]):
            return group, False  # one section holds the sheet; the rest of the document frames it
        if any(labels[i] for i in at_level):
            return [], False  # a sheet: its sections are labelled fields
    return [], False


def _title_like(heading: str) -> bool:
    """A heading that reads as a title: a few words, capitalised, no sentence (not a pull quote or a figure)."""
    text = strip_numbering(heading).strip()
    return (0 < len(text.split()) <= 14 and text[:1].isupper() and not re.search(r"[.,;:!?]$|#\s*\d", text)
            and not re.search(r"[.!?]\s+\S", text))


def _named(heading: str) -> bool:
    """A heading that can name a practice: a word of three letters or more, not a figure ("20%", "2018")
    nor a caption ("Figure 3 – …", "Rys. 2.", "Таблиця 4")."""
    return bool(re.search(r"[^\W\d_]{3,}", heading)) and not _CAPTION.match(heading)


_CAPTION = re.compile(r"(?i)^\s*(?:fig(?:ure)?|table|chart|map|photo|source|rys(?:unek)?|tab(?:ela)?|wykres|mapa|"
                      r"fot(?:o)?|źródło|рис(?:унок)?|таблиця|табл|діаграма|карта|фото|джерело)\.?\s*\d")


def _has_fields(blocks: list[Block]) -> bool:
    """True when the blocks carry at least two labelled sheet fields (headings, table rows or 'Label:')."""
    return _fields(blocks) >= 2


def _fields(blocks: list[Block]) -> int:
    """How many different sheet fields the blocks label (headings, table rows or 'Label:')."""
    found = set()
    for b in blocks:
        if b.kind == Kind.HEADING and field_of(b.text):
            found.add(field_of(b.text))
        elif b.kind == Kind.ROW and len(b.cells) >= 2 and field_of(b.cells[0]):
            found.add(field_of(b.cells[0]))
        elif split_label(b.text):
            found.add(split_label(b.text)[0])
    return len(found)


def _fill_fields(draft: Draft) -> None:
    current: str | None = None
    current_level = 99
    collected: dict[str, list[str]] = {}
    for b in draft.blocks:
        if b.kind == Kind.HEADING:
            f = field_of(b.text)
            if f:
                current, current_level = f, b.level
                continue
            if b.level <= current_level:
                current = None
        elif b.kind == Kind.ROW and len(b.cells) >= 2 and field_of(b.cells[0]):
            collected.setdefault(field_of(b.cells[0]), []).append(" ".join(b.cells[1:]))  # type: ignore[arg-type]
            continue
        elif b.kind == Kind.ROW and len(b.cells) == 2 and meta_of(b.cells[0]):
            draft.meta[meta_of(b.cells[0])] = b.cells[1]  # type: ignore[index]
            continue
        else:
            head, sep, tail = b.text.partition(":")
            if sep and tail.strip() and meta_of(head):
                draft.meta[meta_of(head)] = tail.strip()  # type: ignore[index]
                continue
            if b.text.rstrip().endswith(":") and field_of(b.text):  # "Efekty po pięciu latach:" opens a field
                current, current_level = field_of(b.text), 99
                continue
            labelled = split_label(b.text)
            if labelled:
                current = labelled[0]
                collected.setdefault(current, []).append(labelled[1])
                continue
        if current and b.kind != Kind.HEADING:
            collected.setdefault(current, []).append(("- " if b.kind == Kind.LIST_ITEM else "") + b.text)
    draft.fields = {k: "\n".join(v).strip() for k, v in collected.items() if "\n".join(v).strip()}


def _table_practices(blocks: list[Block]) -> tuple[list[Draft], set[int]]:
    """Tables that list one practice per row: a header of short column names, rows with a long text."""
    drafts: list[Draft] = []
    used: set[int] = set()
    tables: dict[int, list[Block]] = {}
    for b in blocks:
        if b.kind == Kind.ROW and b.table:
            tables.setdefault(b.table, []).append(b)
    tables = _continued(tables)
    for number, rows in tables.items():
        header, data = rows[0].cells, _joined_rows(rows[1:], len(rows[0].cells))
        if len(header) < 2 or len(data) < 2 or any(len(c.split()) > 6 for c in header):
            continue
        roles = [column_of(c) or ("themes" if meta_of(c) == "themes" else None) for c in header]
        if "title" not in roles and "description" not in roles:
            continue
        labelled = sum(1 for r in data if r.cells and (field_of(r.cells[0]) or meta_of(r.cells[0])))
        if len(header) == 2 and (labelled >= max(2, len(data) // 2)
                                 or (field_of(header[0]) == "title" and not column_of(header[1]))):
            continue  # a two-column sheet (field | value) whose first row names the practice
        for row in data:
            if len(row.cells) != len(header) or max(len(c.split()) for c in row.cells) < 20:
                continue
            values = dict(zip(roles, row.cells))
            longest = max(row.cells, key=lambda c: len(c.split()))
            title = values.get("title") or next((c for c in row.cells if c != longest and len(c.split()) <= 15), "")
            title = _cell_name(title)
            text = [Block(Kind.PARAGRAPH, f"{h}: {c}", page=row.page) for h, c in zip(header, row.cells) if c != title]
            draft = Draft(title=title or longest[:100], blocks=text)
            draft.fields = {r: v for r, v in values.items() if r and r not in ("title", "city", "country", "themes")}
            draft.meta.update({r: values[r] for r in ("city", "country", "themes") if values.get(r)})  # the row's own
            draft.fields.setdefault("description", longest)
            draft.meta["from_table"] = "1"
            drafts.append(draft)
            used.add(number)
    return (drafts, used) if len(drafts) >= 2 else ([], set())


def _continued(tables: dict[int, list[Block]]) -> dict[int, list[Block]]:
    """A table that runs over several pages is one table: a table on the next page whose first row has as many
    cells as the previous table's header and is not a header itself continues it."""
    merged: dict[int, list[Block]] = {}
    last: int | None = None
    for number, rows in tables.items():
        if last is not None:
            previous = merged[last]
            first = rows[0]
            same_width = len(first.cells) <= len(previous[0].cells)
            header_like = all(len(c.split()) <= 6 for c in first.cells) and any(column_of(c) for c in first.cells)
            if same_width and not header_like and 0 < first.page - previous[-1].page <= 1:
                previous.extend(rows)
                continue
        merged[number] = list(rows)
        last = number
    return merged


def _joined_rows(rows: list[Block], width: int) -> list[Block]:
    """Rows with fewer cells than the header: a group's name between rows ("Energy Reset") is left out, and the
    rest of a row broken over a page ("and to phase out such emissions…") is joined to the row above."""
    out: list[Block] = []
    for row in rows:
        if len(row.cells) == width or width <= 2:
            out.append(row)
        elif out and row.cells and (row.cells[0][:1].islower() or len(row.cells[0].split()) > 8):
            cells = list(out[-1].cells)
            longest = max(range(len(cells)), key=lambda k: len(cells[k].split()))
            cells[longest] = f"{cells[longest]} {' '.join(row.cells)}"
            out[-1] = replace(out[-1], cells=tuple(cells), text=" | ".join(cells))
    return out


_ENUMERATION = re.compile(r"\s(?:[ivx]{1,4}\.|[●•▪◦·]|\(?[a-z1-9]\))\s")


def _cell_name(cell: str) -> str:
    """A practice's name in a table cell that goes on to list its measures ("Green energy i. Promote …")."""
    head = _ENUMERATION.split(cell, maxsplit=1)[0].strip()
    return head if head != cell.strip() and 1 <= len(head.split()) <= 12 else cell


def _drafts(blocks: list[Block], starts: list[int]) -> list[Draft]:
    """One draft per practice heading: its section, up to the next practice; the headings above it as context."""
    drafts = []
    for n, i in enumerate(starts):
        end = min(_section(blocks, i), starts[n + 1] if n + 1 < len(starts) else len(blocks))
        parents, level = [], blocks[i].level
        for j in range(i - 1, -1, -1):
            if blocks[j].kind == Kind.HEADING and blocks[j].level < level:
                level = blocks[j].level
                if j > 0 and blocks[j - 1].kind == Kind.HEADING and blocks[j - 1].level < level:
                    continue  # a subtitle right under its title is not a chapter
                parents.insert(0, blocks[j].text)
        drafts.append(Draft(title=strip_numbering(blocks[i].text), blocks=blocks[i + 1 : end], context=parents))
    return drafts


def _finish(draft: Draft) -> Draft:
    """Sheet fields from labels; a named title; a description from the lead text when none is labelled."""
    _fill_fields(draft)
    named = draft.fields.pop("title", "").split("\n")[0].strip()
    if named:  # "Nazwa rozwiązania: …" names the practice
        draft.title = named
    if "description" not in draft.fields:
        unlabelled = [b.text for b in draft.blocks if b.kind != Kind.HEADING and not field_of(b.text)]
        first_field_at = next(
            (k for k, b in enumerate(draft.blocks) if (b.kind == Kind.HEADING and field_of(b.text))
             or (b.kind == Kind.ROW and b.cells and field_of(b.cells[0])) or split_label(b.text)),
            len(draft.blocks),
        )
        lead = [b.text for b in draft.blocks[:first_field_at] if b.kind != Kind.HEADING]
        draft.fields["description"] = "\n".join(lead or unlabelled[:3]).strip()
    return draft


def _kept(drafts: list[Draft]) -> list[Draft]:
    return [d for d in drafts if _words(d.blocks) >= 8 or d.fields.get("description")]


# A photo's caption or credit set large ("[Image: Seoullo 7017] … © Seoul Metropolitan Government"): never a
# heading, whatever its type size.
_CAPTION_LINE = re.compile(r"(?i)^\W*\[(?:image|img|photo|picture|fot\w*|zdjęcie|фото|зображення)\b|©|\(c\) \d{4}")


def segment(doc: Extracted) -> list[Draft]:
    """Practices in document order; framing sections (introductions, next steps, participants) are left out."""
    blocks = [replace(b, kind=Kind.PARAGRAPH) if b.kind == Kind.HEADING and _CAPTION_LINE.search(b.text) else b
              for b in doc.blocks if not is_contents(b)]  # tables of contents and lists of figures out
    doc = replace(doc, blocks=blocks)
    if not blocks:
        return []
    from_tables, used = _table_practices(blocks)
    if from_tables:
        # Practices under headings beside the table (a newsletter's articles, then "more examples" in a
        # table) are practices too; the table's introduction is not.
        rest = Extracted([b for b in blocks if not (b.kind == Kind.ROW and b.table in used)], title=doc.title)
        _, rest_title_at = _title(rest)
        beside = _practice_starts(rest.blocks, rest_title_at)[0] if rest.blocks else []
        if not beside:  # a single article beside the table
            beside = [i for i, b in enumerate(rest.blocks) if b.kind == Kind.HEADING and i != rest_title_at
                      and not field_of(b.text) and not is_framing(b.text)
                      and _words(rest.blocks[i + 1 : _section(rest.blocks, i)]) >= MIN_PRACTICE_WORDS][:1]
        return [*_kept([_finish(d) for d in _drafts(rest.blocks, beside)]), *from_tables]
    title, title_at = _title(doc)
    starts, cases = _practice_starts(blocks, title_at)
    if starts:
        drafts = _drafts(blocks, starts)
        for draft in drafts if cases else []:
            draft.meta["case_study"] = "1"  # its document's structure says it is one of many practices
    else:
        body = blocks[title_at + 1 :] if title_at >= 0 else blocks  # headings above the title are page chrome
        drafts = [Draft(title=strip_numbering(title) or title, blocks=body)]
    return _kept([_finish(d) for d in drafts])
