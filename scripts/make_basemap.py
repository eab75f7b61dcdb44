"""Write kb/data/countries.json, the map's base layer: country outlines from Natural Earth (public domain,
naturalearthdata.com), 1:110m, as geopandas 0.14.4 ships them (geopandas/datasets/naturalearth_lowres).

Run once by a developer, not at install or run time (the output is committed):

    pip download --no-deps -d /tmp/ne geopandas==0.14.4 && pip install pyshp
    python scripts/make_basemap.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

Each country is its ISO 3166 alpha-2 code, its English name and its rings as [lon, lat] pairs rounded to
0.01 degree (about 1 km: finer than the 1:110m outlines themselves)."""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pycountry
import shapefile  # pyshp

STEM = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = Path(__file__).resolve().parent.parent / "kb" / "data" / "countries.json"
NO_CODE = {"Kosovo": "XK"}  # Natural Earth writes -99 where ISO 3166 has no code


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        files = {ext: io.BytesIO(z.read(f"{STEM}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(**files, encoding="latin-1")  # its .cpg says ISO-8859-1
    countries = []
    for item in reader.shapeRecords():
        name, iso3 = item.record["name"], item.record["iso_a3"]
        found = pycountry.countries.get(alpha_3=iso3)
        code = found.alpha_2 if found else NO_CODE.get(name, "")
        parts = list(item.shape.parts) + [len(item.shape.points)]
        rings = [[[round(x, 2), round(y, 2)] for x, y in item.shape.points[a:b]] for a, b in zip(parts, parts[1:])]
        countries.append({"code": code, "name": name, "rings": rings})
    countries.sort(key=lambda c: (c["code"] or "~", c["name"]))
    OUT.write_text(json.dumps({"source": "Natural Earth 1:110m Admin 0 countries (public domain), via geopandas "
                                         "0.14.4's naturalearth_lowres", "countries": countries},
                              separators=(",", ":")) + "\n")
    print(f"{len(countries)} countries, {OUT.stat().st_size // 1024} KiB -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
