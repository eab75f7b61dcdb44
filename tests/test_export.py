"""Exports of sheets and catalogues: real DOCX and PDF files, read back by python-docx, pdfplumber and ingest."""
import csv
import io
import json
import zipfile

import docx
import pdfplumber
import pytest
from click.testing import CliRunner

from ingest.pipeline import ingest_paths, read_practices
from kb.cli import cli
from kb.config import Settings
from kb.export import export, filename
from kb.export.tabular import CSV_COLUMNS
from kb.models import SHEET_FIELDS
from web.app import create_app

from .conftest import CORPUS
from .fixtures.builders import approve_all

# Real corpus documents: a Polish DOCX sheet with a bulleted list, a Ukrainian DOCX sheet, an English PDF.
SOURCES = ("zyrardow-mieszkanie-za-remont.docx", "zhytomyr-fond-tymchasovoho-zhytla-vpo.docx",
           "las-palmas-huecos-urbanos.pdf")


def practice_of(name: str):
    [practice], _ = read_practices(CORPUS / name, Settings(), "checksum")
    return practice


@pytest.fixture(scope="module")
def practices():
    return [practice_of(name) for name in SOURCES]


def read_back(tmp_path, data: bytes, suffix: str):
    path = tmp_path / f"exported.{suffix}"
    path.write_bytes(data)
    return read_practices(path, Settings(), "checksum")[0]


def same_record(original, again) -> None:
    assert again.title == original.title
    assert (again.language, again.city, again.country) == (original.language, original.city, original.country)
    assert again.themes == original.themes
    assert again.fields == original.fields


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("lang", ["pl", "uk", "en"])
def test_sheet_read_back_is_the_same_practice(tmp_path, practices, fmt, lang):
    """Round trip: labels in any language, content in the practice's; ingest gives back every field."""
    for original in practices:
        [again] = read_back(tmp_path, export([original], fmt, lang), fmt)
        same_record(original, again)
        assert set(original.fields) >= {"description", "resources", "evidence"}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_catalogue_read_back_gives_each_practice(tmp_path, practices, fmt):
    data = export(practices, fmt, "uk", query="житло")
    again = read_back(tmp_path, data, fmt)
    assert [p.title for p in again] == [p.title for p in practices]
    for original, copy in zip(practices, again):
        same_record(original, copy)


def test_docx_sheet_has_an_outline_and_the_chosen_labels(practices):
    zyrardow = practices[0]
    document = docx.Document(io.BytesIO(export([zyrardow], "docx", "uk")))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == ("Title", zyrardow.title)
    assert ("Heading 1", "Опис практики") in headings and ("Heading 1", "Докази успіху") in headings
    assert all(style == "Heading 1" for style, _ in headings[1:])
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)  # A4, as the PDFs
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Розташування"] == "Żyrardów, Польща" and facts["Мова"] == "Польська"
    assert document.core_properties.title == zyrardow.title
    assert document.core_properties.language == "pl-PL"
    xml = zipfile.ZipFile(io.BytesIO(export([zyrardow], "docx", "uk"))).read("word/document.xml").decode()
    assert 'w:val="pl-PL"' in xml  # content runs carry the practice's language for spell-checking
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(not b.startswith("- ") for b in bullets)


def test_docx_catalogue_has_a_cover_a_table_of_contents_and_a_page_per_practice(practices):
    document = docx.Document(io.BytesIO(export(practices, "docx", "pl", query="mieszkania")))
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == "Katalog dobrych praktyk"
    texts = [p.text for p in document.paragraphs]
    assert "Wyszukiwanie: „mieszkania”" in texts and "Liczba praktyk: 3" in texts
    assert 'TOC \\o "1-1"' in document.element.xml
    titles = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in titles] == [p.title for p in practices]
    assert all(p.paragraph_format.page_break_before for p in titles)


def test_pdf_embeds_its_fonts_and_its_text_can_be_extracted(practices):
    data = export(practices, "pdf", "pl")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        fonts = {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}
        assert pdf.metadata["Title"] == "Katalog dobrych praktyk"
    assert "Żyrardów" in text and "Житомир" in text and "Las Palmas de Gran Canaria" in text
    assert "Dowody sukcesu" in text and "Spis treści" in text and "(cid:" not in text
    assert fonts <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}, fonts
    assert data.count(b"/FontFile2") >= 2  # TrueType programs are inside the file
    assert b"/Lang (pl)" in data and b"/Outlines" in data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        outline = [(level, title) for level, title, *_ in pdf.doc.get_outlines()]
    assert [title for level, title in outline if level == 1] == [p.title for p in practices]  # bookmarks
    assert (2, "Dowody sukcesu") in outline


def test_csv_and_json_hold_every_field(practices):
    rows = list(csv.DictReader(io.StringIO(export(practices, "csv").decode("utf-8-sig"))))
    assert len(rows) == 3 and tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["title"] == practices[0].title and rows[0]["city"] == "Żyrardów"
    assert rows[1]["evidence"] == practices[1].fields["evidence"]
    assert export(practices, "csv").startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    document = json.loads(export(practices, "json", title="Mieszkania"))
    assert document["count"] == 3 and document["title"] == "Mieszkania"
    assert [p["id"] for p in document["practices"]] == [p.id for p in practices]
    assert all(set(SHEET_FIELDS) >= set(p["fields"]) for p in document["practices"])


def test_bad_requests_have_clear_errors(practices):
    with pytest.raises(ValueError, match="unknown export format"):
        export(practices, "odt")
    with pytest.raises(ValueError, match="choose one of pl, uk, en"):
        export(practices, "pdf", "de")
    with pytest.raises(ValueError, match="nothing to export"):
        export([], "pdf")
    assert filename(practices[:1], "pdf") == "mieszkanie-za-remont-najem-lokali-komunalnych-w-zamian-za.pdf"
    assert filename(practices, "docx", "ogrody miejskie", catalogue=True) == "catalogue-ogrody-miejskie.docx"


@pytest.fixture
def stored(kb, corpus_copy):
    ingest_paths(kb, [corpus_copy], workers=1)
    approve_all(kb)
    return kb


def test_cli_export_sheet_catalogue_and_errors(stored, tmp_path):
    runner = CliRunner()
    base = ["--data-dir", str(stored.settings.data_dir), "--model", "hashing"]
    practice = next(p for p in stored.store.list() if p.title.startswith("Mieszkanie"))
    out = runner.invoke(cli, [*base, "export", practice.id, "--lang", "pl", "-o", str(tmp_path / "sheet.pdf")])
    assert out.exit_code == 0, out.output
    [again] = read_practices(tmp_path / "sheet.pdf", Settings(), "x")[0]
    assert again.title == practice.title and again.fields == practice.fields
    out = runner.invoke(cli, [*base, "export", "--all", "-o", str(tmp_path / "all.docx")])
    assert out.exit_code == 0 and "a catalogue of 3 practices" in out.output
    assert len(read_practices(tmp_path / "all.docx", Settings(), "x")[0]) == 3
    out = runner.invoke(cli, [*base, "export", "--query", "remont", "-k", "2", "-f", "json", "-o", "-"])
    assert out.exit_code == 0 and json.loads(out.stdout_bytes)["count"] == 2
    missing = runner.invoke(cli, [*base, "export", "nope"])
    assert missing.exit_code == 1 and "No practice with id nope" in missing.output
    assert runner.invoke(cli, [*base, "export"]).exit_code == 2


def test_web_downloads_a_sheet_and_the_results_as_a_catalogue(stored):
    client = create_app(stored.settings, kb=stored).test_client()
    practice = next(p for p in stored.store.list() if p.title.startswith("Mieszkanie"))
    page = client.get(f"/practices/{practice.id}", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert f"/practices/{practice.id}/export" in page and 'value="pdf"' in page
    sheet = client.get(f"/practices/{practice.id}/export?format=docx&labels=pl")
    assert sheet.status_code == 200 and sheet.mimetype.endswith("wordprocessingml.document")
    assert 'attachment; filename=mieszkanie-za-remont' in sheet.headers["Content-Disposition"]
    labels = [p.text for p in docx.Document(io.BytesIO(sheet.data)).paragraphs if p.style.name == "Heading 1"]
    assert "Potrzebne zasoby" in labels
    # Without a labels choice the sheet speaks the interface language.
    default = client.get(f"/practices/{practice.id}/export?format=pdf", headers={"Accept-Language": "uk"})
    with pdfplumber.open(io.BytesIO(default.data)) as pdf:
        assert "Необхідні ресурси" in pdf.pages[0].extract_text()
    results = client.get("/?q=remont").get_data(as_text=True)
    listed = results.count('class="result"')
    catalogue = client.get("/export?format=csv&q=remont")
    assert catalogue.status_code == 200 and "catalogue-remont.csv" in catalogue.headers["Content-Disposition"]
    assert catalogue.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert len(list(csv.DictReader(io.StringIO(catalogue.data.decode("utf-8-sig"))))) == listed
    assert client.get("/export?format=exe&q=remont").status_code == 400
    assert client.get("/export?format=pdf").status_code == 404
    assert client.get("/practices/nope/export?format=pdf").status_code == 404


def test_csv_cells_never_read_as_formulas_and_sheets_in_other_languages(practices):
    from dataclasses import replace

    evil = replace(practices[0], title="=HYPERLINK(\"http://x\")", fields={"evidence": "- 112 flats\n- 40% fewer"})
    row = next(csv.DictReader(io.StringIO(export([evil], "csv").decode("utf-8-sig"))))
    assert row["title"].startswith("'=") and row["evidence"].startswith("'- 112")
    german = replace(practices[2], language="de", title="Gemeinschaftsgärten\x0c in Leipzig")
    for fmt in ("pdf", "docx"):
        data = export([german], fmt, "pl")  # labels in Polish, content in German; a stray form feed
        assert data[:4] in (b"%PDF", b"PK\x03\x04")


def test_the_sheet_states_each_review_status(practices):
    from dataclasses import replace

    from kb.models import Status

    for status, words in ((Status.APPROVED, "Zatwierdzona przez doradcę"), (Status.DRAFT, "Robocza"),
                          (Status.REJECTED, "Odrzucona przez doradcę")):
        document = docx.Document(io.BytesIO(export([replace(practices[0], status=status)], "docx", "pl")))
        cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert words in cells, status


def _tips(practice, n: int) -> list:
    """Short tips (a paragraph each), as a workshop's catalogue holds them."""
    from dataclasses import replace

    text = "Krótki opis porady: co zrobiono, kto pomógł i ile to kosztowało. " * 2
    return [replace(practice, id=f"tip-{i}", title=f"Porada {i}: spacer badawczy", summary="", body=text,
                    fields={"description": text}) for i in range(1, n + 1)]


def test_a_collections_catalogue_carries_its_description_and_notes_and_short_tips_share_a_page(practices):
    tips = _tips(practices[0], 4)
    notes = {tips[0].id: "Sprawdzone w Radomiu w 2024 r.", practices[0].id: "Dobry przykład dla małych miast."}
    description = "Minikatalog porad o partycypacji.\n- dla małych miast\n- na start"
    items = [practices[0], *tips]
    options = {"title": "Partycypacja", "catalogue": True, "description": description, "notes": notes}
    document = docx.Document(io.BytesIO(export(items, "docx", "pl", **options)))
    texts = [p.text for p in document.paragraphs]
    assert "Minikatalog porad o partycypacji." in texts and "dla małych miast" in texts
    assert "Notatka doradcy: Sprawdzone w Radomiu w 2024 r." in texts
    assert "Notatka doradcy: Dobry przykład dla małych miast." in texts
    breaks = [p.paragraph_format.page_break_before for p in document.paragraphs if p.style.name == "Heading 1"]
    assert breaks == [True, False, False, False, False]  # the long sheet starts a page; the tips follow on
    with pdfplumber.open(io.BytesIO(export(tips, "pdf", "pl", **options))) as pdf:
        assert len(pdf.pages) - 2 <= len(tips) // 2  # after the cover and the contents, two tips or more a page
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Minikatalog porad o partycypacji." in text and "Notatka doradcy: Sprawdzone w Radomiu" in text
    rows = list(csv.DictReader(io.StringIO(export(items, "csv", "pl", notes=notes).decode("utf-8-sig"))))
    assert [r["note"] for r in rows[:2]] == ["Dobry przykład dla małych miast.", "Sprawdzone w Radomiu w 2024 r."]
    data = json.loads(export(items, "json", "pl", **options))
    assert data["description"] == description and data["practices"][1]["note"] == notes[tips[0].id]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_comparison_exports_as_a_side_by_side_table(practices, fmt):
    from docx.enum.section import WD_ORIENT

    data = export(practices, fmt, "en", compare=True)
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        [table] = document.tables
        assert [c.text for c in table.rows[0].cells] == ["Field", *[p.title for p in practices]]
        labels = [row.cells[0].text for row in table.rows]
        assert {"Location", "About the practice", "Resources needed", "Evidence of success"} <= set(labels)
        assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE  # three practices
        two = docx.Document(io.BytesIO(export(practices[:2], fmt, "en", compare=True)))
        assert two.sections[0].orientation == WD_ORIENT.PORTRAIT and len(two.tables[0].columns) == 3
        return
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert all(page.width > page.height for page in pdf.pages)  # landscape for three
        rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
    assert rows[0][0] == "Field" and len(rows[0]) == 4 and all(len(row) == 4 for row in rows)
    assert {"Location", "About the practice", "Resources needed"} <= {" ".join(row[0].split()) for row in rows if row[0]}


def test_the_web_exports_a_collection_with_its_notes_and_a_comparison_as_a_table(stored):
    from kb import curation

    client = create_app(stored.settings, kb=stored).test_client()
    practices = stored.store.list()
    cid = curation.save_collection(stored, "test", "Mieszkania\x0b", "Trzy sposoby na puste mieszkania.\x0c",
                                   public=True)  # control characters pasted in: Word cannot hold them
    curation.set_items(stored, cid, [(practices[0].id, "Zacznij od tego."), (practices[1].id, "")], "test")
    exported = client.get(f"/collections/{cid}/export?format=docx&labels=pl")
    texts = [p.text for p in docx.Document(io.BytesIO(exported.data)).paragraphs]
    assert "Trzy sposoby na puste mieszkania." in texts and "Notatka doradcy: Zacznij od tego." in texts
    ids = "&".join(f"ids={p.id}" for p in practices[:2])
    page = client.get(f"/compare?{ids}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<th scope="row">About this practice</th>' in page
    table = client.get(f"/compare?{ids}&format=docx&labels=en")
    assert "comparison-2-practices.docx" in table.headers["Content-Disposition"]
    assert len(docx.Document(io.BytesIO(table.data)).tables[0].columns) == 3
