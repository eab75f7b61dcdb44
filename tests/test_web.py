"""The Flask app with Flask's test client over a real store and index."""
import pytest


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def test_home_search_and_practice_page(client, kb):
    home = client.get("/")
    assert home.status_code == 200 and "3 practices" in home.get_data(as_text=True)
    page = client.get("/?q=Mieszkanie+za+remont").get_data(as_text=True)
    assert "Mieszkanie za remont" in page and "/practices/" in page
    practice = next(p for p in kb.store.list() if p.title.startswith("Mieszkanie"))
    sheet = client.get(f"/practices/{practice.id}?q=remont").get_data(as_text=True)
    assert "Resources needed" in sheet and "Żyrardów" in sheet and 'href="/?q=remont"' in sheet
    assert "Comparable practices" in sheet
    assert "/tmp" not in sheet  # the server's folders are not shown


def test_api_matches_the_cli_shape(client):
    hits = client.get("/api/search?q=ogrody&k=2").get_json()
    assert 1 <= len(hits) <= 2 and {"id", "title", "language", "city", "country", "score", "source"} <= set(hits[0])
    one = client.get(f"/api/practices/{hits[0]['id']}").get_json()
    assert one["id"] == hits[0]["id"] and one["body"]
    assert "Żyrardów" in client.get("/api/search?q=remont&k=3").get_data(as_text=True)  # readable UTF-8 JSON
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search?q=x&k=abc").status_code == 400
    assert client.get("/api/practices/nope").status_code == 404
    similar = client.get(f"/api/practices/{hits[0]['id']}/similar?k=2").get_json()
    assert len(similar) == 2 and hits[0]["id"] not in [s["id"] for s in similar] and "shared_themes" in similar[0]
    assert client.get("/api/practices/nope/similar").status_code == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/practices/does-not-exist")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"


def test_interface_language_from_browser_and_switch(client):
    polish = client.get("/?q=ogrody", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="pl"' in polish and "Szukaj praktyk w dowolnym języku" in polish and "praktyk" in polish
    switched = client.get("/language/uk?next=/%3Fq%3Dogrody")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/?q=ogrody")
    ukrainian = client.get("/?q=ogrody").get_data(as_text=True)  # the cookie is remembered
    assert "Шукайте практики будь-якою мовою" in ukrainian and "Польща" in ukrainian
    assert client.get("/language/en?next=//evil.example").headers["Location"] == "/"  # only pages of this site


def test_every_interface_string_is_translated():
    from babel.messages.pofile import read_po

    from .conftest import REPO

    for lang in ("pl", "uk"):
        with open(REPO / "web" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            catalog = read_po(fh, locale=lang)
        untranslated = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        assert not untranslated, (lang, untranslated)
    templates = "".join(p.read_text(encoding="utf-8") for p in (REPO / "web" / "templates").rglob("*.html"))
    with open(REPO / "web" / "translations" / "pl" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh)}
    import re

    used = set(re.findall(r"_\('([^']+)'\)", templates))
    assert used <= known, used - known  # run scripts/i18n after changing the templates


def test_filters_by_country_and_theme_with_counts(client):
    page = client.get("/?q=mieszkanie").get_data(as_text=True)
    assert 'name="country"' in page and 'name="theme"' in page and "Spain (1)" in page
    spanish = client.get("/?q=mieszkanie&country=ES").get_data(as_text=True)
    assert "Huecos Urbanos" in spanish and "Żyrardów" not in spanish.split('class="results"')[1]
    api = client.get("/api/search?q=ogrody&theme=housing").get_json()
    assert api and all("housing" in hit["themes"] for hit in api)


def _validator(spec: dict, schema: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": spec["components"]})


def test_openapi_describes_every_api_route_and_the_responses_match_it(client, kb):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    app_routes = {r.rule.replace("<practice_id>", "{id}").replace("<checklist_id>", "{id}").replace("<token>", "{token}")
                  .replace("<cid>", "{cid}")
                  for r in client.application.url_map.iter_rules() if r.rule.startswith("/api/") or "export" in r.rule}
    assert app_routes == set(spec["paths"]), app_routes ^ set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "k", "lang", "country", "city", "theme", "status", "source", "stage"}

    hits = client.get("/api/search?q=remont&k=3").get_json()
    assert hits
    for hit in hits:
        _validator(spec, "SearchHit").validate(hit)
    practice = client.get(f"/api/practices/{hits[0]['id']}").get_json()
    _validator(spec, "Practice").validate(practice)
    for similar in client.get(f"/api/practices/{hits[0]['id']}/similar?k=2").get_json():
        _validator(spec, "SimilarHit").validate(similar)
    _validator(spec, "Error").validate(client.get("/api/practices/nope").get_json())
    # A response that breaks the schema is caught: the check can fail.
    from jsonschema import ValidationError

    with pytest.raises(ValidationError):
        _validator(spec, "SearchHit").validate({**hits[0], "unexpected": 1})


def test_every_filter_narrows_the_results_and_facets_count_under_the_other_filters(client, kb):
    zyrardow = next(p for p in kb.store.list() if p.city == "Żyrardów")
    by_city = client.get("/api/search?q=lokale&k=10&city=Żyrardów").get_json()
    assert by_city and {h["city"] for h in by_city} == {"Żyrardów"}
    kb.store.set_status(zyrardow.id, "draft")  # anonymous callers find approved practices only
    assert zyrardow.id not in [h["id"] for h in client.get("/api/search?q=lokale&k=10").get_json()]
    assert client.get(f"/api/practices/{zyrardow.id}").status_code == 404
    kb.store.set_status(zyrardow.id, "approved")
    by_source = client.get("/api/search?q=lokale&k=10&source=las-palmas-huecos-urbanos.pdf").get_json()
    assert {h["source_key"] for h in by_source} == {"las-palmas-huecos-urbanos.pdf"}
    page = client.get("/?q=lokale&lang=pl").get_data(as_text=True)
    # With Polish chosen, the language facet still counts the other languages (what choosing them would give).
    assert 'value="en"' in page and "English (1)" in page and "Polish (2)" in page
    assert 'name="city"' in page and 'name="source"' in page and 'name="status"' not in page  # advisors' filter


def test_the_stage_facet_counts_what_its_filter_gives(client):
    import re

    page = client.get("/?q=lokale").get_data(as_text=True)
    assert 'name="stage"' in page
    counted = re.search(r'<option value="ongoing" >[^<]*\((\d+)\)</option>', page)
    assert counted, "no count beside the 'ongoing' stage"
    ongoing = client.get("/api/search?q=lokale&k=50&stage=ongoing").get_json()
    assert ongoing and {h["stage"] for h in ongoing} == {"ongoing"}
    page = client.get("/?q=lokale&stage=ongoing").get_data(as_text=True)
    assert page.count('class="stage"') == len(ongoing) == int(counted.group(1))


def test_language_switch_only_goes_back_to_this_site(client):
    for target, expected in (("/?q=ogrody", "/?q=ogrody"), ("//evil.example", "/"), ("/\\evil.example", "/"),
                             ("https://evil.example", "/"), ("/\t/evil.example", "/")):
        response = client.get("/language/pl", query_string={"next": target})
        assert response.status_code == 302 and response.headers["Location"] == expected, target


def test_result_passages_mark_the_query_words_and_stay_escaped(client, kb):
    from web.present import highlight

    page = client.get("/?q=remontu+mieszkań").get_data(as_text=True)
    assert "<mark>" in page
    marked = str(highlight("Mieszkania <b>za remont</b> w Żyrardowie", "remontu mieszkań"))
    assert marked == "<mark>Mieszkania</mark> &lt;b&gt;za <mark>remont</mark>&lt;/b&gt; w Żyrardowie"
    cut = str(highlight("ab " * 200, "x"))
    assert cut.endswith("…") and len(cut) <= 321


def test_approving_from_the_edit_page_saves_the_edits_first(web_app, kb):
    from kb import curation
    from kb.models import Status

    from .fixtures.builders import csrf_token, sign_in

    practice = kb.store.list()[0]
    kb.store.set_status(practice.id, Status.DRAFT)
    client = sign_in(web_app, "ola")
    page = client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    # The Approve button at the top belongs to the edit form: pressing it sends the form's values.
    assert 'form="edit-form" name="then" value="approved"' in page and 'id="edit-form"' in page
    form = {**practice.values(), "title": "Mieszkanie za remont, nowy tytuł", "timescale": "2019–2024",
            "themes": ["housing"], "then": "approved", "csrf_token": csrf_token(page)}
    response = client.post(f"/practices/{practice.id}/edit", data=form)
    assert response.status_code == 302
    saved = kb.store.get(practice.id)
    assert (saved.title, saved.fields.get("timescale"), saved.themes, saved.status) == \
        ("Mieszkanie za remont, nowy tytuł", "2019–2024", ("housing",), Status.APPROVED)
    entries = curation.audit(kb, target=practice.id)[0]
    assert [e.action for e in entries[:2]] == ["approved", "edit"]  # newest first: the edit, then the approval
    notices = client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert "keeps these values" in notices and "visitors can now find" in notices
    # Reject with nothing changed: a status change only, no edit (values the form would normalise stay as stored)
    page = client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    unchanged = {**kb.store.get(practice.id).values(), "then": "rejected", "csrf_token": csrf_token(page)}
    unchanged["description"] = unchanged["description"].replace("\n", "\r\n") + "  "  # as a browser sends it
    assert client.post(f"/practices/{practice.id}/edit", data=unchanged).status_code == 302
    entries = curation.audit(kb, target=practice.id)[0]
    assert [e.action for e in entries[:2]] == ["rejected", "approved"]


def _listed(page: str) -> int:
    """The number of practices a browse page says it lists."""
    import re

    return int(re.search(r'class="results-title" role="status">(\d+) practices?</p>', page).group(1))


def test_every_count_on_the_home_page_is_what_its_link_lists(client):
    import html
    import re

    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    links = re.findall(r'<li><a href="(/practices\?[^"]+)">[^<]*</a> <span>(\d+)</span></li>', home)
    assert {href.split("?")[1].split("=")[0] for href, _ in links} == {"theme", "country", "lang"}
    for href, count in links:
        assert _listed(client.get(html.unescape(href), headers={"Accept-Language": "en"}).get_data(as_text=True)) \
            == int(count), href
    total = re.search(r'<a href="/practices">(\d+) practices</a>', home).group(1)
    assert _listed(client.get("/practices", headers={"Accept-Language": "en"}).get_data(as_text=True)) == int(total)


def test_browsing_sorts_pages_and_each_filter_option_counts_what_it_lists(client, kb):
    import re

    page = client.get("/practices?sort=title", headers={"Accept-Language": "en"}).get_data(as_text=True)
    titles = re.findall(r'<h2[^>]*><a href="/practices/[^"]+"[^>]*>([^<]+)</a>', page)
    from kb.browse import _folded

    assert len(titles) == kb.store.count() == 3 and titles == sorted(titles, key=_folded)
    tried = 0
    for select in re.findall(r'<select id="([a-z]+)" name="\1">', page):  # each filter, each option with a count
        block = page.split(f'<select id="{select}"', 1)[1].split("</select>", 1)[0]
        for value, count in re.findall(r'<option value="([^"]+)" >[^<(]*\((\d+)\)</option>', block):
            chosen = client.get("/practices", query_string={select: value}).get_data(as_text=True)
            assert _listed(chosen) == int(count), (select, value)
            tried += 1
    assert tried >= 8  # languages, countries, cities, themes, sources
    assert client.get("/practices?sort=shoe-size").status_code == 400
    moved = client.get("/search?q=ogrody&lang=pl")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/?q=ogrody&lang=pl")
    assert client.get("/search?q=a&_anchor=x&_external=1").status_code == 301  # not url_for's own arguments


def test_page_locators_and_upload_counts_speak_the_users_terms(client, kb):
    import re

    from ingest.jobs import Job

    practice = next(p for p in kb.store.list() if p.source.name.endswith(".pdf"))
    for language, page in (("pl", r"s\. \d"), ("uk", r"с\. \d"), ("en", r"pp?\. \d")):
        html = client.get(f"/practices/{practice.id}", headers={"Accept-Language": language}).get_data(as_text=True)
        assert re.search(rf"{re.escape(practice.source.name)} · {page}", html), language
    job = Job("j", "ola", {"a.docx": "a.docx", "b.pdf": "b.pdf"}, skipped=[("c.exe", "why")])
    assert (job.done, job.total) == (1, 3)  # the refused file is done from the start: "1 of 3", not "0 of 2"


def test_the_audit_trail_reads_as_the_interface_speaks_and_filters_by_who_and_what(web_app, kb):
    from kb import curation
    from kb.models import Status

    from .fixtures.builders import sign_in

    practice = kb.store.list()[0]
    curation.edit(kb, practice.id, {"themes": ["housing", "green"]}, actor="ola")
    curation.set_status(kb, practice.id, Status.REJECTED, actor="piotr")
    client = sign_in(web_app, "ewa")
    page = client.get("/audit", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Mieszkalnictwo, Ogrody miejskie" in page and "['housing'" not in page  # theme labels, not codes
    assert "Odrzucona" in page or "odrzucona" in page
    only = client.get("/audit?actor=piotr", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert only.count('class="result"') == 1 and "piotr" in only
    kinds = client.get("/audit?action=edit").get_data(as_text=True)
    assert kinds.count('class="result"') == 1 and "ola" in kinds


def test_an_advisor_adds_the_checked_practices_to_a_collection_with_a_note(web_app, kb):
    from kb import curation

    from .fixtures.builders import csrf_token, sign_in

    client = sign_in(web_app, "ola")
    cid = curation.save_collection(kb, "ola", "Mieszkania na start")
    listing = client.get("/practices").get_data(as_text=True)
    assert "Add the chosen to a collection" in listing
    chosen = [p.id for p in kb.store.list()[:2]]
    page = client.get("/collections/add", query_string={"ids": chosen, "next": "/practices"}).get_data(as_text=True)
    assert all(f'value="{pid}"' in page for pid in chosen) and "Add 2 practices" in page
    done = client.post("/collections/add", data={"ids": chosen, "collection": cid, "note": "Na warsztaty 12.03",
                                                 "csrf_token": csrf_token(page)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/collections/{cid}")
    assert curation.collection_items(kb, cid)[0][2] == "Na warsztaty 12.03"
    assert [pid for pid, _, _ in curation.collection_items(kb, cid)] == chosen
    again = client.post("/collections/add", data={"ids": chosen, "collection": cid, "csrf_token": csrf_token(page)},
                        follow_redirects=True)
    assert "0 practices added" in again.get_data(as_text=True)  # both are there already: nothing counted twice
    assert [e.action for e in curation.audit(kb, target=f"collection:{cid}")[0]].count("collection_items") == 1
    assert "Add the chosen to a collection" not in web_app.test_client().get("/practices").get_data(as_text=True)
    # The audit trail names the collection and the practices added, with their note, not their ids.
    audit = client.get("/audit", query_string={"target": f"collection:{cid}"},
                       headers={"Accept-Language": "pl"}).get_data(as_text=True)
    titles = [p.title for p in kb.store.practices(chosen)]
    assert f'href="/collections/{cid}">Mieszkania na start</a>' in audit and f"collection:{cid}</" not in audit
    assert f"{titles[0]} — Na warsztaty 12.03" in audit.replace("&#34;", '"') and chosen[0] not in audit
    assert "Opis praktyki" not in audit  # a collection's fields are not a practice's


def test_a_snippet_starts_with_the_practice_not_with_the_sheets_label(web_app, kb):
    from kb.models import SearchHit
    from web.present import snippet

    practice = kb.store.list()[0]
    hit = SearchHit(practice, 0.5, f"{practice.title}. Опис практики: Місто передало порожні приміщення громадам.")
    assert snippet(hit) == "Місто передало порожні приміщення громадам."
    plain = SearchHit(practice, 0.5, f"{practice.title}. Uwaga: program trwa do 2027 r.")  # not a sheet label
    assert snippet(plain) == "Uwaga: program trwa do 2027 r."


def test_the_reasons_a_file_was_refused_speak_the_users_language(web_app, kb, tmp_path):
    from ingest.pipeline import ingest_paths
    from web.reasons import reason

    from . import hostile

    (tmp_path / "pusty.txt").write_bytes(b"")
    (tmp_path / "szum.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "nie-pdf.pdf").write_bytes(b"Hello, this is not a PDF at all.")
    (tmp_path / "notatki.xyz").write_text("unsupported")
    hostile.reference_cycle_pdf(tmp_path / "petla.pdf")
    errors = [f.error for f in ingest_paths(kb, sorted(tmp_path.iterdir()), workers=1).failed]
    assert len(errors) == 5
    with web_app.test_request_context(headers={"Accept-Language": "pl"}):
        shown = [reason(e) for e in errors]
    assert all(polish != english for polish, english in zip(shown, errors)), shown  # each one translated
    assert {"plik jest pusty (0 bajtów)", "to nie jest plik PDF; sprawdź typ pliku"} <= set(shown)
    assert any("w pętli" in text for text in shown) and any(".xyz" in text for text in shown)
    assert reason("some new reason") == "some new reason"  # an unknown one is shown as ingest said it


def _visible_interface_text(html: str, ui: str) -> str:
    """A page's text without its scripts, its choices' labels and content in other languages (practices)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for element in soup(["script", "style", "option"]):
        element.decompose()
    for element in soup.find_all(attrs={"lang": True}):
        if element.decomposed:  # inside one removed already
            continue
        if element.name != "html" and element.get("lang") != ui:
            element.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.mark.parametrize("ui", ["pl", "uk"])
def test_no_english_interface_text_on_polish_and_ukrainian_pages(web_app, kb, ui):
    from babel.messages.pofile import read_po

    from .fixtures.builders import sign_in

    catalogue = read_po(open(f"web/translations/{ui}/LC_MESSAGES/messages.po", "rb"))
    english = [m.id for m in catalogue if isinstance(m.id, str) and len(m.id.split()) >= 2 and "%(" not in m.id
               and m.string != m.id]  # "ISO 639-1: pl, uk, en…" reads the same in every language
    client = sign_in(web_app, "ola", "admin")
    ids = [p.id for p in kb.store.list()]
    checklist = client.post("/api/checklists", json={"practice_id": ids[0], "city": "Lviv", "country": "UA"})
    pages = ["/", "/?q=remont", "/practices", f"/practices/{ids[0]}", f"/compare?ids={ids[0]}&ids={ids[1]}",
             f"/practices/{ids[0]}/edit", "/review", "/audit", "/upload", "/collections", "/users", "/account",
             f"/practices/{ids[0]}/versions", f"/practices/{ids[0]}/checklists/new",
             f"/checklists/{checklist.get_json()['id']}", "/map", "/map?view=14,49,24.2,54.9"]
    for path in pages:
        page = client.get(path, headers={"Accept-Language": ui})
        assert page.status_code == 200, path
        text = _visible_interface_text(page.get_data(as_text=True), ui)
        assert not [m for m in english if m in text], path


def test_a_long_list_of_cities_offers_the_largest_and_says_how_many_more(client, monkeypatch):
    import web.filters

    monkeypatch.setattr(web.filters, "LISTED_OPTIONS", 1)  # at 100,000 practices: 100 of thousands
    page = client.get("/practices", headers={"Accept-Language": "en"}).get_data(as_text=True)
    block = page.split('<select id="city"', 1)[1].split("</select>", 1)[0]
    assert block.count("<option value=") == 3  # all cities, the one with the most practices, "… and 1 more"
    assert "Las Palmas de Gran Canaria (1)" in block  # of equal counts, the first by name
    assert "… and 2 more: choose another filter first" in block
    chosen = client.get("/practices?city=Żyrardów", headers={"Accept-Language": "en"}).get_data(as_text=True)
    block = chosen.split('<select id="city"', 1)[1].split("</select>", 1)[0]
    assert '<option value="Żyrardów" selected>' in block  # the chosen city stays listed


def test_compare_says_when_it_leaves_chosen_practices_out(client, kb):
    ids = [p.id for p in kb.store.list()]
    page = client.get("/compare", query_string={"ids": [*ids, "a-fourth-one"]},
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 more practice was chosen: at most 3 can be compared side by side" in page
    assert "more practice" not in client.get("/compare", query_string={"ids": ids[:2]}).get_data(as_text=True)


def test_a_results_page_says_how_many_matches_its_filters_hide(client):
    import re

    def listed(page: str) -> int:
        return int(re.search(r'class="results-title">(\d+) practices? for', page).group(1))

    everything = client.get("/?q=remont", headers={"Accept-Language": "en"}).get_data(as_text=True)
    polish = client.get("/?q=remont&country=PL", headers={"Accept-Language": "en"}).get_data(as_text=True)
    hidden = listed(everything) - listed(polish)
    assert hidden >= 1 and f"The filters hide {hidden} more match" in polish
    assert 'href="/?q=remont">Search without filters</a>' in polish and "The filters hide" not in everything


def test_the_city_filter_names_cities_as_the_interface_language_does(client):
    page = client.get("/practices", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    block = page.split('<select id="city"', 1)[1].split("</select>", 1)[0]
    assert '<option value="Żyrardów" >Жирардув (1)</option>' in block  # the value stays the stored name
    assert block.index("Валбжих") < block.index("Жирардув") < block.index("Лас")  # in the reader's alphabet
