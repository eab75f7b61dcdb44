"""The map of practices: a marker for each city with practices under the search page's filters, places close
on the picture gathered into one marker (a click zooms in), a city's marker opening the practices there, and
the same places as a list beneath for keyboard and screen-reader users. Drawn on the server (kb.maps)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from markupsafe import Markup

from kb.browse import places
from kb.maps import EUROPE, SPACING, Frame, Marker, Pin, View, basemap_svg, country_labels, country_view, markers, pins

from .access import knowledge as _kb
from .access import visible_status
from .filters import filter_form, page_filters

bp = Blueprint("maps", __name__)
# Two pictures of the same view: a wide one for screens, a narrow one that a phone shows instead (CSS), each with
# its own markers, so that neither shrinks its markers and their names out of sight.
PICTURES = {"wide": (960, 600), "narrow": (400, 520)}
LISTED = 200  # places listed under the map, most practices first
LABELLED = 30  # a picture names its single places when it has at most this many markers


@dataclass(frozen=True, slots=True)
class Picture:
    """One drawing of the map: its frame, base layer, markers, country names, and whether it names its places."""

    name: str
    frame: Frame
    base: Markup
    markers: list[Marker]
    countries: list[tuple[str, float, float]]
    labelled: bool

    @classmethod
    def of(cls, name: str, view: View, placed: list[Pin], highlight: str) -> Picture:
        frame = Frame.fit(view, *PICTURES[name])
        shown = markers(placed, frame, within=view)
        return cls(name, frame, Markup(basemap_svg(frame, highlight)), shown, country_labels(frame),
                   len(shown) <= LABELLED)


@bp.get("/map")
def index():
    chosen = page_filters()
    counted = places(_kb(), chosen, status=visible_status())
    placed, unplaced = pins(counted.by_place, _kb().query_places().where)
    here = _here(request.args.get("here", ""))
    chosen_view = View.parse(request.args.get("view"))
    if chosen_view:
        view = chosen_view
    elif placed:
        view = View.around([(p.lon, p.lat) for p in placed], least=8.0)
    else:
        view = country_view(chosen["country"].upper()) if chosen["country"] else None
    highlight = here[1] if here else (chosen["country"] or "").upper()
    pictures = [Picture.of(name, view or EUROPE, placed, highlight) for name in PICTURES]
    wide = pictures[0]
    in_view = sorted((pin for m in wide.markers for pin in m.pins), key=lambda p: (-p.count, p.city))
    shown_count = sum(p.count for p in in_view)
    return render_template(
        "search/map.html", pictures=pictures, in_view=in_view[:LISTED], more_places=max(0, len(in_view) - LISTED),
        in_view_count=shown_count, outside=sum(p.count for p in placed) - shown_count, unplaced=unplaced,
        total=counted.total, zoomed=chosen_view is not None, wider=str(wide.frame.view.wider()), here=here,
        here_arg=request.args.get("here", "") if here else "", spacing=SPACING, **filter_form(counted.counts, chosen))


def _here(arg: str) -> tuple[str, str] | None:
    """The place a visitor came from ("Zhytomyr|UA", from a practice page's small map), to mark on the map."""
    city, _, country = arg.rpartition("|")
    return (city, country.upper()) if city and len(country) == 2 else None


@bp.app_context_processor
def helpers():
    return {"small_map": small_map}


@dataclass(frozen=True, slots=True)
class SmallMap:
    """A practice page's map of its place: the picture, and the big map's arguments around that place."""

    svg: Markup
    link: dict[str, str]


def small_map(practice, label: str) -> SmallMap | None:
    """A small map of a practice's place (its country marked, its city a dot), described by `label`, with the
    link to the big map around it (that place marked); its country alone where the city is not known; None
    where neither is."""
    at = _kb().query_places().where(practice.city, practice.country) if practice.city else None
    view = View.around([at], least=14.0) if at else country_view(practice.country)
    if view is None:
        return None
    frame = Frame.fit(view, 320, 200)
    dot = ""
    if at:
        x, y = frame.xy(*at)
        dot = f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="6"/>'
    svg = Markup('<svg class="mini-map" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" '
                 'xmlns="http://www.w3.org/2000/svg">{base}{dot}</svg>').format(
        w=frame.width, h=frame.height, label=label, base=Markup(basemap_svg(frame, practice.country)),
        dot=Markup(dot))
    link = ({"view": str(View.around([at], least=6.0)), "here": f"{practice.city}|{practice.country}"} if at
            else {"country": practice.country})
    return SmallMap(svg, link)
