"""Shapes of documents as third parties publish them (tables of contents, front and back matter, laws and
announcements without any practice, event reports presenting several practices, scanned pages), and
places as such documents name them. The documents are written here, shape by shape; figures on real
third-party documents come from bench/eval_ingest.py."""
import pytest

from ingest.blocks import ExtractionError
from ingest.pipeline import ingest_paths, read_practices
from kb.config import Settings
from kb.places import Location, locate

from .fixtures.builders import docx_file

PRACTICE_EN = ("In 2021 the city of Tartu opened a repair café in a former bus depot. Residents bring broken "
               "bicycles, toasters and clothes; volunteers fix them with the owners, and the municipality pays the "
               "rent and insurance. In three years 4,000 items were repaired and two similar cafés opened nearby.")
PRACTICE_PL = ("Od 2019 roku miasto Żyrardów przekazuje mieszkańcom pustostany do samodzielnego remontu. Najemca "
               "pokrywa koszt prac, a w zamian otrzymuje umowę najmu na czas nieokreślony i obniżony czynsz. "
               "Program objął już ponad 120 mieszkań i jest wzorem dla innych miast w Polsce.")
LAW_PL = ("Art. 1. Ustawa określa zasady nadzoru nad systemami sztucznej inteligencji. Art. 2. 1. Organem nadzoru "
          "jest Komisja, o której mowa w art. 5 ust. 2. 2. Przepisy rozdziału 3 stosuje się odpowiednio, z "
          "zastrzeżeniem § 4 pkt 2. Art. 3. Ustawa wchodzi w życie po upływie 14 dni od dnia ogłoszenia w "
          "Dzienniku Ustaw, z wyjątkiem art. 7 ust. 1, który wchodzi w życie z dniem 1 stycznia 2027 r.")


def read(path):
    return read_practices(path, Settings(), "checksum")[0]


def _docx(path, blocks):
    """A Word document from (style, text) pairs: 'Title', 'Heading 1', 'Heading 2' or a paragraph ('')."""
    import docx

    document = docx.Document()
    for style, text in blocks:
        if style == "Title":
            document.add_heading(text, level=0)
        elif style.startswith("Heading"):
            document.add_heading(text, level=int(style[-1]))
        else:
            document.add_paragraph(text)
    document.save(path)
    return path


def test_front_and_back_matter_of_a_deliverable_are_never_practices(tmp_path):
    path = _docx(tmp_path / "d3.2.docx", [
        ("Title", "D3.2 Inventory of local practices"),
        ("Heading 1", "Table of Contents"),
        ("", "1 Executive Summary ........ 3\n2 Methodology ........ 4\n3 Case studies ........ 5\n4 Annex ........ 9"),
        ("Heading 1", "Executive Summary"),
        ("", "This deliverable presents two local practices collected by the consortium partners. " * 4),
        ("Heading 1", "Methodology"),
        ("", "Partners filled in a template and interviewed officers of the municipalities concerned. " * 4),
        ("Heading 1", "Case studies"),
        ("Heading 2", "Repair café in a bus depot"),
        ("", PRACTICE_EN),
        ("Heading 2", "Mieszkanie za remont"),
        ("", PRACTICE_PL),
        ("Heading 1", "Annex 1: Template"),
        ("", "Name of the practice, owner, location, start date, resources, evidence of success. " * 4),
        ("Heading 1", "References"),
        ("", "Smith, J. (2019). Repair cultures. London: Routledge, 2019. " * 3),
    ])
    practices = read(path)
    assert [p.title for p in practices] == ["Repair café in a bus depot", "Mieszkanie za remont"]
    assert [(p.city, p.country) for p in practices] == [("Tartu", "EE"), ("Żyrardów", "PL")]


def test_a_law_is_stored_as_a_document_without_practices(kb, tmp_path):
    law = docx_file(tmp_path / "ustawa.docx", "Ustawa o systemach sztucznej inteligencji", paragraphs=[LAW_PL] * 3)
    sheet = docx_file(tmp_path / "sheet.docx", "Mieszkanie za remont", paragraphs=[PRACTICE_PL])
    assert read(law) == []
    report = ingest_paths(kb, [law, sheet], workers=1)
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
    assert by_name["ustawa.docx"].status == "added" and by_name["ustawa.docx"].practices == 0
    assert by_name["sheet.docx"].practices == 1
    assert kb.store.document(str(law.resolve())) is not None  # stored, so a second run says "unchanged"
    again = ingest_paths(kb, [law], workers=1)
    assert again.files[0].status == "unchanged"


def test_the_cli_says_no_practice_found(tmp_path):
    from click.testing import CliRunner

    from kb.cli import cli

    law = docx_file(tmp_path / "ustawa.docx", "Ustawa o systemach sztucznej inteligencji", paragraphs=[LAW_PL] * 3)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "--model", "hashing", "ingest", str(law)])
    assert result.exit_code == 0, result.output
    assert "no practice found" in result.output


def test_an_event_announcement_holds_no_practice(tmp_path):
    path = docx_file(tmp_path / "kongres.docx", "Kongres Polityki Miejskiej", paragraphs=[
        "W listopadzie w Kielcach odbędzie się Kongres Polityki Miejskiej – wielkie wydarzenie dla wszystkich, "
        "którzy interesują się miastem. Zapraszamy ekspertów, urzędników i mieszkańców.",
        "Podczas sesji porozmawiamy o mieszkalnictwie, zieleni miejskiej i transporcie. Rejestracja potrwa do "
        "końca października, a udział jest bezpłatny dla przedstawicieli samorządów."])
    assert read(path) == []


def test_an_event_report_yields_the_practices_it_presents(tmp_path):
    path = docx_file(tmp_path / "seminarium.docx", "Drugie Międzyregionalne Seminarium Tematyczne", paragraphs=[
        "W dniach 9–10 kwietnia 2024 roku miasto Las Palmas de Gran Canaria zorganizowało seminarium projektu "
        "w ramach programu Interreg Europe.",
        "Podczas pierwszego dnia partnerzy przedstawili siedem dobrych praktyk, w tym program „Mieszkanie za "
        "remont” z Żyrardowa. Program pozwala mieszkańcom uzyskać mieszkanie w zamian za jego remont.",
        "Uczestnicy odwiedzili trzy ogrody miejskie „Huecos Urbanos” w Las Palmas de Gran Canaria, które "
        "prowadzą grupy obywatelskie i które oferują edukację ekologiczną.",
        "Kolejne spotkanie partnerów odbędzie się w Bukareszcie."])
    practices = read(path)
    assert [(p.title, p.city) for p in practices] == [
        ("Mieszkanie za remont", "Żyrardów"), ("Huecos Urbanos", "Las Palmas de Gran Canaria")]
    assert all("Seminarium" in p.source.locator for p in practices)  # the report is where they come from


def test_a_table_header_row_is_never_a_title(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=4)
    for row in [("Назва громади", "Об'єкт", "Потужність, кВт", "Вартість, тис. грн"),
                ("Ніжинська", "Дах школи №3", "30", "950"), ("Прилуцька", "Дах лікарні", "50", "1500")]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    document.add_paragraph("Перелік запропонованих об'єктів для встановлення сонячних електростанцій на дахах "
                           "комунальних будівель громад області, підготовлений для конкурсу проєктів.")
    document.save(tmp_path / "perelik.docx")
    for p in read(tmp_path / "perelik.docx"):
        assert "Назва громади" not in p.title and "|" not in p.title


@pytest.mark.parametrize("text, language, expected", [
    ("Фонди міста спрямовано на ремонт шкіл. Місто виділило фонди на укриття.", "uk", ""),  # not Fondi (Italy)
    ("Hub for social innovation opened in 2020. The hub is run by volunteers.", "en", ""),
    ("Program wsparcia mieszkańców.\nKowalski J., Polityka mieszkaniowa, Warszawa: Wydawnictwo Naukowe PWN, 2019.",
     "pl", ""),  # the publisher's city in a bibliography
    ("У Вінниці запрацював центр безпеки громади.", "uk", "Vinnytsia"),  # the official romanisation
    ("Миколаїв отримав нові тролейбуси для міських маршрутів.", "uk", "Mykolaiv"),
    ("Od 2019 roku w Dąbrowie Górniczej działa program zazieleniania podwórek.", "pl", "Dąbrowa Górnicza"),
    ("Графік реалізації наводиться у Плані дій з впровадження Програми.", "uk", ""),  # not Plano (Texas)
    ("Нескучанська сільська громада облаштувала веломаршрут між селами.", "uk", "Neskuchanska hromada"),
    ("Київська громада відкрила у Києві ще три пункти незламності.", "uk", "Kyiv"),  # a city's hromada: the city
    ("Przy ul. Zapiecek we Włocławku powstanie park kieszonkowy.", "pl", "Włocławek"),  # its e drops: -ek, -ku
    ("Як у Відні охолоджують місто під час спеки.", "uk", "Vienna"),  # Відень, у Відні
])
def test_places_are_named_places_not_ordinary_words(text, language, expected):
    assert locate(text, language=language).city == expected


def test_a_labelled_village_the_gazetteer_does_not_know_is_kept_as_written(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    rows = [("Громада", "Назва", "Опис"),
            ("Шипинки, Чернівецька обл.", "Сільський сквер", "Жителі села разом з радою облаштували сквер біля "
             "клубу: висадили сорок дерев, поставили лавки та дитячий майданчик, а молодь провела толоку. " * 2),
            ("Несолонь", "Шкільний автобус", "Громада купила автобус, який щодня возить дітей з трьох віддалених "
             "сіл до опорної школи, а ввечері – на гуртки і секції в будинку культури громади. " * 2)]
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    document.save(tmp_path / "hromady.docx")
    practices = read(tmp_path / "hromady.docx")
    assert [(p.title, p.city, p.country) for p in practices] == [
        ("Сільський сквер", "Шипинки", "UA"), ("Шкільний автобус", "Несолонь", "UA")]


def test_a_summary_never_starts_with_a_metadata_line(tmp_path):
    path = _docx(tmp_path / "kartka.docx", [
        ("Title", "Громадський бюджет для школярів"),
        ("", "Місто/громада: Житомир | Країна: Україна"),
        ("", "Школярі міста пропонують і обирають проєкти для своїх шкіл: з 2021 року реалізовано 46 ідей, "
             "від майстерень до спортивних майданчиків, а голосування проходить онлайн."),
    ])
    [p] = read(path)
    assert p.summary.startswith("Школярі міста")


def _scanned_pdf(path, lines):
    """A PDF whose only page is an image of text, as a scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont

    from .fixtures.builders import FONT_DIR

    image = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 64)
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 44)
    draw.text((150, 200), lines[0], font=bold, fill="black")
    for n, line in enumerate(lines[1:]):
        draw.text((150, 360 + 70 * n), line, font=regular, fill="black")
    image.save(path, resolution=200)
    return path


SCAN = ["Mieszkanie za remont w Żyrardowie", "Od 2019 roku miasto Żyrardów przekazuje mieszkańcom",
        "lokale komunalne do samodzielnego remontu.", "Najemca pokrywa koszt prac, a w zamian",
        "otrzymuje umowę najmu na czas nieokreślony.", "Program objął już ponad 120 mieszkań."]


def test_a_scanned_pdf_is_read_by_ocr_and_marked_so(tmp_path):
    [p] = read(_scanned_pdf(tmp_path / "scan.pdf", SCAN))
    assert p.title == "Mieszkanie za remont w Żyrardowie" and p.city == "Żyrardów" and p.language == "pl"
    assert "umowę najmu" in p.body
    assert "ocr" in p.flags and p.confidence < 1.0  # provenance: the review queue says it was read by OCR


def test_without_tesseract_a_scan_is_refused_with_a_reason(tmp_path, monkeypatch):
    from ingest import ocr

    ocr.languages.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on the PATH
    try:
        with pytest.raises(ExtractionError, match="tesseract-ocr"):
            read(_scanned_pdf(tmp_path / "scan.pdf", SCAN))
    finally:
        ocr.languages.cache_clear()


def test_a_report_chapter_that_lists_initiatives_yields_them(tmp_path):
    initiative = ("The city installed solar panels on the roofs of three schools and a library, and signed a "
                  "two-year agreement to buy power from a landfill solar farm run by the municipal utility. ")
    path = _docx(tmp_path / "plan.docx", [
        ("Title", "City of Hartford Energy Action Plan"),
        ("Heading 1", "Overview"), ("", "The plan sets the goals of the city for the next six years. " * 6),
        ("Heading 1", "Current energy profile"), ("", "Buildings use most of the energy the city pays for. " * 6),
        ("Heading 1", "On-going initiatives"), ("", "The city's primary initiatives are outlined below."),
        ("Heading 2", "Renewable energy"), ("", initiative * 2),
        ("Heading 2", "Retro-commissioning of schools"), ("", initiative.replace("installed", "tuned") * 2),
        ("Heading 2", "Alternative fuel vehicles"), ("", initiative.replace("solar", "electric") * 2),
    ])
    titles = [p.title for p in read(path)]
    assert titles[-3:] == ["Renewable energy", "Retro-commissioning of schools", "Alternative fuel vehicles"]
    assert "On-going initiatives" not in titles and "Overview" not in titles
    assert all(p.city == "Hartford" for p in read(path))  # sections inherit the document's city


def test_place_names_in_the_interface_language():
    from kb.places import QueryPlaces, place_name

    names = QueryPlaces.build({("Vinnytsia", "UA"), ("Lviv", "UA"), ("Kraków", "PL"), ("Chernivtsi", "UA"),
                               ("Gdańsk", "PL")})
    assert place_name("Vinnytsia", "UA", "uk", names) == "Вінниця, Україна"
    # GeoNames also has "Чернівцї" (a typo) and the Russian "Гданьск": Ukrainian writes neither.
    assert names.name("Chernivtsi", "UA", "uk") == "Чернівці" and names.name("Gdańsk", "PL", "uk") == "Гданськ"
    assert place_name("Lviv", "UA", "pl", names) == "Lwów, Ukraina"
    assert place_name("Kraków", "PL", "uk", names) == "Краків, Польща"
    assert place_name("Lviv", "UA", "en", names) == "Lviv, Ukraine"
    assert QueryPlaces.from_json(names.to_json()).name("Lviv", "UA", "uk") == "Львів"  # kept beside the index


@pytest.mark.parametrize("title, body, expected", [
    ("Rooftop solar on schools", "Proposed plants: the council plans to install 30 kW on each school roof by 2030.",
     "planned"),
    ("Mieszkanie za remont", "Od 2015 roku miasto nadal przekazuje pustostany; program trwa i co roku obejmuje "
     "kolejne lokale.", "ongoing"),
    ("Сквер біля клубу", "Жителі села облаштували сквер: висаджено сорок дерев, проєкт завершено у 2021 році.",
     "implemented"),
    ("Spotkanie mieszkańców", "Mieszkańcy rozmawiali o zieleni.", None),  # the text says nothing of it
])
def test_the_stage_is_what_the_text_says(title, body, expected):
    from ingest.stage import stage_of

    assert stage_of(title, body) == expected


def test_the_stage_is_stored_filtered_and_counted(kb, tmp_path):
    from kb.search import facets, search_index

    from .fixtures.builders import approve_all

    planned = docx_file(tmp_path / "solar.docx", "Dachy szkół z fotowoltaiką", paragraphs=[
        "Zaplanowano instalacje fotowoltaiczne na dachach pięciu szkół w Żyrardowie. Projekt zakłada, że do 2030 "
        "roku panele pokryją połowę zużycia energii szkół, a mieszkańcy poznają efekty na lekcjach otwartych."])
    done = docx_file(tmp_path / "dachy.docx", "Zielone dachy przystanków", paragraphs=[
        "W Krakowie zrealizowano zielone dachy na dwudziestu przystankach. Rośliny zakończonego projektu "
        "zatrzymują deszczówkę i chłodzą przystanki; mieszkańcy wybrali lokalizacje w konsultacjach."])
    ingest_paths(kb, [planned, done], workers=1)
    approve_all(kb)
    stages = {p.title: p.stage for p in kb.store.list()}
    assert stages == {"Dachy szkół z fotowoltaiką": "planned", "Zielone dachy przystanków": "implemented"}
    hits = search_index(kb, "dachy", k=5)
    assert facets(hits)["stage"] == {"planned": 1, "implemented": 1}
    assert [h.practice.title for h in search_index(kb, "dachy", k=5, stage="planned")] == ["Dachy szkół z fotowoltaiką"]


def _profiles_pdf(path, cities):
    """A prize brochure as designers set it: a cover, then on each page a city's facts in a narrow left column,
    its name in 40-point type under them, and its profile in two narrow columns on the right whose lines run
    level with the name and the facts; a callout ("39" and "buildings", in large type) at the foot."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from .fixtures.builders import FONT_DIR

    pdfmetrics.registerFont(TTFont("Body", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Heavy", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    page = canvas.Canvas(str(path), pagesize=landscape(A4))
    width, height = landscape(A4)
    page.setFont("Heavy", 30)
    page.drawString(36, height / 2, "Prize laureates 2010-2020")  # the cover
    page.showPage()
    for city, text in cities:
        words, lines = text.split(), []
        while words:
            lines.append(" ".join(words[:6]))
            words = words[6:]
        half = (len(lines) + 1) // 2
        page.setFont("Body", 9)
        for n, line in enumerate(lines):  # the profile, over two columns
            page.drawString(330 if n < half else 590, height - 60 - 12 * (n % half), line)
        for n, fact in enumerate(["Population 1,900,000", "Area 415 km2", "Mayor since 2018"]):
            page.drawString(36, height - 60 - 12 * n, fact)
        page.setFont("Body", 40)
        page.drawString(36, height - 60 - 12 * 6, city)  # level with the columns' seventh line
        page.setFont("Heavy", 40)
        page.drawString(330, height - 400, "39")
        page.setFont("Body", 16)
        page.drawString(330, height - 420, "buildings")
        page.showPage()
    page.save()
    return path


def test_a_large_name_beside_a_column_is_a_heading_of_its_own(tmp_path):
    profile = ("{0} is recognised for a citywide programme of neighbourhood oases: residents turn parking lanes "
               "into parklets, the city pays for benches and planters, and {0} district offices keep them for "
               "three years. Since 2015 more than 150 oases were built and most were kept by their neighbours. ")
    cities = [("Vienna", profile.format("Vienna") * 2), ("Lisbon", profile.format("Lisbon") * 2)]
    practices = read(_profiles_pdf(tmp_path / "laureates.pdf", cities))
    assert [p.title for p in practices] == ["Vienna", "Lisbon"]
    assert [p.city for p in practices] == ["Vienna", "Lisbon"]
    assert "parking lanes into parklets" in practices[0].body  # the column's lines are read as one text


def test_a_programme_with_project_passports_yields_one_practice_a_project(kb, tmp_path):
    """A Ukrainian local economic development programme: chapters about the hromada, then each project as a
    "passport" (a two-column table of numbered fields) under a heading "Проєкт N. …"."""
    import docx

    document = docx.Document()
    document.add_heading("Програма місцевого економічного розвитку Широківської громади", level=0)
    document.add_heading("Загальна характеристика", level=1)
    document.add_paragraph("Громада розташована в Запорізькому районі. " * 20)
    document.add_heading("Стратегічне бачення громади", level=1)
    document.add_paragraph("Громада, де зручно жити, працювати та відпочивати. " * 10)
    projects = [("Створення інвестиційного порталу", "портал з даними про вільні земельні ділянки та приміщення"),
                ("Облаштування велосипедних маршрутів", "три веломаршрути між селами громади з указівниками")]
    for n, (name, what) in enumerate(projects, start=1):
        document.add_heading(f"Проєкт {n}. {name} Широківської громади", level=1)
        rows = [("1. Назва проєкту", f"{name} Широківської громади"),
                ("2. Мета та завдання проєкту", f"Мета: залучення інвесторів і туристів; створити {what}."),
                ("3. Опис проблеми або потреби", "Громада не має зручних джерел інформації для інвесторів. " * 3),
                ("4. Опис проєкту", f"Проєкт передбачає {what}. Графік наводиться у Плані дій громади. " * 3),
                ("5. Очікувані результати", "Зросте кількість інвесторів і туристів, створено нові робочі місця."),
                ("6. Необхідні фінансові ресурси, тис. грн", "49"),
                ("7. Виконавці проєкту", "Виконавчий комітет сільської ради")]
        table = document.add_table(rows=len(rows), cols=2)
        for row, (label, value) in zip(table.rows, rows):
            row.cells[0].text, row.cells[1].text = label, value
    document.add_heading("План дій з впровадження Програми", level=1)
    document.add_paragraph("Заходи програми виконуються у 2021–2023 роках відповідно до плану. " * 5)
    document.save(tmp_path / "programme.docx")
    practices = read(tmp_path / "programme.docx")
    assert [p.title for p in practices] == [f"{name} Широківської громади" for name, _ in projects]
    assert all(p.city == "Shyrokivska hromada" and p.country == "UA" for p in practices)  # not Plano (у Плані)
    assert "інвесторів" in practices[0].fields["description"]
    # Stored and indexed: a place the gazetteer does not know (a hromada) is a place a query can name.
    report = ingest_paths(kb, [tmp_path / "programme.docx"], workers=1)
    assert report.files[0].practices == 2
    assert ("Shyrokivska hromada", "UA") in kb.query_places().cities


@pytest.mark.parametrize("name, blocks", [
    ("template.docx", [  # a prize's report template: questions awaiting answers
        ("Title", "Stage B report template"),
        ("Heading 1", "Section A | City portfolio"),
        ("", "What is the governance structure of the city? Answer"),
        ("", "What roles did the city leaders play to transform the city? Answer"),
        ("", "Who are the key organisations and stakeholders involved in the city's transformation? Answer"),
        ("Heading 1", "Section B | Demonstration project"),
        ("", "Describe the project. What problem did the project address in the city? Answer"),
        ("", "How were residents involved in the project? How was it funded? What were its results? Answer"),
    ]),
    ("umovy.docx", [  # a city portal's terms of use, in Ukrainian
        ("Title", "Загальні умови використання сайту «Місто для людей»"),
        ("Heading 1", "Права на товарні знаки"),
        ("", "Товарні знаки, розміщені на сайті, є інтелектуальною власністю Власника. Загальні умови "
             "використання не надають права на товарні знаки. Власник не надає гарантій щодо контенту, і "
             "конфіденційність відомостей регулюють Загальні умови. Умови використання діють у Житомирі. " * 2),
    ]),
])
def test_a_template_or_terms_of_use_hold_no_practice(tmp_path, name, blocks):
    assert read(_docx(tmp_path / name, blocks)) == []


def test_a_table_of_initiatives_over_pages_yields_one_practice_a_row(tmp_path):
    """A national plan's annex: a ruled table "No. | Initiatives | Targets" that runs over two pages, rows grouped
    under a pillar's name, each initiative's name followed in its cell by its measures ("i. …")."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from .fixtures.builders import FONT_DIR

    pdfmetrics.registerFont(TTFont("Body", str(FONT_DIR / "DejaVuSans.ttf")))
    style = ParagraphStyle("cell", fontName="Body", fontSize=9, leading=11)
    names = ["More nature parks", "Green commutes", "Cleaner-energy vehicles", "Food waste to energy",
             "Cool roofs for public housing", "Rainwater gardens in schools"]
    measures = ("i. Add 200 ha of parks and park connectors so that every household is a short walk from a park "
                "ii. Plant one million more trees along streets, in estates and on industrial land by 2030 "
                "iii. Restore mangroves and coastal habitats with volunteers from schools and residents' groups ")
    rows = [["No.", "Initiatives", "Targets"]]
    for n, name in enumerate(names):
        if n % 3 == 0:
            rows.append(["", f"Pillar {n // 3 + 1}", ""])  # a group's name between rows
        rows.append([chr(97 + n), Paragraph(f"{name} {measures * 2}", style),
                     Paragraph("Double the area of parks by 2030; halve emissions by 2035.", style)])
    table = Table(rows, colWidths=[30, 330, 150])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "Body"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    SimpleDocTemplate(str(tmp_path / "annex.pdf"), pagesize=A4, title="Initiatives and Targets").build(
        [Paragraph("Initiatives and targets under the Green Plan 2030", style), table])
    practices = read(tmp_path / "annex.pdf")
    assert [p.title for p in practices] == names
    assert len({p.source.locator for p in practices}) > 1  # the table ran over pages: its rows there are practices too


def test_a_sheet_with_question_headings_opening_hours_and_an_energy_balance_is_a_practice(tmp_path):
    path = _docx(tmp_path / "lublin.docx", [
        ("Title", "Green roofs on Lublin schools"),
        ("Heading 1", "What was the problem?"), ("", "Flat school roofs in Lublin overheated classrooms in June."),
        ("Heading 1", "What was done?"), ("", "The city planted sedum roofs on six schools; the energy bilans of "
                                              "each school was measured before and after (bilans cieplny)."),
        ("Heading 1", "Who took part?"), ("", "Pupils and residents; the roof garden is open 10:00–14:00 and "
                                              "12:00-18:00 on Saturdays."),
        ("Heading 1", "What were the results?"), ("", "Classrooms were 3 °C cooler; the bilans showed 12% less heat."),
    ])
    [practice] = read(path)
    assert practice.city == "Lublin"


# Real news items about a practice, shaped like the texts a third party publishes: no city the gazetteer knows in
# the words of the text (an estate, a region), two words of a manual in passing ("należy", "wykonawca").
@pytest.mark.parametrize("name, text", [
    ("pustostany.txt", "Artyści do pustostanów\n\nPomieszczenia, które od dłuższego czasu stoją puste, zostaną "
     "przekazane artystom na pracownie i galerie. Przez dwa lata najemcy nie będą płacić czynszu, a jedynie za media. "
     "Należy pamiętać, że po tym czasie lokal przejdzie na zwykły najem. Wykonawca remontu zostanie wybrany w "
     "przetargu. – Wolę oddać pustostan kreatywnym ludziom, niż pokrywać koszty jego utrzymania – mówi prezydent Jan Kowalski."),
    ("sadyba.txt", "На Чернігівщині почали відновлювати одну з найдавніших садиб\n\nРеставрація садиби "
     "передбачає відновлення даху, фасаду та старого парку. Пам'ятка архітектури XVIII століття стане культурним "
     "простором і туристичним об'єктом області."),
])
def test_a_news_item_about_a_practice_is_kept_without_a_known_city(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert len(read(tmp_path / name)) == 1


@pytest.mark.parametrize("opening", [
    "REGULAMIN STOWARZYSZENIA ZWYKŁEGO",
    "Program konferencji",
    "ТЕХНІЧНИЙ ЗВІТ",
    "Code of Conduct for Contractors",
])
def test_a_document_that_names_its_kind_as_no_practice_holds_none(tmp_path, opening):
    # Its body reads like a practice (a city, what was done): the kind named on a line of its own decides.
    path = _docx(tmp_path / "doc.docx", [("Title", opening), ("", PRACTICE_EN), ("", PRACTICE_PL)])
    assert read(path) == []


def test_a_kind_named_inside_a_sentence_does_not_screen_a_practice_out(tmp_path):
    path = _docx(tmp_path / "doc.docx", [("Title", "Repair café in a bus depot"),
                                         ("", "The café follows the city's code of conduct for volunteers. "
                                          + PRACTICE_EN)])
    assert [p.title for p in read(path)] == ["Repair café in a bus depot"]


def test_a_long_report_yields_the_case_studies_under_its_chapters(tmp_path):
    # Parts ("Excel", "Enable") hold chapters ("Energy", "Water") that present initiatives under headings of
    # their own, beside repeated headings ("Baseline") and figures: the initiatives are the practices.
    cases = [f"{topic} at {where}" for topic in ("Solar roofs", "Rainwater reuse", "Food waste digesters",
                                                 "Smart meters")
             for where in ("hospitals", "schools")]
    text = ("In 2022 the agencies of Singapore installed the equipment in 14 buildings and trained their staff; "
            "the programme cut electricity and water use by a tenth and is now extended to other sites. ") * 2
    blocks = [("Title", "Green Government Report 2022")]
    for part, chapters in (("Excel", ("Energy", "Water")), ("Enable", ("Waste", "Procurement"))):
        blocks += [("Heading 1", part), ("", "This part reports on the targets and what was achieved. " * 30)]
        for chapter in chapters:
            blocks += [("Heading 2", chapter), ("Heading 3", "Baseline"), ("", "Use fell by 5% against 2020. " * 8)]
            for _ in range(2):
                blocks += [("Heading 3", cases.pop(0)), ("", text)]
    found = read(_docx(tmp_path / "report.docx", blocks))
    assert [p.title for p in found] == [f"{t} at {w}" for t in ("Solar roofs", "Rainwater reuse",
                                                               "Food waste digesters", "Smart meters")
                                        for w in ("hospitals", "schools")]
    assert {(p.city, p.country) for p in found} == {("Singapore", "SG")}


@pytest.mark.parametrize("text, wrong", [
    ("The solar panels at Benoi depot were installed in 2021 by the town council.", "Benoni"),  # not inflected
    ("The Teo Chu Heng Foundation has funded the libraries since 2020.", "Chũ"),  # a word inside a name
    ("In Singapore the dengue map of the National Environment Agency is shown on Google Maps. Singapore "
     "residents used Google to find clusters; Singapore's agency updated it daily.", "Topeka"),  # an alias
])
def test_english_text_names_no_place_by_a_near_spelling_a_word_inside_a_name_or_an_alias(text, wrong):
    found = locate(text, language="en")
    assert found.city != wrong and found.country in ("", "SG")


@pytest.mark.parametrize("text, city", [
    ("Активісти оголосили про реєстр, розпорядником якого є виконавчий комітет Броварської міської ради.", "Brovary"),
    ("Сумська міська територіальна громада запустила програму енергоефективності.", "Sumy"),
    ("Сесія Луцької міської ради ухвалила програму.", "Lutsk"),
])
def test_a_city_named_only_by_its_council_is_the_place(text, city):
    assert locate(text, language="uk") == Location(city, "UA")


def test_a_photo_caption_set_large_is_not_a_practice_heading(tmp_path):
    # A prize site's page printed with its photos' captions and credits in large type between the sections.
    path = _docx(tmp_path / "page.docx", [
        ("Title", "Seoul: from car spaces to people spaces"),
        ("Heading 2", "Cheonggyecheon"), ("", PRACTICE_EN),
        ("Heading 2", "[Image: Seoullo 7017] Seoullo 7017 © Seoul Metropolitan Government"),
        ("", "In 2017 the city turned a disused highway overpass into a walkway planted with 24,000 plants, and "
             "residents now care for them with the district offices. Volunteers lead walks twice a week, schools "
             "bring classes to learn the plants' names, and the walkway's cafés and benches draw visitors "
             "who had never walked across the railway station's tracks before."),
        ("Heading 2", "Yonsei-ro Transit Mall"), ("", PRACTICE_PL),
    ])
    assert [p.title for p in read(path)] == ["Cheonggyecheon", "Yonsei-ro Transit Mall"]
