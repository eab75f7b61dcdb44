"""The concept leg: thesaurus terms found in any language and inflection, stored per passage, matched by share."""
import pytest

from kb.concepts import parse, thesaurus
from kb.models import Practice, SourceRef
from kb.store import DocumentRecord, SqliteStore

SAMPLE = (
    "id\ten\tpl\tuk\n"
    "participatory-budget\tparticipatory budget | participatory budgeting\tbudżet obywatelski | budżet partycypacyjny"
    "\tгромадський бюджет | бюджет участі\n"
    "budget\tbudget\tbudżet\tбюджет\n"
    "garden\tgarden | allotment\togród | ogródek działkowy\tгород\n"
)


def test_a_concept_is_one_token_in_every_language_and_inflection():
    t = parse(SAMPLE)
    pb, budget, garden = (t.tokens(x)[0] for x in ("participatory budget", "budget", "garden"))
    assert t.tokens("Wyniki budżetu obywatelskiego w Lublinie") == [pb]  # inflected two-word term
    assert t.tokens("громадського бюджету та городи") == [pb, garden]
    assert t.tokens("budżet miasta i ogródek działkowy") == [budget, garden]  # the longest term at a place wins
    assert t.tokens("zzzxqv asdf") == []


def test_the_shipped_thesaurus_joins_the_three_languages():
    t = thesaurus()
    assert len(t.concepts) >= 1000
    for pair in (("budżet obywatelski", "громадський бюджет", "participatory budgeting"),
                 ("termomodernizacja", "термомодернізація", "thermal modernisation"),
                 ("ogród społeczny", "громадський город", "community garden")):
        tokens = [set(t.tokens(term)) for term in pair]
        assert tokens[0] & tokens[1] & tokens[2], pair


def _store_with(path, title: str, body: str) -> SqliteStore:
    """A store holding one Polish practice, as one passage."""
    store = SqliteStore(path)
    practice = Practice(id="p1", title=title, body=body, language="pl", source=SourceRef("a.txt", "x"))
    store.save_document(DocumentRecord("/a.txt", "a.txt", "x", 1), [practice], {"p1": [f"{title}. {body}"]})
    return store


def test_passages_are_tagged_again_when_the_thesaurus_changes(tmp_path):
    store = _store_with(tmp_path / "kb.sqlite", "Budżet obywatelski",
                        "Mieszkańcy głosowali na projekty budżetu obywatelskiego.")
    tokens = thesaurus().tokens("budżet obywatelski")
    assert tokens and store.concept_search(tokens)  # found through its concept, full share
    assert max(store.concept_search(tokens).values()) == pytest.approx(1.0)
    with store._transaction() as db:  # as if tagged by an older thesaurus, with nothing
        db.execute("DELETE FROM passages_concepts")
        db.execute("UPDATE meta SET value = 'older' WHERE key = 'thesaurus'")
    store.close()
    reopened = SqliteStore(tmp_path / "kb.sqlite")
    assert reopened.concept_search(tokens)
    reopened.close()


def test_a_query_is_translated_term_by_term():
    t = thesaurus()
    assert t.translate("budżet obywatelski dla młodzieży", "en").startswith("participatory budget")
    assert "громадський бюджет" in t.translate("participatory budgeting", "uk")
    assert t.translate("asdf qwerty", "uk") == "asdf qwerty"  # words the thesaurus does not know stay
    assert t.named_share("budżet obywatelski") == 1.0 and t.named_share("horoskop na jutro") == 0.0


def test_the_full_text_stems_are_made_again_when_the_stemmer_changes(tmp_path):
    store = _store_with(tmp_path / "kb.sqlite", "Kawiarenka naprawcza", "Wolontariusze naprawiają rowery i tostery.")
    assert store.lexical_search("rowerów")
    with store._transaction() as db:  # as if stemmed by an older stemmer, into stems no query makes
        db.execute("UPDATE passages_fts SET stems = 'xxxxx'")
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('stemmer', 'older')")
    assert not store.lexical_search("rowerów")
    store.close()
    reopened = SqliteStore(tmp_path / "kb.sqlite")
    assert reopened.lexical_search("rowerów")
    reopened.close()
