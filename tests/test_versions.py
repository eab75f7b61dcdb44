"""Versions of one practice (the same practice in two files or two languages): linked, shown once, never lost."""
import pytest

from ingest.pipeline import ingest_paths
from kb.config import Settings
from kb.knowledge import KnowledgeBase
from kb.search import search_index, similar_practices

from .fixtures.builders import docx_file

PL = ("Gmina przekazuje zdewastowane mieszkania komunalne rodzinom, które wyremontują je na własny koszt. "
      "W zamian najemcy otrzymują umowę najmu na czas nieoznaczony i obniżony czynsz przez pierwsze lata. "
      "Program realizowany w Żyrardowie od 2015 roku objął ponad sto lokali, a liczba pustostanów spadła o 40%.")
EN = ("The municipality hands run-down council flats to families who renovate them at their own cost. "
      "In return the tenants get an open-ended tenancy and a reduced rent for the first years. "
      "The programme, run in Żyrardów since 2015, has covered more than a hundred flats, and the number of "
      "empty flats fell by 40%.")
OTHER = ("W Żyrardowie wytyczono nowe drogi rowerowe łączące osiedla z dworcem kolejowym i szkołami. "
         "Miasto postawiło stojaki rowerowe przy przystankach i uruchomiło wypożyczalnię rowerów miejskich, "
         "z której korzysta kilka tysięcy mieszkańców w sezonie.")


@pytest.fixture
def kb(tmp_path, e5):
    base = KnowledgeBase(Settings().with_values(data_dir=tmp_path / "data"), embedder=e5)
    yield base
    base.close()


@pytest.mark.slow
def test_a_translation_in_another_file_is_linked_and_shown_once(kb, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    docx_file(docs / "sheet-pl.docx", "Mieszkanie za remont", paragraphs=[PL])
    docx_file(docs / "newsletter-en.docx", "Flats for renovation in Żyrardów", paragraphs=[EN])
    docx_file(docs / "bikes-pl.docx", "Drogi rowerowe do dworca", paragraphs=[OTHER])
    report = ingest_paths(kb, [docs], workers=1)
    assert len(report.linked) == 1
    by_title = {p.title: p for p in kb.store.list()}
    pl, en, bikes = by_title["Mieszkanie za remont"], by_title["Flats for renovation in Żyrardów"], \
        by_title["Drogi rowerowe do dworca"]
    assert pl.group_id and pl.group_id == en.group_id and not bikes.group_id  # same city, other practice

    hits = search_index(kb, "housing for renovation", k=10)
    ids = [h.practice.id for h in hits]
    assert len({pl.id, en.id} & set(ids)) == 1  # never shown twice
    folded = next(h for h in hits if h.practice.id in (pl.id, en.id))
    assert [v.id for v in folded.versions] == [({pl.id, en.id} - {folded.practice.id}).pop()]
    assert kb.store.count() == 3  # nothing dropped
    assert all(h.practice.id not in (pl.id, en.id) and not h.versions for h in similar_practices(kb, pl.id))

    # The English file changes into another practice: the link goes.
    docx_file(docs / "newsletter-en.docx", "Bike lanes", paragraphs=[(
        "The city of Wrocław opened a network of protected bike lanes along its main avenues, with "
        "bike parking at tram stops and a public bike-share system used by thousands of residents.")])
    ingest_paths(kb, [docs], workers=1)
    assert not kb.get(en.id).group_id and not kb.get(pl.id).group_id  # no group of one
    assert search_index(kb, "renovation of council flats", k=1)[0].versions == ()
