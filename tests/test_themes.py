"""Themes a search query names (practices are tagged from whole texts at ingest: tests/test_ingest.py)."""
from kb.themes import query_themes


def test_a_query_names_every_theme_its_words_belong_to():
    # One word each: a short query must keep both, not only the first theme in the vocabulary's order.
    assert set(query_themes("community garden on wasteland between apartment blocks")) == {"green", "housing"}
    assert set(query_themes("спільнотний город біля гуртожитку")) == {"green", "housing"}
    assert query_themes("water squares for stormwater storage")[0] == "climate"  # named twice: first


def test_a_query_keeps_at_most_three_themes_most_named_first():
    themes = query_themes("garden gardens trees, flats for tenants, bus lanes, heritage, youth")
    assert len(themes) == 3 and themes[0] == "green"


def test_a_whole_word_stem_does_not_match_a_longer_word():
    assert "mobility" in query_themes("a new bus line")
    assert "mobility" in query_themes("nowe buspasy w Krakowie")
    assert "mobility" not in query_themes("symbolic rent for new businesses")
    assert "local-economy" in query_themes("symbolic rent for new businesses")


def test_a_query_without_theme_words_names_none():
    assert query_themes("Mieszkanie za remont w Żyrardowie") == ("housing",)
    assert query_themes("Żyrardów 2024") == ()

