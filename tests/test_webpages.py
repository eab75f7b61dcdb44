"""Web pages as people save them: printed to PDF by the browser (Ctrl+P, with its header and footer) and
saved as a web archive (.mhtml). Real Chromium makes both files from one council news page with its
chrome: menu, breadcrumbs, search box, cookie banner, share buttons, related news and footer."""
import subprocess

import pytest

from ingest.pipeline import checksum, read_practices
from ingest.webpage import printed_by_browser, without_site_name
from kb.config import Settings

from .test_browser import _chromium_path

ARTICLE = [
    "Od marca 2024 r. Opole prowadzi w bibliotece osiedlowej na Zaodrzu kawiarenkę naprawczą: raz w miesiącu "
    "wolontariusze pomagają mieszkańcom naprawić sprzęt, ubrania i rowery zamiast je wyrzucać.",
    "Miasto udostępnia salę i narzędzia, a Centrum Wolontariatu szuka fachowców; w pierwszym roku naprawiono "
    "ponad 600 przedmiotów, a z wydarzeń skorzystało około 900 osób, w tym wielu seniorów.",
    "Największą trudnością było znalezienie elektryków gotowych poświęcić sobotę; pomogła współpraca z "
    "technikum, którego uczniowie przychodzą z nauczycielem i zaliczają praktyki.",
]
PAGE = f"""<!doctype html><html lang="pl"><head><meta charset="utf-8">
<title>Kawiarenka naprawcza w Opolu: mieszkańcy naprawiają zamiast wyrzucać | Urząd Miasta Opola</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:auto}} nav a{{display:block}}
.cookie{{border:1px solid #999;padding:1em}} h1{{font-size:2em}}</style></head><body>
<header><div class="logo">Urząd Miasta Opola</div>
<nav><a href="#">Urząd</a><a href="#">Mieszkaniec</a><a href="#">Biznes</a><a href="#">Turystyka</a>
<a href="#">Kultura</a><a href="#">Kontakt</a></nav>
<form><label>Szukaj w serwisie</label><input></form></header>
<ol class="breadcrumbs"><li>Strona główna</li><li>Aktualności</li><li>Ekologia</li></ol>
<main><article><h1>Kawiarenka naprawcza w Opolu: mieszkańcy naprawiają zamiast wyrzucać</h1>
<p>Opublikowano: 12.04.2024</p>
{''.join(f'<p>{p}</p>' for p in ARTICLE)}
<p>Udostępnij: Facebook X E-mail</p></article></main>
<aside><h2>Czytaj także</h2><ul><li>Nowe ławki w parku Nadodrzańskim</li>
<li>Rusza nabór do budżetu obywatelskiego na 2025 rok</li><li>Zmiany w rozkładzie jazdy autobusów linii 5</li>
<li>Wystawa fotografii w ratuszu do końca maja</li></ul></aside>
<div class="cookie">Ta strona używa plików cookies. Korzystając z niej, zgadzasz się na ich użycie.
<button>Akceptuję</button></div>
<footer>Urząd Miasta Opola, Rynek-Ratusz, 45-015 Opole · Deklaracja dostępności · Polityka prywatności</footer>
</body></html>"""

CHROME_WORDS = ["Turystyka", "Szukaj w serwisie", "cookies", "Nowe ławki", "budżetu obywatelskiego", "Rynek-Ratusz",
                "Udostępnij", "Strona główna"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    html = folder / "opole.html"
    html.write_text(PAGE, encoding="utf-8")
    chromium = _chromium_path()
    pdf = folder / "opole-printed.pdf"  # what Ctrl+P -> "Save as PDF" writes: the header and footer included
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(html.as_uri())
        archive = page.context.new_cdp_session(page).send("Page.captureSnapshot", {"format": "mhtml"})["data"]
        browser.close()
    mhtml = folder / "opole.mhtml"
    mhtml.write_text(archive, encoding="utf-8", newline="")
    return {"pdf": pdf, "mhtml": mhtml, "html": html}


@pytest.mark.browser  # the page printed and saved by a real Chromium
@pytest.mark.parametrize("kind", ["pdf", "mhtml", "html"])
def test_a_saved_web_page_gives_the_article_without_the_page_around_it(saved, kind):
    path = saved[kind]
    practices, _ = read_practices(path, Settings(), checksum(path))
    assert len(practices) == 1, [p.title for p in practices]
    practice = practices[0]
    assert practice.title == "Kawiarenka naprawcza w Opolu: mieszkańcy naprawiają zamiast wyrzucać"
    assert practice.city == "Opole" and practice.language == "pl"
    body = " ".join(practice.body.split())
    for paragraph in ARTICLE:
        assert " ".join(paragraph.split()) in body
    leftovers = [w for w in CHROME_WORDS if w in body]
    assert not leftovers, body
    assert "file://" not in body and "1/1" not in body  # the browser's footer


def test_a_printed_web_page_needs_its_browser_footer_or_page_chrome():
    chrome = {"Creator": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
                         "Safari/537.36", "Producer": "Skia/PDF m131"}
    page_chrome = ["Udostępnij: Facebook X", "Strona główna", "Ta strona używa plików cookies."]
    assert printed_by_browser(chrome, [], 1, ["Kawiarenka naprawcza", *page_chrome])
    assert printed_by_browser({"Creator": "Mozilla Firefox 133.0"}, [], 2, page_chrome)
    footers = ["https://www.opole.pl/aktualnosci/kawiarenka 1/2", "https://www.opole.pl/aktualnosci/kawiarenka 2/2"]
    assert printed_by_browser({}, footers, 2, [])
    # A catalogue opened in Chrome and saved as PDF is not a web page; nor is a Google Docs export.
    assert not printed_by_browser(chrome, [], 12, ["Katalog dobrych praktyk", "1. Mieszkanie za remont"])
    assert not printed_by_browser({"Producer": "Skia/PDF m131 Google Docs Renderer"}, [], 1, page_chrome)
    assert not printed_by_browser({"Creator": "Program Operacyjny Polska Wschodnia"}, [], 1, page_chrome)
    # A source note in a footer is not the browser's address-and-page footer.
    assert not printed_by_browser({"Creator": "Microsoft® Word 2016"}, ["Źródło: https://stat.gov.pl/dane 11/2023"],
                                  3, [])


def test_cleaning_a_printed_page_keeps_the_article_whole():
    from ingest.blocks import Block, Kind
    from ingest.webpage import chrome_free, clean_blocks

    lines = ["Share of children cycling to school rose from 8% to 21% in two years,",
             "Photovoltaic canopies over the bike racks power the school's lights,", "2021.",
             "• Łódź", "• Gdańsk", "• Poznań", "• Lublin", "• Opole"]
    assert all(chrome_free(lines))  # single lines and bulleted lists stay
    article = [Block(Kind.HEADING, "School streets in Ghent", level=1),
               Block(Kind.PARAGRAPH, "Back in 2019 the city closed twelve streets at the school gate for half an hour "
                                     "in the morning and afternoon, and asked parents to walk the last stretch."),
               *[Block(Kind.LIST_ITEM, city) for city in ("Łódź", "Gdańsk", "Poznań", "Lublin", "Opole")],
               Block(Kind.PARAGRAPH, "Read more: the evaluation report of 2023 gives the traffic counts street by "
                                     "street and the survey of parents and teachers."),
               Block(Kind.PARAGRAPH, "Contact: mobility office, Ghent city hall, mobiliteit@stad.gent.")]
    assert clean_blocks(article) == article


def test_the_site_name_leaves_the_page_title():
    assert without_site_name("Piazze Aperte: how Milan turned parking lots into squares | Comune di Milano") == \
        "Piazze Aperte: how Milan turned parking lots into squares"
    assert without_site_name("Centrum Aktywności Lokalnej – Łódź") == "Centrum Aktywności Lokalnej"
    assert without_site_name("Mieszkanie za remont – Żyrardów") == "Mieszkanie za remont"
    assert without_site_name("Home | Site") == "Home | Site"  # too short once cut: kept
    assert without_site_name("Rain gardens in Lublin - a guide for residents") == \
        "Rain gardens in Lublin - a guide for residents"  # a subtitle, not a site


def test_a_page_in_a_windows_code_page_is_read_in_the_charset_it_declares(tmp_path):
    path = tmp_path / "opole-1250.html"
    path.write_bytes(PAGE.replace('charset="utf-8"', 'charset="windows-1250"').encode("cp1250"))
    practices, _ = read_practices(path, Settings(), checksum(path))
    assert practices[0].title == "Kawiarenka naprawcza w Opolu: mieszkańcy naprawiają zamiast wyrzucać"
    assert "Największą trudnością" in practices[0].body


def test_a_page_moved_to_utf8_with_its_old_meta_charset_is_read_as_utf8(tmp_path):
    path = tmp_path / "opole-stale-meta.html"
    path.write_bytes(PAGE.replace('charset="utf-8"', 'charset="iso-8859-2"').encode("utf-8"))
    practices, _ = read_practices(path, Settings(), checksum(path))
    assert practices[0].title == "Kawiarenka naprawcza w Opolu: mieszkańcy naprawiają zamiast wyrzucać"
