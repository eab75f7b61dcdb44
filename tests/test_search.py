"""Cross-lingual search with the real default model over the shipped corpus."""
import pytest

from kb.evaluate import evaluate, load_qrels
from kb.search import search_index

from .conftest import CORPUS

pytestmark = pytest.mark.slow

# For every ordered pair of PL/UK/EN: a query in the first language and the key of the practice,
# written in the second, that it is about. It must come first among all 25 practices.
CROSS_LINGUAL = [
    ("pl", "en", "ogrody na nieużytkach prowadzone przez mieszkańców", "las-palmas-huecos-urbanos.pdf"),
    ("pl", "uk", "tymczasowe mieszkania dla przesiedlonych w wyremontowanych akademikach",
     "zhytomyr-fond-tymchasovoho-zhytla-vpo.docx"),
    ("uk", "pl", "житло в обмін на ремонт", "zyrardow-mieszkanie-za-remont.docx"),
    ("uk", "en", "шкільні вулиці без автомобілів", "ghent-school-streets.pdf"),
    ("en", "pl", "local activity centre for residents of a run-down neighbourhood", "lodz-centrum-aktywnosci-lokalnej.docx"),
    ("en", "uk", "a former school converted into flats for displaced families", "chernivtsi-shkola-zhytlo-vpo.docx"),
]


def key_of(hit):
    return hit.practice.source.key


@pytest.mark.parametrize("query_lang,doc_lang,query,expected", CROSS_LINGUAL,
                         ids=[f"{a}->{b}" for a, b, *_ in CROSS_LINGUAL])
def test_cross_lingual_first_hit(corpus_kb, query_lang, doc_lang, query, expected):
    hits = search_index(corpus_kb, query, k=5)
    # "ogrody" also names Lublin's rain gardens (Polish, a concept match): the two scores are within 0.001
    # and their order varies with the machine's arithmetic, so that query's practice may come second.
    allowed = 2 if query.startswith("ogrody na nieużytkach") else 1
    keys = [key_of(h) for h in hits]
    assert expected in keys[:allowed], keys
    assert hits[keys.index(expected)].practice.language == doc_lang


def test_same_language_exact_name_first(corpus_kb):
    assert key_of(search_index(corpus_kb, "Mieszkanie za remont", k=3)[0]) == "zyrardow-mieszkanie-za-remont.docx"


def test_results_are_practices_not_passages(corpus_kb):
    hits = search_index(corpus_kb, "ogrody", k=25)
    ids = [h.practice.id for h in hits]
    assert len(ids) == len(set(ids))
    assert all(h.passage for h in hits)


@pytest.mark.parametrize("query,expected", [
    ("dobre praktyki ze Lwowa", "Lviv"), ("практики з Житомира", "Zhytomyr"), ("practices from bremen", "Bremen"),
])
def test_a_place_in_the_query_brings_its_practices_first(corpus_kb, query, expected):
    assert search_index(corpus_kb, query, k=3)[0].practice.city == expected


def test_language_filter(corpus_kb):
    hits = search_index(corpus_kb, "housing", k=5, language="uk")
    assert hits and {h.practice.language for h in hits} == {"uk"}


def test_debiasing_beats_plain_cosine_on_the_dev_set(corpus_kb):
    """The reason the product exists: cross-language pairs must improve, overall nDCG@10 too."""
    practices = corpus_kb.store.list()
    judged = load_qrels(CORPUS / "dev-queries.jsonl", practices)
    scores = {name: evaluate(judged, ranker) for name, ranker in corpus_kb.evaluation_runs()}
    plain, lexical, ours = scores["plain cosine"], scores["lexical only"], scores["+ translated query (default)"]
    assert ours["all"]["ndcg@10"] >= lexical["all"]["ndcg@10"] + 0.2  # keywords cannot cross languages
    assert ours["all"]["ndcg@10"] >= plain["all"]["ndcg@10"] + 0.15
    for pair in ("en→pl", "en→uk", "pl→en", "pl→uk", "uk→en", "uk→pl"):
        assert ours[pair]["ndcg@10"] > plain[pair]["ndcg@10"], pair
        assert ours[pair]["ndcg@10"] >= 0.75, pair  # the target; measured 0.786 (en→pl) to 0.994 (README)
    assert ours["all"]["ndcg@10"] >= 0.93  # measured 0.952
    assert ours["en→en"]["ndcg@10"] >= plain["en→en"]["ndcg@10"] - 0.05  # same-language search keeps its quality


def test_a_language_without_practices_gives_nothing(corpus_kb):
    assert search_index(corpus_kb, "ogrody", k=5, language="de") == []


def test_a_place_the_knowledge_base_does_not_have_boosts_nothing(corpus_kb):
    from kb.search import query_city

    query = "консультації з мешканцями у дворах, а не в мерії"
    boosted = search_index(corpus_kb, query, k=5)
    plain = search_index(corpus_kb, query, k=5, place_boost=0.0)
    assert [h.practice.id for h in boosted] == [h.practice.id for h in plain]
    assert [round(h.score, 6) for h in boosted] == [round(h.score, 6) for h in plain]
    assert query_city(corpus_kb, "dobre praktyki ze lwowa") == ("Lviv", "UA")
    assert query_city(corpus_kb, "praktyki z Krakowa") is None  # no practice from Kraków here


def test_comparable_practices_cross_languages(corpus_kb):
    from kb.search import similar_practices

    gardens = next(p for p in corpus_kb.store.list() if p.source.key == "las-palmas-huecos-urbanos.pdf")
    similar = similar_practices(corpus_kb, gardens.id, k=3)
    keys = [h.practice.source.key for h in similar]
    assert gardens.id not in [h.practice.id for h in similar] and len(keys) == 3
    assert "sumy-spilnotnyi-horod.pdf" in keys  # the Ukrainian community garden on a vacant plot
    assert {h.practice.language for h in similar} - {"en"}  # comparable practices in other languages


def test_an_exact_name_does_not_hide_the_other_languages_among_good_matches(corpus_kb):
    """An exact name lifts its own practice by the lexical bonus; the practices written in other languages
    must stay good matches beside it."""
    listed = [key_of(h) for h in search_index(corpus_kb, "temporary use of empty shops", k=100) if h.match == "good"]
    assert listed[0] == "bremen-temporary-use-vacant-shops.pdf"
    assert {"walbrzych-lokal-na-start.txt", "lutsk-tymchasove-vykorystannia-prymishchen.docx"} <= set(listed)


@pytest.mark.parametrize("query", ["zzzxqv", "przepis na pierogi ruskie", "як зварити борщ",
                                   "pogoda na jutro we Lwowie", "jak naprawić pralkę która nie wiruje"])
def test_nonsense_gets_no_good_match(corpus_kb, query):
    hits = search_index(corpus_kb, query, k=10)
    assert hits and all(h.match == "weak" for h in hits), [(key_of(h), round(h.score, 3)) for h in hits]


@pytest.mark.parametrize("query,expected", [
    ("житло в обмін на ремонт", "zyrardow-mieszkanie-za-remont.docx"),
    ("ogrody społeczne na pustych działkach", "las-palmas-huecos-urbanos.pdf"),
    ("budżet obywatelski dla młodzieży", "gdansk-youth-participatory-budget.docx"),
])
def test_a_real_cross_lingual_answer_is_a_good_match(corpus_kb, query, expected):
    hits = search_index(corpus_kb, query, k=10)
    good = [key_of(h) for h in hits if h.match == "good"]
    assert expected in good, [(key_of(h), round(h.score, 3), h.match) for h in hits]


@pytest.mark.parametrize("query,expected", [
    ("dobre praktyki ze Lwowa", "Lviv"), ("досвід Житомира", "Zhytomyr"), ("what did Bremen do", "Bremen"),
])
def test_a_query_for_a_city_s_practices_matches_them_well(corpus_kb, query, expected):
    """A query that asks for nothing but a city's practices is answered by each of them, however little else
    they share with its words."""
    hits = search_index(corpus_kb, query, k=10)
    good = [h.practice.city for h in hits if h.match == "good"]
    assert good and set(good) == {expected}, [(h.practice.city, round(h.score, 3), h.match) for h in hits]


def test_the_results_page_says_plainly_when_nothing_matches_well(tmp_path, e5, corpus_copy):
    from ingest.pipeline import ingest_paths
    from kb.config import Settings
    from kb.knowledge import KnowledgeBase
    from web.app import create_app

    from .fixtures.builders import approve_all

    kb = KnowledgeBase(Settings().with_values(data_dir=tmp_path / "data"), embedder=e5)
    ingest_paths(kb, [corpus_copy], workers=1)
    approve_all(kb)
    app = create_app(kb.settings, kb=kb)
    app.config["TESTING"] = True
    client = app.test_client()
    english = {"Accept-Language": "en"}
    page = client.get("/?q=zzzxqv", headers=english).get_data(as_text=True)
    assert "No practice matches “zzzxqv” well" in page and "weak match" in page
    api = client.get("/api/search?q=zzzxqv&k=5").get_json()
    assert api and all(hit["match"] == "weak" for hit in api)
    good = client.get("/?q=mieszkania+komunalne+w+zamian+za+remont", headers=english).get_data(as_text=True)
    assert "No practice matches" not in good and "Mieszkanie za remont" in good.split('class="results"')[1]
    api = client.get("/api/search?q=mieszkania+komunalne+w+zamian+za+remont&k=5").get_json()
    assert api[0]["match"] == "good" and api[0]["title"].startswith("Mieszkanie za remont")
    kb.close()


def test_a_city_named_in_any_inflection_without_a_cue_word(corpus_kb):
    from kb.search import query_city

    assert query_city(corpus_kb, "досвід Житомира") == ("Zhytomyr", "UA")
    assert query_city(corpus_kb, "Żyrardowa mieszkania") == ("Żyrardów", "PL")


def test_a_search_in_a_fresh_process_does_not_load_the_gazetteer(corpus_kb):
    import subprocess
    import sys

    corpus_kb.query_places()  # as ingest leaves it
    code = ("import sys; from kb.config import Settings; from kb.knowledge import KnowledgeBase; "
            "from kb.search import query_city; from kb import places; "
            f"kb = KnowledgeBase(Settings.from_env().with_values(data_dir={str(corpus_kb.settings.data_dir)!r})); "
            "assert query_city(kb, 'praktyki ze Lwowa') == ('Lviv', 'UA'); "
            "assert places.gazetteer.cache_info().currsize == 0, 'the gazetteer was loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)
