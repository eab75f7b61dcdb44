"""Web pages, however they were saved (HTML, text, MHTML, printed to PDF): what is page chrome, not article.

The rules work on lines of text (`ingest/text.py` reads a page line by line) and on blocks (a page that
a browser printed to PDF, `ingest/pdf.py`): menus, breadcrumbs, cookie notes, share buttons, map
labels, and the related links and footer after the article's last paragraph.
"""
from __future__ import annotations

import re

from .blocks import Block, Kind

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

# What a browser writes into a PDF it prints: its name in the metadata (Chrome and Edge write their user
# agent, Firefox its name), and in the bottom margin the page's address with "1/3" (Chrome, Edge).
# Skia alone is not a browser: Google Docs exports with it too.
_BROWSER = re.compile(r"mozilla/\d|chrome/|chromium|firefox|safari/|edg/|opera", re.I)
_ADDRESS_FOOTER = re.compile(r"(?:https?|file)://\S+\s+\d{1,4}/\d{1,4}$")

# Where a page's list of other articles starts: nothing after it is the article.
_RELATED = re.compile(
    r"^(?:related(?: news| articles| posts)?|see also|read (?:also|more)|more news|latest news|other news|"
    r"zobacz (?:także|też|również)|czytaj (?:także|też|również|więcej)|inne (?:aktualności|wiadomości)|"
    r"najnowsze (?:aktualności|wiadomości)|читайте також|дивіться також|інші новини|останні новини|схожі новини|"
    r"більше новин)\W*$", re.I)
# A site's name after the headline in a page title: "Headline | City of Milan", "Headline – Łódź".
_SITE_SUFFIX = re.compile(r"\s+[|–—]\s+[^|–—]{2,60}$|\s+-\s+[^-]{2,40}$")


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


def chrome_free(lines: list[str]) -> list[bool]:
    """For each line of a page, whether it is kept: menu runs and chrome lines are not."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        end = label_run_end(lines, i)
        if end > i:
            keep[i:end] = [False] * (end - i)
            i = end
            continue
        keep[i] = not is_chrome(lines[i])
        i += 1
    return keep


def trim_tail(blocks: list[Block]) -> list[Block]:
    """Drop the short lines after the article's last real paragraph: related links, footers."""
    last = max((i for i, b in enumerate(blocks) if b.kind == Kind.PARAGRAPH and len(b.text.split()) >= 12), default=-1)
    tail = blocks[last + 1 :]
    if last >= 0 and all(len(b.text.split()) <= 8 for b in tail):
        return blocks[: last + 1]
    return blocks


def printed_by_browser(metadata: dict, margin_lines: list[str]) -> bool:
    """A PDF a browser printed from a web page: its metadata name a browser, or a footer gives the page's
    address and page count."""
    names = " ".join(str(metadata.get(key, "") or "") for key in ("Creator", "Producer"))
    return bool(_BROWSER.search(names)) or any(_ADDRESS_FOOTER.search(ln) for ln in margin_lines)


def without_site_name(title: str) -> str:
    """A page title without the site's name after it: 'Piazze Aperte: … | Comune di Milano' -> 'Piazze Aperte: …'."""
    shorter = _SITE_SUFFIX.sub("", title).strip()
    return shorter if len(shorter.split()) >= 3 else title


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """A printed web page's article: chrome lines and menu runs out, the site's name and search box above
    the first heading out, and the other articles' headlines, related links and footer after it out."""
    words = 0
    for n, block in enumerate(blocks):
        if words >= 40 and _RELATED.match(block.text.strip()):  # other articles' headlines follow
            blocks = blocks[:n]
            break
        words += len(block.text.split()) if block.kind == Kind.PARAGRAPH else 0
    texts = [b.text for b in blocks]
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        end = label_run_end(texts, i) if blocks[i].kind != Kind.HEADING else i
        if end > i:
            i = end
            continue
        block = blocks[i]
        i += 1
        if block.kind != Kind.ROW and is_chrome(block.text):
            continue
        kept.append(block)
    first_heading = next((n for n, b in enumerate(kept) if b.kind == Kind.HEADING), 0)
    head = [b for b in kept[:first_heading] if len(b.text.split()) >= 12]  # a lead paragraph above the headline stays
    return trim_tail(head + kept[first_heading:])
