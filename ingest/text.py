"""Saved web pages (.txt, .md, .html): the article, without menus, cookie notes, map labels and hotlines."""
from __future__ import annotations

import re
from pathlib import Path

from .blocks import Block, Extracted, ExtractionError, Kind
from .labels import field_of, is_framing

# Whole lines that are page chrome in the languages we meet, not content.
_CHROME = re.compile(
    r"^(?:trwa (?:ładowanie|zapisywanie).*|loading.*|завантаження.*|menu|меню|zaloguj.*|log ?in|sign in|увійти|"
    r"szukaj|search|пошук|udostępnij.*|share.*|поділитися.*|drukuj|print|друк|path|hold|ctrl|to zoom|"
    r"(?:akceptuj|accept|прийняти).*cookie.*|.*(?:cookies?|ciasteczk|куки|файли cookie).*|"
    r"(?:wróć|back|назад).*|newsletter|facebook|twitter|instagram|youtube|linkedin|x\.com|"
    r"відкрити/закрити.*|open/close.*|skip to .*|przejdź do .*|перейти до .*|"
    r"(?:strona główna|home|головна)(?: ?[>/»].*)?|.*(?:гаряча лінія|hotline|infolinia).*|"
    r"\[?(?:fot\.|foto|photo|фото)[^\]]*\]?(?:\(.*\))?|autor:.*|©.*|all rights reserved.*|"
    r"(?:opublikowano|опубліковано|published|data publikacji|дата публікації|posted)\b.*|"
    r"powrót.*|zobacz (?:także|też).*|see also.*|читайте також.*|related.*|"
    r".*(?:deklaracja dostępności|polityka prywatności|privacy policy|політика конфіденційності).*|"
    r"ua \| en|pl \| en|en \| pl|bip|rss|x)$",
    re.I,
)
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


def _html_to_lines(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    lines = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "tr", "div"]):
        if el.name == "div" and el.find(["p", "h1", "h2", "h3", "li", "div", "table"]):
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


def _is_label_run(lines: list[str], i: int) -> bool:
    """Map labels and menus: runs of 5+ very short lines without sentence punctuation."""
    def short(s: str) -> bool:
        return 0 < len(s.split()) <= 3 and not re.search(r"[.!?:;]$", s)

    j = i
    while j < len(lines) and (short(lines[j]) or not lines[j]):
        j += 1
    return sum(1 for s in lines[i:j] if s) >= 5


def _is_menu(line: str) -> bool:
    """A navigation bar saved as one line: 'Urząd | Dla mieszkańca | Biznes | Kontakt', 'A A A'."""
    parts = [p.strip() for p in re.split(r"\s[|•·/]\s", line)]
    if len(parts) >= 3 and ":" not in parts[0] and all(0 < len(p.split()) <= 4 and not re.search(r"[.!?:]$", p)
                                                       for p in parts):
        return True  # "Tematy: mieszkalnictwo / rewitalizacja / …" is a labelled value, not a menu
    return bool(re.fullmatch(r"(?:A\s*){2,4}|(?:wersja|version|версія)\s+(?:kontrastowa|contrast|контрастна)|"
                             r"(?:high )?contrast(?: mode| version)?|(?:wysoki )?kontrast", line, re.I))


def extract(path: Path) -> Extracted:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("this is a binary file, not text; check the file type")
    text = _decode(data).replace("\u00ad", "")
    if path.suffix.lower() in (".html", ".htm") or re.match(r"\s*(?:<!doctype html|<html)", text, re.I):
        raw_lines = _html_to_lines(text)
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
        if _is_label_run(lines, i):
            while i < len(lines) and (not lines[i] or len(lines[i].split()) <= 3):
                i += 1
            continue
        i += 1
        if _CHROME.match(line) or re.fullmatch(r"[\W\d_]+", line) or _is_menu(line):
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
    return Extracted(_trim(blocks))


def _trim(blocks: list[Block]) -> list[Block]:
    """Drop the short lines after the article's last real paragraph: related links, footers."""
    last = max((i for i, b in enumerate(blocks) if b.kind == Kind.PARAGRAPH and len(b.text.split()) >= 12), default=-1)
    tail = blocks[last + 1 :]
    if last >= 0 and all(len(b.text.split()) <= 8 for b in tail):
        return blocks[: last + 1]
    return blocks
