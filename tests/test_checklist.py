"""Transfer checklists: the domain rules, the store, the CLI, the web pages with CSRF, the JSON API, exports."""
import io
import re

import docx
import pdfplumber
import pytest
from click.testing import CliRunner

from ingest.pipeline import ingest_paths
from kb.checklist import ITEMS, new_checklist, prefill, update_item
from kb.cli import cli
from kb.export.checklist import export_checklist
from kb.models import Practice, SourceRef
from web.app import create_app

from .fixtures.builders import approve_all, docx_file

ZYRARDOW = Practice(
    id="p1", title="Mieszkanie za remont", language="pl", city="Żyrardów", country="PL",
    source=SourceRef("zyrardow.docx", "c"),
    body="Rada Miasta przyjęła uchwałę zmieniającą zasady najmu lokali komunalnych. Program finansuje budżet "
         "gminy, ok. 40 tys. zł rocznie na nadzór. Najemcy remontują lokale na własny koszt.",
    fields={"evidence": "112 lokali wyremontowanych do końca 2023 r.\n- spadek pustostanów o 40%",
            "resources": "Jeden etat w ZGM do kosztorysowania.", "difficulties": "Najemcy nie doszacowali kosztów."},
)


def test_contexts_are_compared_and_red_flags_need_a_core_component():
    from kb.checklist import flag_text

    abroad = new_checklist(ZYRARDOW, "Zhytomyr", "UA", lang="uk", department="Відділ житлової політики")
    assert {k for k, s in abroad.items.items() if s.flag} == {"legal", "financing", "language", "physical"}
    assert abroad.items["legal"].flag == "PL → UA" and abroad.items["language"].flag == "pl → uk"
    assert not any(s.status for s in abroad.items.values()) and abroad.progress()[0] == 0  # the user decides
    assert abroad.items["owner"].owner == "Відділ житлової політики"  # the department typed at the start
    assert "Польща" in flag_text("legal", "PL → UA", "uk") and "Україна" in flag_text("legal", "PL → UA", "uk")
    assert "польська" in flag_text("language", "pl → uk", "uk").lower()
    assert "Check that its scale" in flag_text("physical", "40 000 → 1 700 000", "en")
    update_item(abroad, "legal", status="different")
    assert abroad.red_flags() == []  # different, but no core component depends on it yet
    update_item(abroad, "legal", core=True)
    assert abroad.red_flags() == ["legal"]
    home = new_checklist(ZYRARDOW, "Skierniewice", "PL", population=47_000)
    assert not any(s.flag for s in home.items.values())  # same country, similar size
    assert new_checklist(ZYRARDOW, "Warszawa", "PL").items["physical"].flag  # 40k vs 1.7M


def test_items_validate_and_progress_counts_settled_items():
    checklist = new_checklist(ZYRARDOW, "Lutsk", "UA")
    start = checklist.progress()[0]
    assert start == 0  # flags suggest, they settle nothing
    update_item(checklist, "evidence", status="done", owner="Anna", due="2027-01-31", note="Ask for the data")
    update_item(checklist, "population", status="similar")
    assert checklist.progress() == (start + 2, len(ITEMS))
    with pytest.raises(ValueError, match="status of evidence"):
        update_item(checklist, "evidence", status="similar")  # a task is not compared
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        update_item(checklist, "evidence", due="next week")
    with pytest.raises(ValueError, match="no checklist item"):
        update_item(checklist, "nope", status="done")
    with pytest.raises(ValueError, match="target city"):
        new_checklist(ZYRARDOW, "  ")


def test_prefill_quotes_the_practice_in_its_own_language():
    found = {(p.item, p.text) for p in prefill(ZYRARDOW)}
    assert ("legal", "Rada Miasta przyjęła uchwałę zmieniającą zasady najmu lokali komunalnych.") in found
    assert ("financing", "Program finansuje budżet gminy, ok. 40 tys. zł rocznie na nadzór.") in found
    assert ("evidence", "spadek pustostanów o 40%") in found
    assert ("risks", "Najemcy nie doszacowali kosztów.") in found
    assert not any(item == "legal" and "remontują" in text for item, text in found)


def test_export_holds_the_items_the_flags_and_the_plan():
    checklist = new_checklist(ZYRARDOW, "Zhytomyr", "UA", lang="uk")
    update_item(checklist, "legal", status="different", core=True, note="Потрібне рішення міської ради")
    from kb.checklist import Action

    checklist.actions = [Action("Пілот: 10 квартир", "2027", "ЖКП", "200 тис. грн", "міський бюджет")]
    hints = prefill(ZYRARDOW)
    document = docx.Document(io.BytesIO(export_checklist(checklist, ZYRARDOW, hints, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Червоні прапорці" in text and "Потрібне рішення міської ради" in text
    assert "Rada Miasta przyjęła uchwałę" in text  # the practice's sentence, in Polish
    assert document.tables[-1].rows[1].cells[0].text == "Пілот: 10 квартир"
    with pdfplumber.open(io.BytesIO(export_checklist(checklist, ZYRARDOW, hints, "pdf"))) as pdf:
        pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Попередній план перенесення" in pdf_text and "Пілот: 10 квартир" in pdf_text and "Żyrardów" in pdf_text


@pytest.fixture
def stored(kb, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    docx_file(docs / "zyrardow.docx", "Mieszkanie za remont", sections=[
        ("Opis praktyki", "Program realizowany w Żyrardowie od 2015 roku. " + ZYRARDOW.body), ("Dowody sukcesu", "112 lokali wyremontowanych do końca 2023 r."),
        ("Potrzebne zasoby", "Jeden etat w ZGM do kosztorysowania i odbiorów, nadzór inspektora.")])
    ingest_paths(kb, [docs], workers=1)
    approve_all(kb)
    return kb, docs


def test_cli_new_set_show_export(stored, tmp_path):
    kb, _ = stored
    practice = kb.store.list()[0]
    base = ["--data-dir", str(kb.settings.data_dir), "--model", "hashing"]
    runner = CliRunner()
    out = runner.invoke(cli, [*base, "checklist", "new", practice.id, "--city", "Zhytomyr", "--country", "UA"])
    assert out.exit_code == 0 and "flagged: legal (PL → UA)" in out.output
    checklist_id = out.output.split()[0]
    out = runner.invoke(cli, [*base, "checklist", "set", checklist_id, "legal", "--status", "different", "--core",
                              "--note", "rada"])
    assert out.exit_code == 0 and "red flags: legal" in out.output
    assert runner.invoke(cli, [*base, "checklist", "set", checklist_id, "legal", "--status", "done"]).exit_code == 2
    shown = runner.invoke(cli, [*base, "checklist", "show", checklist_id])
    assert "different" in shown.output and "rada" in shown.output
    out = runner.invoke(cli, [*base, "checklist", "export", checklist_id, "-f", "docx", "-o", str(tmp_path / "c.docx")])
    assert out.exit_code == 0 and (tmp_path / "c.docx").stat().st_size > 0
    assert checklist_id in runner.invoke(cli, [*base, "checklist", "list"]).output


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_web_start_fill_share_and_csrf(stored):
    kb, _ = stored
    practice = kb.store.list()[0]
    client = create_app(kb.settings, kb=kb).test_client()
    form = client.get(f"/practices/{practice.id}/checklists/new").get_data(as_text=True)
    assert client.post(f"/practices/{practice.id}/checklists", data={"city": "Lutsk"}).status_code == 400  # no token
    created = client.post(f"/practices/{practice.id}/checklists",
                          data={"csrf_token": _token(form), "city": "Lutsk", "country": "UA", "template_lang": "pl"})
    assert created.status_code == 303
    edit_url = created.headers["Location"]
    page = client.get(edit_url).get_data(as_text=True)
    assert "Podstawa prawna w kraju docelowym" in page and "Rada Miasta przyjęła uchwałę" in page
    token = _token(page)
    fields = {"csrf_token": token, "action_rows": "1", "note-need": "Brak mieszkań dla rodzin", "core-legal": "on",
              "status-legal": "different", "action-0": "Pilotaż na 10 lokalach", "timeframe-0": "2027"}
    saved = client.post(edit_url, data=fields, headers={"X-Autosave": "1"})
    assert saved.status_code == 200 and saved.get_json()["red_flags"] == ["legal"]
    assert client.post(edit_url, data={**fields, "csrf_token": "forged"}).status_code == 400
    # A page loaded before that save (a reload that raced it, another tab) cannot save its older form over it.
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    assert saved.get_json()["revision"] == int(revision) + 1
    stale = client.post(edit_url, data={**fields, "revision": revision, "note-need": ""},
                        headers={"X-Autosave": "1", "Accept-Language": "pl"})
    assert stale.status_code == 409 and stale.get_json()["conflict"] and "Przeładuj" in stale.get_json()["error"]
    again = client.post(edit_url, data={**fields, "revision": str(int(revision) + 1)}, headers={"X-Autosave": "1"})
    assert again.status_code == 200 and again.get_json()["revision"] == int(revision) + 2
    checklist = kb.store.checklist(edit_url.rsplit("/", 1)[1])
    assert checklist.items["need"].note == "Brak mieszkań dla rodzin" and checklist.actions[0].timeframe == "2027"
    assert "Lutsk" in client.get("/checklists").get_data(as_text=True)  # my checklists
    shared = client.get(f"/shared/{checklist.share_token}").get_data(as_text=True)
    assert "disabled" in shared and "Brak mieszkań dla rodzin" in shared and checklist.id not in shared
    pdf = client.get(f"/shared/{checklist.share_token}/export?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # A re-ingest that removes the practice keeps the checklist (no cascade); its page says the practice is gone.
    orphan = new_checklist(Practice(id="gone", title="x", body="x", language="pl", source=SourceRef("x", "x")), "Lviv")
    kb.store.save_checklist(orphan)
    page = client.get(f"/checklists/{orphan.id}")
    assert page.status_code == 200 and "no longer in the knowledge base" in page.get_data(as_text=True)
    assert client.get(f"/checklists/{orphan.id}/export?format=docx").status_code == 200


def test_json_api_creates_updates_and_refuses_forms(stored):
    kb, _ = stored
    practice = kb.store.list()[0]
    client = create_app(kb.settings, kb=kb).test_client()
    made = client.post("/api/checklists", json={"practice_id": practice.id, "city": "Lviv", "country": "UA"})
    assert made.status_code == 201 and made.get_json()["items"]["legal"] == {**made.get_json()["items"]["legal"],
                                                                              "status": "", "flag": "PL → UA"}
    checklist_id = made.get_json()["id"]
    patched = client.patch(f"/api/checklists/{checklist_id}",
                           json={"items": {"legal": {"core": True, "status": "different"}},
                                 "actions": [{"action": "Pilot", "costs": "10k"}]})
    assert patched.get_json()["red_flags"] == ["legal"] and patched.get_json()["actions"][0]["costs"] == "10k"
    assert client.patch(f"/api/checklists/{checklist_id}", json={"items": {"legal": {"status": "done"}}}).status_code == 400
    assert client.post("/api/checklists", data={"practice_id": practice.id, "city": "X"}).status_code == 415
    got = client.get(f"/api/checklists/{checklist_id}").get_json()
    from jsonschema import Draft202012Validator

    spec = client.get("/api/openapi.json").get_json()
    Draft202012Validator({"$ref": "#/components/schemas/Checklist", "components": spec["components"]}).validate(got)
    assert got["progress"]["items"] == len(ITEMS) and any(p["item"] == "evidence" for p in got["prefill"])
