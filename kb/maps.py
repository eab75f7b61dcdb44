"""Practices on a map, drawn on the server as SVG: a place for each city that has practices, places near each
other on the picture gathered into one marker, and country outlines beneath.

The outlines are Natural Earth's countries at 1:110m (public domain) in kb/data/countries.json, written by
scripts/make_basemap.py, so the map needs no tile server and works offline and without JavaScript. A city is
where GeoNames puts it (kb.places, kept for the knowledge base's cities beside the index). The projection is Web Mercator, as on the web maps people know."""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

SPACING = 30.0  # pixels: places closer than this on the picture share one marker
MAX_LAT = 80.0  # Mercator stretches without end towards the poles; no practice lies beyond this


@dataclass(frozen=True, slots=True)
class View:
    """A box of the map in degrees of longitude (west, east) and latitude (south, north)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str | None) -> View | None:
        """A view from "west,south,east,north" (as __str__ writes it); None for anything else."""
        try:
            west, south, east, north = (float(part) for part in (text or "").split(","))
        except ValueError:
            return None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            return None
        return cls(west, south, east, north)

    @classmethod
    def around(cls, points: list[tuple[float, float]], least: float = 1.0, margin: float = 0.15) -> View:
        """The smallest view holding the (lon, lat) points with a margin, and at least `least` degrees wide
        and high (one point, or points in one city, still give a view of the land around them)."""
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        width, height = max(max(lons) - min(lons), least), max(max(lats) - min(lats), least / 2)
        mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
        half_w, half_h = width * (0.5 + margin), height * (0.5 + margin)
        return cls(max(mid_lon - half_w, -180), max(mid_lat - half_h, -MAX_LAT),
                   min(mid_lon + half_w, 180), min(mid_lat + half_h, MAX_LAT))

    def __str__(self) -> str:
        return f"{self.west:.2f},{self.south:.2f},{self.east:.2f},{self.north:.2f}"

    def wider(self) -> View:
        """This view twice as wide and high around the same centre (what "Zoom out" shows)."""
        mid_lon, mid_lat = (self.east + self.west) / 2, (self.north + self.south) / 2
        half_w, half_h = self.east - self.west, self.north - self.south
        return View(max(mid_lon - half_w, -180), max(mid_lat - half_h, -MAX_LAT), min(mid_lon + half_w, 180),
                    min(mid_lat + half_h, MAX_LAT))

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def overlaps(self, west: float, south: float, east: float, north: float) -> bool:
        return west <= self.east and east >= self.west and south <= self.north and north >= self.south


EUROPE = View(-25.0, 34.0, 45.0, 71.0)


def _y(lat: float) -> float:
    """Web Mercator's northing, in degrees (so that one degree of longitude is one unit across)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


@dataclass(frozen=True, slots=True)
class Frame:
    """A view drawn in a picture of width × height pixels; the view is widened to the picture's shape."""

    view: View
    width: int
    height: int

    @classmethod
    def fit(cls, view: View, width: int, height: int) -> Frame:
        top, bottom = _y(view.north), _y(view.south)
        across, down = view.east - view.west, top - bottom
        if across / down < width / height:  # too narrow for the picture: widen
            grow = (down * width / height - across) / 2
            view = View(view.west - grow, view.south, view.east + grow, view.north)
        else:  # too flat: heighten
            grow = (across * height / width - down) / 2
            view = View(view.west, _lat(bottom - grow), view.east, _lat(top + grow))
        return cls(view, width, height)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a point lies on the picture, in pixels from its top-left corner."""
        scale = self.width / (self.view.east - self.view.west)
        return (lon - self.view.west) * scale, (_y(self.view.north) - _y(lat)) * scale


@dataclass(frozen=True, slots=True)
class Pin:
    """A place with practices: its city (as stored), country, coordinates, and how many practices."""

    city: str
    country: str
    lon: float
    lat: float
    count: int


@dataclass(frozen=True, slots=True)
class Marker:
    """What the map draws at one spot: one place, or places near each other on the picture, gathered."""

    pins: tuple[Pin, ...]
    x: float
    y: float

    @property
    def count(self) -> int:
        return sum(p.count for p in self.pins)

    @property
    def single(self) -> bool:
        return len(self.pins) == 1

    def holds(self, city: str, country: str) -> bool:
        """Whether this marker stands for that place."""
        return any(p.city == city and p.country == country for p in self.pins)

    @property
    def radius(self) -> float:
        return round(9 + 3 * math.log2(self.count), 1)

    def view(self, width: int, spacing: float) -> View:
        """Where a click on a gathered marker zooms to: its places, in a view narrow enough that the two
        closest of them lie twice `spacing` apart on a picture `width` wide, and no narrower (the land
        around them stays in sight)."""
        points = [(p.lon, p.lat) for p in self.pins]
        least = 4.0
        if len(points) <= 1000:  # the closest pair, from all pairs at once
            at = np.array([(lon, _y(lat)) for lon, lat in points])
            apart = np.sqrt(((at[:, None, :] - at[None, :, :]) ** 2).sum(axis=2))
            np.fill_diagonal(apart, np.inf)
            least = min(least, max(float(apart.min()) * width / (2 * spacing), 0.05))
        return View.around(points, least=least)


def pins(by_place: dict[tuple[str, str], int], where: Callable[[str, str], tuple[float, float] | None]
         ) -> tuple[list[Pin], int]:
    """The places that `where` (kb.places.QueryPlaces.where: the knowledge base's cities) puts on the map, largest
    first, and how many practices have none (no city, or a city GeoNames does not know)."""
    found, unplaced = [], 0
    for (city, country), count in by_place.items():
        at = where(city, country) if city else None
        if at is None:
            unplaced += count
        else:
            found.append(Pin(city, country, at[0], at[1], count))
    found.sort(key=lambda p: (-p.count, p.city))
    return found, unplaced


def markers(placed: list[Pin], frame: Frame, spacing: float = SPACING, within: View | None = None) -> list[Marker]:
    """The markers of the places within the view asked for (`within`; else the frame's whole view): a place
    closer than `spacing` pixels to a larger one's marker joins it (the marker stays at the larger place).
    Pictures of other shapes widen the view differently; marking only the view asked for, each shows the
    same places."""
    view = within or frame.view
    out: list[tuple[float, float, list[Pin]]] = []
    for pin in sorted(placed, key=lambda p: (-p.count, p.city)):
        if not view.contains(pin.lon, pin.lat):
            continue
        x, y = frame.xy(pin.lon, pin.lat)
        for mx, my, members in out:
            if (mx - x) ** 2 + (my - y) ** 2 < spacing**2:
                members.append(pin)
                break
        else:
            out.append((x, y, [pin]))
    return [Marker(tuple(members), round(x, 1), round(y, 1)) for x, y, members in out]


@dataclass(frozen=True, slots=True)
class _Ring:
    code: str
    box: tuple[float, float, float, float]  # west, south, east, north
    points: tuple[tuple[float, float], ...]


@lru_cache(maxsize=1)
def _rings() -> tuple[_Ring, ...]:
    data = json.loads(resources.files("kb").joinpath("data/countries.json").read_text(encoding="utf-8"))
    out = []
    for country in data["countries"]:
        for ring in country["rings"]:
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            out.append(_Ring(country["code"], (min(lons), min(lats), max(lons), max(lats)),
                             tuple((p[0], p[1]) for p in ring)))
    return tuple(out)


def country_view(code: str) -> View | None:
    """The view of a country's main land (its largest outline), or None for a code the base map lacks."""
    rings = [r for r in _rings() if r.code == code]
    if not rings:
        return None
    main = max(rings, key=lambda r: len(r.points))
    return View.around([main.box[:2], main.box[2:]], least=2.0, margin=0.1)


@lru_cache(maxsize=1)
def _label_points() -> dict[str, tuple[float, float]]:
    """Where a country's name goes: the mean of its main outline's points (inside the country for most)."""
    main: dict[str, _Ring] = {}
    for ring in _rings():
        if ring.code and (ring.code not in main or len(ring.points) > len(main[ring.code].points)):
            main[ring.code] = ring
    return {code: (sum(p[0] for p in ring.points) / len(ring.points), sum(p[1] for p in ring.points) / len(ring.points))
            for code, ring in main.items()}


def country_labels(frame: Frame, margin: float = 40.0) -> list[tuple[str, float, float]]:
    """The countries to name on a close view (narrower than 40 degrees), as (code, x, y) on the picture, where
    their label point lies well inside it: on a close view the outlines alone do not say where one is."""
    if frame.view.east - frame.view.west > 40:
        return []
    out = []
    for code, (lon, lat) in _label_points().items():
        x, y = frame.xy(lon, lat)
        if margin <= x <= frame.width - margin and margin / 2 <= y <= frame.height - margin / 2:
            out.append((code, round(x, 1), round(y, 1)))
    return out


@lru_cache(maxsize=256)
def basemap_svg(frame: Frame, highlight: str = "") -> str:
    """The country outlines within the frame as SVG paths (the `highlight` country marked with a class)."""
    paths: dict[str, list[str]] = {}
    for ring in _rings():
        if not frame.view.overlaps(*ring.box):
            continue
        points = [frame.xy(lon, lat) for lon, lat in ring.points]
        paths.setdefault(ring.code, []).append(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(
        f'<path class="land{" here" if code and code == highlight else ""}" d="{"".join(d)}"/>'
        for code, d in sorted(paths.items(), key=lambda item: item[0] == highlight)  # the highlighted one on top
        if d) if paths else ""


def warm_up() -> None:
    """Read the base map now, not on the first visitor's request."""
    _label_points()
