"""Web pages, however they were saved (HTML, text, MHTML, printed to PDF): what is page chrome, not article.

The rules work on lines of text (`ingest/text.py` reads a page line by line) and on blocks (a page that
a browser printed to PDF, `ingest/pdf.py`): menus, breadcrumbs, cookie notes, share buttons, map
labels, and the related links and footer after the article's last paragraph.
"""
from __future__ import annotations

import re

from .blocks import Block, Kind

# Whole lines that are page chrome in the languages we meet, not content. Patterns that start with a
# common word ("Share", "Back", "Photo") allow a short tail only: "Shared ownership helps…" and "Back in
# 2019 the city…" start sentences.
_COOKIES = r"cookies?|ciasteczk|куки|файли cookie"  # a cookie notice, in any of our languages
_CHROME = re.compile(
    r"^(?:trwa (?:ładowanie|zapisywanie).{0,40}|loading\b.{0,40}|завантаження.{0,40}|menu|меню|zaloguj.{0,30}|"
    r"log ?in|sign in|увійти|szukaj|search|пошук|udostępnij\b.{0,60}|share\b.{0,60}|поділитися.{0,60}|drukuj|"
    r"print|друк|path|hold|ctrl|to zoom|"
    rf".*(?:{_COOKIES}).*|"
    r"(?:wróć|back|назад)\b.{0,40}|newsletter|facebook|twitter|instagram|youtube|linkedin|x\.com|"
    r"відкрити/закрити.*|open/close.*|skip to .*|przejdź do .*|перейти до .*|"
    r"(?:strona główna|home|головна)(?: ?[>/»].*)?|.{0,40}(?:гаряча лінія|hotline|infolinia).{0,40}|"
    r"\[?(?:fot\.|foto\b|photo\b|фото\b)[^\]]{0,80}\]?(?:\(.*\))?|autor:.{0,60}|©.*|all rights reserved.*|"
    r"(?:opublikowano|опубліковано|published|data publikacji|дата публікації|posted)\b.{0,60}|"
    r"powrót\b.{0,40}|zobacz (?:także|też).{0,60}|see also\b.{0,60}|читайте також.{0,60}|related\b.{0,40}|"
    r".*(?:deklaracja dostępności|polityka prywatności|privacy policy|політика конфіденційності).*|"
    r"ua \| en|pl \| en|en \| pl|bip|rss|x|"
    r"[a-z]+(?:_[a-z]+)+)$",  # an icon font's ligature printed as its name ("file_download", "arrow_forward")
    re.I,
)

# What a browser writes into a PDF it prints: its name in the metadata (Chrome and Edge write their user
# agent, Firefox its name), and in the bottom margin the page's address with "1/3" (Chrome, Edge).
# Skia alone is not a browser: Google Docs exports with it too.
_BROWSER = re.compile(r"mozilla/\d|chrome/|chromium|firefox|safari/|edg/", re.I)
_ADDRESS_FOOTER = re.compile(r"(?:https?|file)://\S+\s+(\d{1,4})/(\d{1,4})$")

# Where a page's list of other articles starts: nothing after it is the article.
_RELATED = re.compile(
    r"^(?:related(?: news| articles| posts)?|see also|more news|latest news|other news|"
    r"zobacz (?:także|też|również)|czytaj (?:także|też|również)|inne (?:aktualności|wiadomości)|"
    r"najnowsze (?:aktualności|wiadomości)|читайте також|дивіться також|інші новини|останні новини|схожі новини|"
    r"більше новин)\W*$", re.I)

def is_chrome(line: str) -> bool:
    """A line that is page furniture: a menu entry, a share or cookie line, punctuation or numbers only."""
    return bool(_CHROME.match(line) or re.fullmatch(r"[\W\d_]+", line) or is_menu(line))


def is_menu(line: str) -> bool:
    """A navigation bar saved as one line: 'Urząd | Dla mieszkańca | Biznes | Kontakt', 'A A A'."""
    parts = [p.strip() for p in re.split(r"\s[|•·/]\s", line)]
    if len(parts) >= 3 and ":" not in parts[0] and all(0 < len(p.split()) <= 4 and not re.search(r"[.!?:]$", p)
                                                       for p in parts):
        return True  # "Tematy: mieszkalnictwo / rewitalizacja / …" is a labelled value, not a menu
    return bool(re.fullmatch(r"(?:A\s*){2,4}|(?:wersja|version|версія)\s+(?:kontrastowa|contrast|контрастна)|"
                             r"(?:high )?contrast(?: mode| version)?|(?:wysoki )?kontrast", line, re.I))


def _short(line: str) -> bool:
    return 0 < len(line.split()) <= 3 and not re.search(r"[.!?:;]$", line)


def label_run_end(lines: list[str], i: int) -> int:
    """Where a run of map labels or menu entries that starts at line i ends (5+ very short lines without
    sentence punctuation); i itself when no such run starts there."""
    j = i
    while j < len(lines) and (_short(lines[j]) or not lines[j]):
        j += 1
    if sum(1 for s in lines[i:j] if s) < 5:
        return i
    while i < len(lines) and (not lines[i] or len(lines[i].split()) <= 3):
        i += 1
    return i


_CONTACT = re.compile(r"(?i)^(?:kontakt|contact|контакт)\w*\s*:|[\w.+-]+@[\w-]+\.[\w.-]+")
_LISTED = re.compile(r"^\s*(?:[•·▪●◦‣∙\-–*]|\d{1,2}[.)])\s")


def chrome_free(lines: list[str]) -> list[bool]:
    """For each line of a printed page, whether it is kept: runs of menu entries are not (a menu is a column
    of short lines as close together as a paragraph's lines, so it must go before lines join). Single lines
    are judged later, as whole blocks: a line inside a paragraph may start with any word. Bulleted and
    numbered lines are an article's lists, not menus."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _short(lines[j]) and not _LISTED.match(lines[j]):
            j += 1
        if j - i >= 5:
            keep[i:j] = [False] * (j - i)
        i = max(j, i + 1)
    return keep


def trim_tail(blocks: list[Block]) -> list[Block]:
    """Drop the short lines after the article's last real paragraph: related links, footers."""
    last = max((i for i, b in enumerate(blocks) if b.kind == Kind.PARAGRAPH and len(b.text.split()) >= 12), default=-1)
    tail = blocks[last + 1 :]
    if last >= 0 and all(len(b.text.split()) <= 8 for b in tail):
        return blocks[: last + 1] + [b for b in tail if _CONTACT.search(b.text)]  # the article's contact stays
    return blocks


def printed_by_browser(metadata: dict, margin_lines: list[str], pages: int, lines: list[str]) -> bool:
    """A PDF a browser printed from a web page. Either its footers give the page's address and "k/N" with N
    its page count (Chrome's and Edge's print footer), on at least half of the pages; or the metadata name
    a browser and the text has page chrome (cookie note, share line, menu, breadcrumbs) on 3 lines or more.
    A browser's name alone is not enough: a catalogue opened in Chrome and saved as PDF is not a web page."""
    footers = sum(1 for ln in margin_lines if (m := _ADDRESS_FOOTER.search(ln)) and int(m.group(2)) == pages)
    if footers >= max(1, pages / 2):
        return True
    names = " ".join(str(metadata.get(key, "") or "") for key in ("Creator", "Producer"))
    if not _BROWSER.search(names):
        return False
    chrome = sum(1 for ln in lines if len(ln.split()) <= 8 and (_CHROME.match(ln) or is_menu(ln)))
    return chrome >= 3


def without_site_name(title: str) -> str:
    """A page title without the site's name after it: 'Piazze Aperte: … | Comune di Milano' -> 'Piazze Aperte: …'.
    After a dash, only a short name that starts with a capital is a site ('– Łódź', not '- a guide for residents')."""
    for separator in (" | ", " – ", " — ", " - "):
        head, found, site = title.rpartition(separator)
        if found and len(head.split()) >= 3 and (separator == " | " or (len(site.split()) <= 5 and site[:1].isupper())):
            return head.strip()
    return title


def _is_chrome_block(block: Block) -> bool:
    """A block of page chrome: a short line (share, back, breadcrumbs, a menu bar) or a cookie notice."""
    words = len(block.text.split())
    if block.kind == Kind.ROW:
        return False
    if words <= 8 and is_chrome(block.text):
        return True
    return words <= 60 and bool(re.search(_COOKIES, block.text, re.I))


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """A printed web page's article: chrome blocks out, the site's name and search box above the first
    heading out, and the other articles' headlines, related links and footer after it out."""
    def headlines(block: Block) -> bool:  # a headline, or headlines run together: no sentences
        return len(block.text.split()) <= 25 or not re.search(r"[.!?…](?:\s|$)", block.text)

    kept = [b for b in blocks if not _is_chrome_block(b)]
    words = 0
    for n, block in enumerate(kept):
        marker = _RELATED.match(block.text.strip()) and (block.kind == Kind.HEADING or len(block.text.split()) <= 4)
        if marker and words >= 40 and all(headlines(b) for b in kept[n + 1:]):
            kept = kept[:n]  # only other articles' headlines follow
            break
        words += len(block.text.split()) if block.kind == Kind.PARAGRAPH else 0
    # After the article's last sentence: share and tag lines, other articles' headlines run together.
    end = len(kept)
    while end > 0 and kept[end - 1].kind != Kind.ROW and not ends_article(kept[end - 1].text):
        end -= 1
    kept = kept[:end] if end else kept
    first_heading = next((n for n, b in enumerate(kept) if b.kind == Kind.HEADING), 0)
    head = [b for b in kept[:first_heading] if len(b.text.split()) >= 12]  # a lead paragraph above the headline stays
    return trim_tail(head + kept[first_heading:])


def ends_article(text: str) -> bool:
    """Where a printed page's article may end: a sentence, or the article's contact."""
    return bool(re.search(r"[.!?…][»\"”')\]]*$", text.rstrip()) or _CONTACT.search(text))
