"""The map of Europe by country, drawn on the server as SVG from Natural Earth's boundaries.

The boundaries are world-atlas's ``countries-50m.json`` (TopoJSON), vendored by scripts/vendor.sh
into static/vendor/world-atlas/. TopoJSON stores each shared border once, as an *arc*: a list of
integer positions, each but the first a difference from the one before (delta encoding), turned
into longitude and latitude by the file's ``transform`` (scale, then translate). A polygon's ring
is a list of arc indices; ``~i`` (a negative index) means arc ``i`` walked backwards. We decode
the arcs, project them with a Lambert azimuthal equal-area projection centred on Europe (the one
Eurostat's maps use, EPSG:3035, here on a sphere), keep the rings that touch the frame, and cache
the paths for the life of the process. No tiles, no CDN, no JavaScript."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from klyngekart.landscape.reference import COUNTRIES

BOUNDARIES = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas" / "countries-50m.json"
CENTRE = (10.0, 52.0)  # longitude, latitude
WIDTH = 1000.0
# The frame: from Iceland's west coast to eastern Turkey, from Crete to the North Cape.
FRAME_POINTS = [(-24.5, 63.5), (44.0, 38.0), (25.0, 71.5), (-10.0, 36.0), (27.0, 34.6), (40.0, 66.0)]
# Kosovo has no ISO 3166 code in Natural Earth (its id is empty); it is found by name.
NAME_CODES = {"Kosovo": "XK"}
COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08306b"]
EMPTY_COLOUR = "#eef0f2"
THIN = 2.2
EDGE = 8.0


def project(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area, centred on CENTRE; y grows northwards."""
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    k = math.sqrt(
        2 / max(1e-9, 1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as (longitude, latitude) points: undo the delta encoding, then the transform."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((position[0], position[1]))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring's points from its arcs; ``~i`` walks arc i backwards. Each arc after the first
    starts where the one before ended, so that shared point is not repeated."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


@dataclass(frozen=True)
class Frame:
    x0: float
    y0: float
    scale: float
    height: float

    def to_svg(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (self.y0 - y) * self.scale


def frame() -> Frame:
    xs, ys = zip(*(project(lon, lat) for lon, lat in FRAME_POINTS), strict=True)
    scale = WIDTH / (max(xs) - min(xs))
    return Frame(x0=min(xs), y0=max(ys), scale=scale, height=(max(ys) - min(ys)) * scale)


def _path(points: list[tuple[float, float]], box: Frame) -> str:
    """An SVG subpath, thinned: points closer than THIN pixels to the last one kept are dropped,
    and points outside the frame are pulled onto its edge (a margin beyond what shows), so
    Russia's far east costs a few points, not thousands."""
    out: list[tuple[float, float]] = []
    for lon, lat in points:
        x, y = box.to_svg(*project(lon, lat))
        x = min(max(x, -EDGE), WIDTH + EDGE)
        y = min(max(y, -EDGE), box.height + EDGE)
        if out and abs(x - out[-1][0]) < THIN and abs(y - out[-1][1]) < THIN:
            continue
        out.append((x, y))
    if len(out) < 3:
        return ""
    return "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in out) + "Z"


def _inside(points: list[tuple[float, float]], box: Frame) -> bool:
    margin = 50
    for lon, lat in points:
        x, y = box.to_svg(*project(lon, lat))
        if -margin <= x <= WIDTH + margin and -margin <= y <= box.height + margin:
            return True
    return False


@dataclass(frozen=True)
class Shape:
    code: str  # ISO alpha-2 of a directory country, or "" for a neighbour drawn for context
    name: str  # Natural Earth's English name, for neighbours
    path: str


@cache
def shapes() -> tuple[tuple[Shape, ...], Frame]:
    """Every country that shows in the frame, as SVG paths; read and projected once per process."""
    with BOUNDARIES.open(encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = decode_arcs(topology)
    by_numeric = {country.numeric: country.code for country in COUNTRIES if country.numeric}
    box = frame()
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        code = by_numeric.get(str(geometry.get("id") or ""), NAME_CODES.get(name, ""))
        paths: list[str] = []
        for polygon in polygons(geometry):
            rings = [ring_points(ring, arcs) for ring in polygon]
            if rings and _inside(rings[0], box):
                paths.extend(_path(ring, box) for ring in rings)
        path = "".join(paths)
        if path:
            result.append(Shape(code=code, name=name, path=path))
    return tuple(result), box


def classes(counts: dict[str, int]) -> list[tuple[int, int, str]]:
    """Up to five classes (low, high, colour) that share the range 1..max between them."""
    top = max(counts.values(), default=0)
    if top <= 0:
        return []
    bounds: list[int] = []
    for step in range(1, 6):
        bound = max(1, math.ceil(top * step / 5))
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    colours = COLOURS[-len(bounds) :] if len(bounds) < len(COLOURS) else COLOURS
    result, low = [], 1
    for bound, colour in zip(bounds, colours, strict=True):
        result.append((low, bound, colour))
        low = bound + 1
    return result


def colour_for(count: int, scale: list[tuple[int, int, str]]) -> str:
    for low, high, colour in scale:
        if low <= count <= high:
            return colour
    return EMPTY_COLOUR
