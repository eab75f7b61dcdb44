"""Ingest of real DOCX, PDF and text files made here, and of the shipped corpus."""
import json

import pytest

from ingest.blocks import ExtractionError
from ingest.labels import strip_numbering
from ingest.pipeline import ingest_paths, read_practices
from kb.config import Settings

from .conftest import CORPUS
from .fixtures.builders import docx_file, pdf_file, unmapped_font_pdf, zip_bomb

PL_BODY = ("Gmina przekazuje zdewastowane mieszkania komunalne rodzinom, które wyremontują je na własny koszt. "
           "W zamian najemcy otrzymują umowę najmu na czas nieoznaczony i obniżony czynsz przez pierwsze lata. "
           "Program realizowany w Żyrardowie od 2015 roku objął ponad sto lokali.")
UK_BODY = ("Місто облаштувало спільнотний город на пустирі між багатоповерхівками. Мешканці доглядають грядки, "
           "волонтери проводять майстер-класи для дітей, а вода для поливу збирається з дахів. Проєкт у Житомирі "
           "фінансується з бюджету участі та підтримується громадськими організаціями.")


def read(path, **settings):
    return read_practices(path, Settings().with_values(**settings), "checksum")[0]


def test_docx_sheet_fields_language_and_place(tmp_path):
    path = docx_file(tmp_path / "sheet.docx", "Mieszkanie za remont", sections=[
        ("Opis praktyki", PL_BODY),
        ("Potrzebne zasoby", "Dwóch pracowników ZGM i 150 tys. zł rocznie na nadzór."),
        ("Dowody sukcesu", "112 wyremontowanych lokali, spadek liczby pustostanów o 40%."),
        ("Kontakt", "Urząd Miasta Żyrardowa, wydział lokalowy."),
    ])
    [p] = read(path)
    assert p.title == "Mieszkanie za remont" and p.language == "pl"
    assert (p.city, p.country) == ("Żyrardów", "PL")
    assert "housing" in p.themes
    assert p.fields["resources"].startswith("Dwóch pracowników")
    assert "112" in p.fields["evidence"] and "wydział lokalowy" in p.fields["contact"]
    assert p.fields["description"].startswith("Gmina przekazuje")
    assert "Running header" not in p.body  # page headers are not content
    assert p.summary and len(p.summary) <= 420


def test_docx_field_value_table_in_ukrainian(tmp_path):
    path = docx_file(tmp_path / "table.docx", "Спільнотний город", paragraphs=[UK_BODY],
                     table=[("Необхідні ресурси", "120 тисяч гривень"), ("Терміни", "2022–2024"),
                            ("Контакти", "Управління екології")])
    [p] = read(path)
    assert p.language == "uk" and p.city == "Zhytomyr" and p.country == "UA"
    assert p.fields["resources"] == "120 тисяч гривень" and p.fields["timescale"] == "2022–2024"
    assert "green" in p.themes


def test_docx_mini_catalogue_becomes_several_practices(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Podsumowanie warsztatów o partycypacji", level=0)
    document.add_paragraph("W warsztatach wzięło udział dwanaście miast. " * 3)
    document.add_heading("Minikatalog porad", level=1)
    tips = ["Spotkania w terenie", "Mikrogranty dla mieszkańców", "Informacja zwrotna po konsultacjach"]
    for n, tip in enumerate(tips, 1):
        document.add_heading(f"{n}. {tip}", level=2)
        document.add_paragraph(f"{tip}: " + "mieszkańcy chętniej biorą udział w konsultacjach, gdy urząd "
                               "przychodzi do nich i pokazuje, co zmieniło się dzięki ich uwagom. " * 3)
    document.add_heading("Następne kroki", level=1)
    document.add_paragraph("Kolejne spotkanie odbędzie się jesienią, a materiały zostaną rozesłane uczestnikom. " * 3)
    document.save(tmp_path / "warsztaty.docx")
    practices = read(tmp_path / "warsztaty.docx")
    assert [p.title for p in practices] == tips
    assert [p.source.ordinal for p in practices] == [1, 2, 3]
    assert practices[1].source.locator.endswith("Minikatalog porad › Mikrogranty dla mieszkańców")
    assert all("Kolejne spotkanie" not in p.body for p in practices)  # "next steps" is framing


def test_pdf_text_headers_page_numbers_and_hyphenation(tmp_path):
    long = " ".join([UK_BODY] * 8)
    path = pdf_file(tmp_path / "city.pdf", "Спільнотний город у Житомирі", [long, long],
                    lines=["Program obejmuje obszar rewitali-", "zacji w centrum miasta oraz dwa osiedla."])
    [p] = read(path)
    assert p.language == "uk" and p.title == "Спільнотний город у Житомирі"
    assert p.source.locator == "pp. 1–2"
    assert "Sample bulletin" not in p.body  # the running header on every page
    assert not any(line.strip().isdigit() for line in p.body.splitlines())  # page numbers
    assert "obszar rewitalizacji w centrum" in p.body  # the hyphenated word is whole again


def test_pdf_ruled_table_of_fields(tmp_path):
    path = pdf_file(tmp_path / "sheet.pdf", "Ogrody deszczowe w Lublinie", [PL_BODY], table=[
        ("Potrzebne zasoby", "3,5 mln zł rocznie, z czego jedna trzecia to dotacje dla mieszkańców i wspólnot."),
        ("Okres realizacji", "Od 2020 roku, program ciągły."),
        ("Kontakt", "Wydział Ochrony Środowiska"),
    ])
    [p] = read(path)
    assert p.fields["resources"].startswith("3,5 mln zł rocznie")
    assert p.fields["timescale"] == "Od 2020 roku, program ciągły."
    assert p.fields["contact"] == "Wydział Ochrony Środowiska"
    assert "Potrzebne zasoby: 3,5 mln" in p.body  # a row reads as "label: value", not cell by cell


def test_shipped_corpus_two_column_newsletter():
    practices = read(CORPUS / "biuletyn-miast-partnerskich-2024-03.pdf")
    assert [p.language for p in practices] == ["pl", "uk"]
    assert practices[0].title.startswith("Lublin") and practices[1].title.startswith("Львів")
    assert [p.city for p in practices] == ["Lublin", "Lviv"]
    # Columns read in order: the Polish practice holds no Ukrainian text and vice versa.
    assert not any("\u0400" <= ch <= "\u04ff" for ch in practices[0].body)


def test_saved_web_page_drops_chrome():
    [p] = read(CORPUS / "walbrzych-lokal-na-start.txt")
    assert p.title.startswith("„Lokal na start”")
    for junk in ("Trwa ładowanie", "Akceptuję cookies", "Udostępnij", "Zaloguj", "Wszelkie prawa"):
        assert junk not in p.body
    assert p.city == "Wałbrzych" and "temporary-use" in p.themes


def test_saved_html_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Miasto</title><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Strona główna</a> <a href='/a'>Aktualności</a></nav>"
        "<article><h1>Ogrody społeczne na Zabłociu</h1><p>" + PL_BODY + "</p>"
        "<h2>Potrzebne zasoby</h2><p>Budżet 80 tys. zł rocznie i jeden koordynator w urzędzie dzielnicy.</p></article>"
        "<footer>© 2024 Urząd Miasta. Polityka prywatności</footer></body></html>", encoding="utf-8")
    [p] = read(page)
    assert p.title == "Ogrody społeczne na Zabłociu" and p.language == "pl"
    assert p.fields["resources"].startswith("Budżet 80 tys.")
    assert "var x" not in p.body and "Strona główna" not in p.body and "Polityka prywatności" not in p.body


def test_corpus_matches_its_expected_practices():
    """corpus/practices.jsonl says what a perfect extraction yields: titles, languages, cities."""
    expected = [json.loads(line) for line in (CORPUS / "practices.jsonl").read_text(encoding="utf-8").splitlines() if line]
    by_file: dict[str, list] = {}
    for item in expected:
        by_file.setdefault(item["key"].split("#")[0], []).append(item)
    languages = cities = titles = total = 0
    for name, items in by_file.items():
        found = read(CORPUS / name)
        assert len(found) == len(items), name
        for p, want in zip(found, items):
            total += 1
            languages += p.language == want["lang"]
            cities += bool(want.get("city")) and p.country == want.get("country")
            titles += strip_numbering(want["title"]) == p.title
    assert languages == total
    assert cities >= total * 0.9
    assert titles == total


@pytest.mark.parametrize("name,content,reason", [
    ("empty.pdf", b"", "empty"),
    ("fake.docx", b"this is plain text pretending to be a Word file", "not a DOCX"),
    ("broken.docx", b"PK\x03\x04garbage that is not a zip at all", "damaged"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage", "damaged"),
    ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
])
def test_bad_files_have_clear_reasons(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=reason):
        read(path)


def test_encrypted_scanned_huge_and_bomb(tmp_path):
    with pytest.raises(ExtractionError, match="encrypted"):
        read(pdf_file(tmp_path / "locked.pdf", "Tajne", [PL_BODY], password="secret"))
    with pytest.raises(ExtractionError, match="no text layer"):
        read(pdf_file(tmp_path / "scan.pdf", "", [], text=False))
    big = docx_file(tmp_path / "big.docx", "Duży plik", paragraphs=[PL_BODY] * 200)
    with pytest.raises(ExtractionError, match="over the .* MB limit"):
        read(big, max_file_mb=0.001)
    with pytest.raises(ExtractionError, match="expand"):
        read(zip_bomb(tmp_path / "bomb.docx"))


def test_pdf_without_unicode_mapping_is_refused_with_a_reason(tmp_path):
    with pytest.raises(ExtractionError, match="no Unicode mapping"):
        read(unmapped_font_pdf(tmp_path / "glyphs.pdf"))


def test_text_in_a_legacy_encoding(tmp_path):
    path = tmp_path / "strona.txt"
    path.write_bytes(("Mieszkanie za remont w Żyrardowie\n\n" + PL_BODY + " " + PL_BODY).encode("cp1250"))
    [p] = read(path)
    assert p.language == "pl" and "Żyrardowie" in p.body and p.city == "Żyrardów"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_text_in_utf16_without_a_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "сторінка.txt"
    path.write_bytes(("Житло в обмін на ремонт у Житомирі\n\n" + UK_BODY + " " + UK_BODY).encode(encoding))
    [p] = read(path)
    assert p.language == "uk" and "Житомирі" in p.title
    latin = tmp_path / "strona.txt"
    latin.write_bytes(("Mieszkanie za remont w Żyrardowie\n\n" + PL_BODY).encode(encoding))
    assert "Żyrardowie" in read(latin)[0].title
    noise = tmp_path / "noise.txt"  # zero bytes on both sides of every pair: not text in any order
    noise.write_bytes(bytes(range(0, 256, 3)) * 40 + b"\x00" * 4000)
    with pytest.raises(ExtractionError, match="binary"):
        read(noise)


def test_batch_goes_on_and_keeps_what_was_stored(kb, tmp_path):
    good = docx_file(tmp_path / "good.docx", "Ogrody społeczne", paragraphs=[PL_BODY])
    first = ingest_paths(kb, [good], workers=1)
    assert not first.failed and kb.store.count() == 1
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "notes.xyz").write_text("unsupported")
    second = docx_file(tmp_path / "second.docx", "Budżet obywatelski", paragraphs=[UK_BODY])
    report = ingest_paths(kb, [tmp_path / "corrupt.pdf", tmp_path / "notes.xyz", second, tmp_path / "missing.docx"],
                          workers=1)
    failed = {f.path.rsplit("/", 1)[-1]: f.error for f in report.failed}
    assert set(failed) == {"corrupt.pdf", "notes.xyz", "missing.docx"}
    assert "unsupported file type" in failed["notes.xyz"] and "no such file" in failed["missing.docx"]
    assert kb.store.count() == 2 and kb.index().count == len(kb.store.passage_ids())


def test_catalogue_with_chapters_splits_at_the_practices(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Katalog dobrych praktyk 2024", level=0)
    document.add_paragraph("Katalog zbiera rozwiązania z miast partnerskich sieci. " * 4)
    chapters = {"Mieszkalnictwo": ["Mieszkanie za remont", "Najem instytucjonalny"],
                "Zieleń": ["Ogrody deszczowe", "Zielone podwórka"]}
    for chapter, practices in chapters.items():
        document.add_heading(chapter, level=1)
        for title in practices:
            document.add_heading(title, level=2)
            document.add_paragraph(f"{title}: " + "miasto przygotowało program, który łączy mieszkańców, "
                                   "organizacje i urząd w jednym przedsięwzięciu na kilka lat. " * 3)
    document.save(tmp_path / "katalog.docx")
    assert [p.title for p in read(tmp_path / "katalog.docx")] == [t for ts in chapters.values() for t in ts]


def test_catalogue_of_labelled_sheets(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Good practices of the network", level=0)
    for title, city in (("Rain gardens", "Lublin"), ("School streets", "Ghent")):
        document.add_heading(title, level=1)
        for label, text in (("About this good practice", f"The city of {city} runs this programme for residents. " * 3),
                            ("Resources needed", "Two staff and a yearly budget of 100,000 euros."),
                            ("Evidence of success", "Forty sites in three years.")):
            document.add_heading(label, level=2)
            document.add_paragraph(text)
    document.save(tmp_path / "sheets.docx")
    practices = read(tmp_path / "sheets.docx")
    assert [p.title for p in practices] == ["Rain gardens", "School streets"]
    assert [p.city for p in practices] == ["Lublin", "Gent"]
    assert all(p.fields["resources"].startswith("Two staff") for p in practices)


def test_table_with_one_practice_per_row(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Zestawienie dobrych praktyk sieci", level=0)
    document.add_paragraph("Tabela zbiera praktyki zgłoszone przez miasta partnerskie w 2024 roku.")
    rows = [("Nazwa", "Miasto", "Opis", "Kontakt"),
            ("Mieszkanie za remont", "Żyrardów", PL_BODY, "ZGM Żyrardów"),
            ("Спільнотний город", "Житомир", UK_BODY, "Управління екології"),
            ("Lokal na start", "Wałbrzych", "Gmina udostępnia puste lokale użytkowe w centrum młodym firmom i "
             "organizacjom na preferencyjnych warunkach, a najemcy odświeżają witryny i prowadzą działalność.", "WZGM")]
    table = document.add_table(rows=0, cols=4)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    document.save(tmp_path / "tabela.docx")
    practices = read(tmp_path / "tabela.docx")
    assert [p.title for p in practices] == ["Mieszkanie za remont", "Спільнотний город", "Lokal na start"]
    assert [p.language for p in practices] == ["pl", "uk", "pl"]
    assert [p.city for p in practices] == ["Żyrardów", "Zhytomyr", "Wałbrzych"]
    assert practices[0].fields["contact"] == "ZGM Żyrardów" and practices[0].fields["description"] == PL_BODY


INGEST_SET = CORPUS.parent / "bench" / "ingest-set"


def test_second_labelled_set_third_party_shapes():
    """bench/ingest-set: 17 documents in the shapes third parties send (a borderless PDF table, a catalogue
    whose title wraps after a comma, a field | value table whose first row names the practice, saved pages
    with menu bars, newsletters with editorials and event calendars). Each file yields its practices."""
    expected = [json.loads(line) for line in (INGEST_SET / "labels.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    by_file: dict[str, list] = {}
    for item in expected:
        by_file.setdefault(item["key"].split("#")[0], []).append(item)
    total = languages = countries = 0
    for name, items in by_file.items():
        found = read(INGEST_SET / "docs" / name)
        assert len(found) == len(items), (name, [p.title for p in found])
        for p, want in zip(found, items):
            total += 1
            languages += p.language == want["lang"]
            countries += p.country == want.get("country", "")
    assert total >= 40 and languages == total and countries >= total * 0.95


def test_inflected_double_names_acronyms_and_a_table_city_column(tmp_path):
    from kb.places import locate

    assert locate("Od 2019 roku w Bielsku-Białej działa program zazieleniania podwórek.").country == "PL"
    assert locate("Od 2019 roku w Bielsku-Białej działa program.").city.startswith("Bielsko")
    assert locate("Mieszkania w SIM dla młodych rodzin", title="Mieszkania w SIM").city == ""
    path = docx_file(tmp_path / "table.docx", "Zestawienie praktyk", table=[
        ("Miasto", "Opis"),
        ("Gliwice", "Społeczna inicjatywa mieszkaniowa SIM buduje mieszkania na wynajem z dojściem do własności "
                    "dla młodych rodzin, które nie mają zdolności kredytowej; pierwsze 120 lokali oddano w 2023 r."),
        ("Zabrze", "Miasto przekazało puste lokale użytkowe w centrum organizacjom pozarządowym na preferencyjnych "
                   "warunkach najmu, w zamian za prowadzenie zajęć dla dzieci i seniorów z dzielnicy."),
    ])
    found = read(path)
    assert [(p.city, p.country) for p in found] == [("Gliwice", "PL"), ("Zabrze", "PL")]


def test_two_column_sheet_table_is_one_practice_not_a_table_of_practices(tmp_path):
    path = docx_file(tmp_path / "sheet.docx", "Картка практики", table=[
        ("Назва практики", "Міні-гранти для ОСББ у Тернополі"),
        ("Опис практики", UK_BODY),
        ("Результати", "Понад 60 дворів облаштовано за три роки, мешканці самі доглядають за зеленню і "
                       "спортивними майданчиками, а кількість звернень до міської ради щодо благоустрою зменшилася."),
        ("Труднощі", "Не всі об'єднання співвласників мали досвід підготовки кошторисів і звітів, тож місто "
                     "проводило для них навчання та консультації щодо закупівель і звітності перед громадою."),
    ])
    [p] = read(path)
    assert p.title == "Міні-гранти для ОСББ у Тернополі"
    assert set(p.fields) >= {"description", "evidence", "difficulties"}


def test_menu_bars_go_but_labelled_lists_stay(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Urząd | Dla mieszkańca | Biznes | Kultura | Kontakt\nA A A\n"
                    "Zielone podwórka w Opolu\n"
                    "Miasto Opole od 2021 roku dofinansowuje wspólnotom mieszkaniowym zazielenianie podwórek: "
                    "nasadzenia drzew, ogródki deszczowe i ławki. Mieszkańcy sami projektują swoje podwórka.\n"
                    "Tematy: Ogrody miejskie i zielona infrastruktura / Partycypacja i współtworzenie\n", encoding="utf-8")
    [p] = read(page)
    assert "Dla mieszkańca" not in p.body and "A A A" not in p.body
    assert p.themes == ("green", "participation")


def _word_xml(fragment: str):
    """A piece of WordprocessingML as Word writes it (namespaces declared), parsed into python-docx's classes."""
    from docx.oxml import parse_xml

    return parse_xml(
        '<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">' + fragment + "</w:body>")


def test_docx_tracked_changes_content_controls_and_text_boxes(tmp_path):
    """Word files as they arrive from partners: changes still tracked, a template's content controls, a
    newsletter's text box. What a reader sees is read once; deleted text is not."""
    import docx

    document = docx.Document()
    document.add_heading("Mieszkanie za remont w Żyrardowie", level=1)
    body = document.element.body
    sect = body[-1]  # new content goes before the section properties
    fragment = _word_xml(
        # a paragraph with a tracked insertion and a tracked deletion
        '<w:p><w:r><w:t xml:space="preserve">Gmina przekazuje zdewastowane mieszkania komunalne </w:t></w:r>'
        '<w:ins w:id="1" w:author="Ala"><w:r><w:t xml:space="preserve">rodzinom z listy oczekujących, </w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="Ala"><w:r><w:delText>TEKST USUNIĘTY </w:delText></w:r></w:del>'
        '<w:r><w:t>które wyremontują je na własny koszt w zamian za umowę najmu na czas nieoznaczony.</w:t></w:r></w:p>'
        # a content control (a template's field) holding a whole paragraph
        '<w:sdt><w:sdtPr><w:alias w:val="Rezultaty"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>Rezultaty: od 2015 roku wyremontowano ponad sto lokali, a koszt dla gminy był niewielki.</w:t>'
        '</w:r></w:p></w:sdtContent></w:sdt>'
        # a text box, as Word saves it: the drawing, and a VML copy for old readers
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
        '<w:p><w:r><w:t>Kontakt: Urząd Miasta Żyrardowa, wydział lokalowy, tel. 46 855 30 00.</w:t></w:r></w:p>'
        '</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
        '<w:txbxContent><w:p><w:r><w:t>Kontakt: Urząd Miasta Żyrardowa, wydział lokalowy, tel. 46 855 30 00.</w:t>'
        '</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>'
        # an unfilled form field: the content control still shows its prompt
        '<w:p><w:r><w:t xml:space="preserve">Budżet: </w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>'
        '<w:sdtContent><w:r><w:t>Kliknij lub naciśnij tutaj, aby wprowadzić tekst.</w:t></w:r></w:sdtContent>'
        '</w:sdt></w:p>'
        # a table whose cell holds a tracked insertion
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Budżet</w:t></w:r></w:p></w:tc><w:tc><w:p><w:ins w:id="3" w:author="Ala">'
        '<w:r><w:t>200 tys. zł rocznie</w:t></w:r></w:ins></w:p></w:tc></w:tr></w:tbl>'
    )
    for element in list(fragment):
        sect.addprevious(element)
    path = tmp_path / "zyrardow-sledzone-zmiany.docx"
    document.save(path)

    (practice,) = read(path)
    text = " ".join(practice.body.split())
    assert "mieszkania komunalne rodzinom z listy oczekujących, które wyremontują" in text
    assert "USUNIĘTY" not in text
    assert "wyremontowano ponad sto lokali" in text
    assert text.count("wydział lokalowy") == 1
    assert "200 tys. zł rocznie" in text
    assert "Kliknij" not in text
    assert practice.title == "Mieszkanie za remont w Żyrardowie" and practice.city == "Żyrardów"


def test_docx_house_heading_styles_and_outline_levels_start_practices(tmp_path):
    """A catalogue whose practice titles use a house style based on a heading style, or a plain paragraph
    given an outline level (what Word's navigation pane shows), is split at them like at headings."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Katalog dobrych praktyk 2024", level=1)
    house = document.styles.add_style("Tytuł praktyki", WD_STYLE_TYPE.PARAGRAPH)
    house.base_style = document.styles["Heading 2"]
    titles = ["Mieszkanie za remont w Żyrardowie", "Spólnotny ogród w Żytomierzu", "Rain gardens in Lublin"]
    bodies = [PL_BODY, UK_BODY + " Щовесни мешканці разом висаджують нові грядки.", "Lublin gives households grants of up to 5,000 zloty to build rain gardens and "
              "collect rainwater from their roofs. Since 2021 more than 300 gardens have been built, and the "
              "city's water company checks each one and publishes a map of them for neighbours to visit."]
    for n, (title, body) in enumerate(zip(titles, bodies)):
        if n == 1:
            outlined = document.add_paragraph(title)
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), "1")
            outlined._p.get_or_add_pPr().append(level)
        else:
            document.add_paragraph(title, style="Tytuł praktyki")
        document.add_paragraph(body)
    path = tmp_path / "katalog-style.docx"
    document.save(path)
    practices = read(path)
    assert [p.title for p in practices] == titles
    assert [p.language for p in practices] == ["pl", "uk", "en"]


@pytest.mark.parametrize("line,byline", [
    ("By News Editor / Updated: 19 Oct 2017", True), ("Date of label : 29/10/2024", True),
    ("Opublikowano: 12.03.2024", True), ("12.03.2024", True),
    ("By bike to school: Lublin", False), ("Data-driven planning in Gdańsk", False),
    ("Uchwała nr 12/3/2024 Rady Miasta", False), ("Gent's Traffic Circulation Plan (Belgium)", False),
])
def test_a_byline_or_dateline_is_never_a_title(line, byline):
    from ingest.segment import _BYLINE

    assert bool(_BYLINE.search(line)) is byline
