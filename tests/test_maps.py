"""The map of practices: places from GeoNames, markers gathered and zoomed apart, the offline base map, and a
map page whose every marker lists, when clicked, as many practices as it says."""
from __future__ import annotations

import html
import re

import pytest

from kb.maps import EUROPE, Frame, Pin, View, basemap_svg, country_view, markers, pins
from kb.places import QueryPlaces


def _placed(by_place: dict[tuple[str, str], int]) -> tuple[list[Pin], int]:
    """The places on the map, through the knowledge base's own table of its cities (as the web app does)."""
    return pins(by_place, QueryPlaces.build(set(by_place)).where)


def _pins(*places: tuple[str, str, int]) -> list[Pin]:
    found, unplaced = _placed({(city, country): n for city, country, n in places})
    assert unplaced == 0
    return found


def test_places_come_from_geonames_in_any_spelling_and_unknown_ones_are_counted_apart():
    found, unplaced = _placed({("Żyrardów", "PL"): 2, ("Житомир", "UA"): 1, ("Atlantis", "PL"): 3, ("", "DE"): 4})
    assert [(p.city, p.count) for p in found] == [("Żyrardów", 2), ("Житомир", 1)]
    assert unplaced == 7  # a city GeoNames does not know, and a record that names only its country
    zyrardow, zhytomyr = found
    assert (round(zyrardow.lon, 1), round(zyrardow.lat, 1)) == (20.4, 52.0)
    assert (round(zhytomyr.lon, 1), round(zhytomyr.lat, 1)) == (28.7, 50.3)


def test_a_view_is_read_only_from_four_numbers_in_range():
    assert View.parse("14.1,49.0,24.2,54.9") == View(14.1, 49.0, 24.2, 54.9)
    for bad in ("", None, "1,2,3", "a,b,c,d", "10,50,5,60", "0,95,10,96", "nan,1,2,3", "1,2,inf,4"):
        assert View.parse(bad) is None, bad
    assert View.parse(str(EUROPE)) == EUROPE


def test_a_frame_keeps_the_view_and_widens_it_to_the_pictures_shape():
    frame = Frame.fit(View(14.0, 49.0, 24.2, 54.9), 960, 600)  # Poland: taller than the picture allows
    assert frame.view.south == 49.0 and frame.view.north == 54.9 and frame.view.west < 14.0 and frame.view.east > 24.2
    assert frame.xy(frame.view.west, frame.view.north) == (0.0, 0.0)
    x, y = frame.xy(frame.view.east, frame.view.south)
    assert round(x) == 960 and round(y) == 600


def test_places_close_on_the_picture_are_gathered_and_a_click_zooms_until_they_are_apart():
    placed = _pins(("Warsaw", "PL", 5), ("Pruszków", "PL", 2), ("Żyrardów", "PL", 1), ("Kraków", "PL", 3),
                   ("Lviv", "UA", 1))
    frame = Frame.fit(EUROPE, 960, 600)
    shown = markers(placed, frame)
    assert sum(m.count for m in shown) == 12  # no practice lost or counted twice
    warsaw = next(m for m in shown if m.pins[0].city == "Warsaw")
    assert {p.city for p in warsaw.pins} == {"Warsaw", "Pruszków", "Żyrardów"} and warsaw.count == 8
    zoomed = Frame.fit(warsaw.view(960, 30.0), 960, 600)
    apart = markers(placed, zoomed)
    assert {p.city for m in apart for p in m.pins} >= {"Warsaw", "Pruszków", "Żyrardów"}
    assert all(m.single for m in apart if m.pins[0].city in ("Warsaw", "Pruszków", "Żyrardów"))
    assert zoomed.view.east - zoomed.view.west < (frame.view.east - frame.view.west) / 8
    assert all(zoomed.view.contains(p.lon, p.lat) for p in warsaw.pins)
    assert markers(placed, Frame.fit(View(0.0, 40.0, 5.0, 45.0), 960, 600)) == []  # nothing outside the view


def test_the_base_map_ships_with_the_package_and_draws_only_what_the_view_shows():
    poland = country_view("PL")
    assert poland is not None and poland.contains(21.0, 52.2) and not poland.contains(2.35, 48.85)
    assert country_view("ZZ") is None
    svg = basemap_svg(Frame.fit(poland, 320, 200), "PL")
    assert svg.count('class="land here"') == 1 and svg.rindex('class="land here"') > svg.rindex('class="land"')
    assert 4 <= svg.count("<path") <= 20  # Poland and its neighbours, not the world
    assert basemap_svg(Frame.fit(EUROPE, 960, 600)).count("<path") > 30


@pytest.fixture
def client(web_app):
    return web_app.test_client()


def _listed(page: str) -> int:
    return int(re.search(r'class="results-title" role="status">(\d+) practices?</p>', page).group(1))


def test_every_marker_and_place_on_the_map_lists_what_it_counts(client, kb):
    page = client.get("/map", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _listed(page) == kb.store.count() == 3
    wide, narrow = (page.split(f'<svg class="map-{name}"', 1)[1].split("</svg>", 1)[0] for name in ("wide", "narrow"))
    listed = re.findall(r'<li><a href="(/practices\?[^"]+)">([^<]+)</a> — (\d+) practices?</li>', page)
    for picture in (wide, narrow):  # the screen's picture and the phone's, each with its own markers
        marked = re.findall(r'<a class="marker" href="([^"]+)">\s*<title>([^<]+): (\d+) practices?</title>', picture)
        assert {title for _, title, _ in marked} == {"Żyrardów, Poland", "Wałbrzych, Poland",
                                                      "Las Palmas de Gran Canaria, Spain"}
        assert sorted((h, int(n)) for h, _, n in marked) == sorted((h, int(n)) for h, _, n in listed)
    for href, _, count in marked:
        assert _listed(client.get(html.unescape(href), headers={"Accept-Language": "en"}).get_data(as_text=True)) \
            == int(count), href


def test_the_map_filters_like_search_and_shows_visitors_approved_practices_only(client, kb):
    from kb import curation
    from kb.models import Status

    polish = client.get("/map?lang=pl&country=PL", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _listed(polish) == 2 and "Las Palmas" not in polish.split("<svg", 1)[1]
    assert 'class="land here"' in polish  # the chosen country stands out
    draft = next(p for p in kb.store.list() if p.city == "Żyrardów")
    curation.set_status(kb, draft.id, Status.DRAFT, actor="test")
    page = client.get("/map", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _listed(page) == 2 and "Żyrardów" not in page.split("<svg", 1)[1]


def test_a_zoomed_map_counts_what_lies_outside_and_survives_a_bad_view(client):
    page = client.get("/map?view=14.0,49.0,24.2,54.9", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 more practice lies outside this view." in page and "Zoom out" in page
    assert "2 practices in this view · 3 in all" in page and "Show all 3 practices as a list" in page
    assert "Las Palmas" not in page.split("<svg", 1)[1] and ">Poland</text>" in page  # a close view names countries
    assert client.get("/map?view=1,2,3").status_code == 200  # a hand-edited link shows the whole map
    ukrainian = client.get("/map", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "Мапа практик" in ukrainian and "Жирардув, Польща" in ukrainian


def test_a_practice_page_shows_its_place_on_a_small_map(client, kb):
    practice = next(p for p in kb.store.list() if p.city == "Wałbrzych")
    page = client.get(f"/practices/{practice.id}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    small = page.split('<figure class="mini-map">', 1)[1].split("</figure>", 1)[0]
    assert 'aria-label="Wałbrzych, Polska na mapie"' in small and 'class="land here"' in small
    assert 'class="dot"' in small and "/map?view=" in small
    opened = client.get(re.search(r'href="(/map\?[^"]+)"', small).group(1).replace("&amp;", "&"),
                        headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert re.search(r'<a class="marker here" href="[^"]+city=Wa%C5%82brzych', opened)  # where the visitor came from


def test_the_screens_picture_and_the_phones_mark_the_same_places():
    placed = _pins(("Zhytomyr", "UA", 1), ("Chernivtsi", "UA", 1), ("Lutsk", "UA", 1), ("Kyiv", "UA", 2))
    view = View(24.78, 48.31, 32.58, 52.21)  # Chernivtsi (25.9, 48.3) lies just south of it
    wide, narrow = Frame.fit(view, 960, 600), Frame.fit(view, 400, 520)
    assert narrow.view.contains(25.94, 48.29)  # the phone's taller picture shows Chernivtsi's land...
    for frame in (wide, narrow):  # ...but neither marks a place outside the view asked for
        assert sorted(p.city for m in markers(placed, frame, within=view) for p in m.pins) == ["Kyiv", "Lutsk",
                                                                                              "Zhytomyr"]
