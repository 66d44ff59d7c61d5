"""The TopoJSON decoder, the projection and the colour classes of the map."""

from __future__ import annotations

from klyngekart.landscape import worldmap


def test_arcs_are_delta_decoded_and_transformed() -> None:
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10, 20]}, "arcs": [[[0, 0], [2, 0], [0, 3]]]}
    assert worldmap.decode_arcs(topology) == [[(10.0, 20.0), (11.0, 20.0), (11.0, 26.0)]]


def test_a_ring_joins_its_arcs_and_walks_a_negative_index_backwards() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 1.0), (1.0, 0.0)], [(1.0, 1.0), (0.0, 0.0)]]
    # ~1 is arc 1 reversed: (1, 0) -> (1, 1); each arc after the first drops its shared first point.
    assert worldmap.ring_points([0, ~1, 2], arcs) == [(0, 0), (1, 0), (1, 1), (0, 0)]


def test_polygons_and_multipolygons() -> None:
    assert worldmap.polygons({"type": "Polygon", "arcs": [[0]]}) == [[[0]]]
    assert worldmap.polygons({"type": "MultiPolygon", "arcs": [[[0]], [[1]]]}) == [[[0]], [[1]]]
    assert worldmap.polygons({"type": None}) == []


def test_the_projection_puts_north_up_and_the_centre_at_the_origin() -> None:
    assert worldmap.project(10, 52) == (0.0, 0.0)
    oslo, rome = worldmap.project(10.75, 59.9), worldmap.project(12.5, 41.9)
    assert oslo[1] > 0 > rome[1]


def test_every_directory_country_is_drawn_from_the_vendored_boundaries() -> None:
    shapes, frame = worldmap.shapes()
    codes = {shape.code for shape in shapes if shape.code}
    assert {"NO", "SE", "DE", "FR", "IS", "MT", "XK", "CY"} <= codes
    assert frame.height > 0
    norway = next(shape for shape in shapes if shape.code == "NO")
    assert norway.path.startswith("M") and norway.path.count("Z") > 10  # the coast and its islands


def test_colour_classes_share_the_range() -> None:
    scale = worldmap.classes({"NO": 10, "SE": 1})
    assert scale[0][0] == 1 and scale[-1][1] == 10 and len(scale) == 5
    assert worldmap.colour_for(10, scale) == worldmap.COLOURS[-1]
    assert worldmap.colour_for(0, scale) == worldmap.EMPTY_COLOUR
    assert worldmap.classes({"NO": 2}) == [(1, 1, worldmap.COLOURS[-2]), (2, 2, worldmap.COLOURS[-1])]
    assert worldmap.classes({}) == []
