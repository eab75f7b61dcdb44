"""Saved web pages (.txt, .md, .html, .mhtml): the article, without menus, cookie notes, map labels and hotlines."""
from __future__ import annotations

import re
from pathlib import Path

from .blocks import Block, Extracted, ExtractionError, Kind
from .labels import field_of, is_framing
from .webpage import is_chrome, label_run_end, trim_tail

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_FOOTNOTE = re.compile(r"\[footnoteRef:\d+\]|\[\d+:\s[^\]]*\]|\[\^\d+\]")  # pandoc/markdown footnote marks
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LIST = re.compile(r"^\s*(?:[-*•·✅❗️‼️♻️?]+|\d{1,2}[.)])\s+")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("the text file is binary or in an unknown encoding")
    return str(best)


def _utf16_without_bom(data: bytes) -> str:
    """Text saved as UTF-16 without a byte-order mark (Windows tools do), else an error: the file is binary.

    In European scripts each UTF-16 unit's high byte is small (0 for Latin letters, spaces and digits, 4 for
    Cyrillic): the side of the byte pairs where most bytes are small is the high one, and says the order."""
    sample = data[:65536] if len(data) % 2 == 0 else b""
    small = [sum(b < 0x06 for b in sample[side::2]) for side in (0, 1)]  # at even offsets, at odd offsets
    units = max(1, len(sample) // 2)
    if sample and max(small) >= 0.7 * units and min(small) <= 0.3 * units:
        try:
            text = data.decode("utf-16-le" if small[1] > small[0] else "utf-16-be")
        except UnicodeDecodeError:
            text = ""
        if text and sum(c.isprintable() or c.isspace() for c in text[:32768]) >= 0.97 * len(text[:32768]):
            return text
    raise ExtractionError("this is a binary file, not text; check the file type")


_BLOCKS = ("h1", "h2", "h3", "h4", "p", "li", "tr", "div")
_INNER_BLOCKS = frozenset(("p", "h1", "h2", "h3", "li", "div", "table"))  # a div holding one is only a wrapper
MAX_DEPTH = 200


def _html_to_lines(html: str, max_depth: int = MAX_DEPTH) -> list[str]:
    """The page's headings, paragraphs, list items, table rows and innermost divs, in order; linear in the
    page's size (a page of nested divs is no slower a div than a flat one)."""
    from bs4 import BeautifulSoup

    # lxml (libxml2) closes what HTML lets a page leave open (<p>, <li>, <td>): html.parser nests them.
    soup = BeautifulSoup(html, "lxml")
    depth = {id(soup): 0}
    for el in soup.find_all(True):
        depth[id(el)] = depth.get(id(el.parent), 0) + 1
        if depth[id(el)] > max_depth:
            raise ExtractionError(f"the HTML page nests its elements over {max_depth} levels deep "
                                  "(setting max_depth); refused")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    wrappers: set[int] = set()  # elements with a block inside: each ancestor is marked once
    for el in root.find_all(_INNER_BLOCKS):
        parent = el.parent
        while parent is not None and id(parent) not in wrappers:
            wrappers.add(id(parent))
            parent = parent.parent
    lines = []
    for el in root.find_all(_BLOCKS):
        if el.name == "div" and id(el) in wrappers:
            continue
        text = " ".join(el.get_text(" ").split())
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            text = "#" * int(el.name[1]) + " " + text
        elif el.name == "li":
            text = "- " + text
        lines.append(text)
    return lines


def _mhtml_page(data: bytes) -> str:
    """The page of a web archive (.mhtml, .mht: "Save page as… single file"): its first HTML part, decoded
    from quoted-printable or base64 in the charset it declares."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            # Browsers often leave the charset out of the part's header: the page's own <meta> says it.
            return _decode_html(part.get_payload(decode=True) or b"", part.get_content_charset())
    raise ExtractionError("the web archive holds no HTML page")


def _decode_html(data: bytes, declared: str | None = None) -> str:
    """An HTML page's text: UTF-8 when the bytes decode as UTF-8 (an old <meta> often outlives a site's move
    to UTF-8), else the charset the page declares (a header, or its <meta>: windows-1250 and windows-1251
    pages are common), else as any text file (`_decode`: byte-order marks, a guess)."""
    from bs4.dammit import EncodingDetector

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for encoding in (declared, EncodingDetector.find_declared_encoding(data, is_html=True)):
        if encoding:
            encoding = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}.get(encoding.lower(), encoding)
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return _decode(data)


def extract(path: Path, max_depth: int = MAX_DEPTH) -> Extracted:
    data = path.read_bytes()
    if path.suffix.lower() in (".mhtml", ".mht"):
        text = _mhtml_page(data).replace("\u00ad", "")
    else:
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            data = _utf16_without_bom(data).encode("utf-8")
        text = (_decode_html(data) if path.suffix.lower() in (".html", ".htm") else _decode(data)).replace("\u00ad", "")
    if path.suffix.lower() in (".html", ".htm", ".mhtml", ".mht") or re.match(r"\s*(?:<!doctype html|<html)", text, re.I):
        raw_lines = _html_to_lines(text, max_depth)
    else:
        raw_lines = [ln.strip() for ln in text.splitlines()]
    lines = [_FOOTNOTE.sub("", _MD_LINK.sub(r"\1", ln)).replace("**", "").strip() for ln in raw_lines]
    blocks: list[Block] = []
    seen_paragraph = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        end = label_run_end(lines, i)
        if end > i:
            i = end
            continue
        i += 1
        if is_chrome(line):
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            blocks.append(Block(Kind.HEADING, heading.group(2).strip(), level=len(heading.group(1))))
        elif _LIST.match(line) and len(line.split()) > 1:
            blocks.append(Block(Kind.LIST_ITEM, _LIST.sub("", line)))
        elif (len(line.split()) <= 14 and not re.search(r"[.!?…:;,]$", line)
              and line.lstrip("„\"«'“(").strip()[:1].isupper()
              and (not seen_paragraph or field_of(line) or is_framing(line))):
            # A short line is a heading above the article (its title) or when it is a sheet label;
            # inside the article a short line is just text: it must not split the page into practices.
            blocks.append(Block(Kind.HEADING, line, level=3))
        else:
            blocks.append(Block(Kind.PARAGRAPH, line))
            seen_paragraph = seen_paragraph or len(line.split()) >= 12
    return Extracted(trim_tail(blocks))
