"""Vega-Lite specs built in Python. The browser renders them with vendored vega-embed;
PDF reports will turn the same specs into SVG. Every chart has a table beside it as its text
alternative, so the numbers are there without JavaScript or sight."""

from __future__ import annotations

from typing import Any

PALETTE = ["#0b4f6c", "#157a8c", "#3aa6b9", "#7cc6d6", "#f29e4c", "#c8553d", "#6c757d"]


def bar_chart(
    rows: list[dict[str, Any]],
    *,
    category: str,
    value: str,
    category_title: str,
    value_title: str,
    sort_by_value: bool = False,
    horizontal: bool = True,
    hide_category_title: bool = False,
) -> dict[str, Any]:
    # A panel's heading often names the categories already; long labels then need the room
    # the axis title would take (vega-lite lets it overlap the labels when they are cut off).
    cat_enc: dict[str, Any] = {
        "field": category,
        "type": "nominal",
        "title": None if hide_category_title else category_title,
        "sort": "-x" if sort_by_value and horizontal else None,
        "axis": {"labelLimit": 260},
    }
    # Counts: whole numbers only, few enough ticks that they never touch in a half-width panel
    # ("26 28"), and the end labels centred on their ticks rather than pushed inwards onto their
    # neighbours; whatever still collides is dropped rather than drawn on top of another.
    val_enc: dict[str, Any] = {
        "field": value,
        "type": "quantitative",
        "title": value_title,
        "axis": {
            "tickMinStep": 1,
            "format": "d",
            "tickCount": 5,
            "labelFlush": False,
            "labelOverlap": "greedy",
        },
    }
    encoding = {"y": cat_enc, "x": val_enc} if horizontal else {"x": cat_enc, "y": val_enc}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": {"step": 26} if horizontal else 240,
        "data": {"values": rows},
        "mark": {"type": "bar", "color": PALETTE[0], "cornerRadiusEnd": 3, "tooltip": True},
        "encoding": encoding,
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def grouped_bar_chart(
    rows: list[dict[str, Any]],
    *,
    category: str,
    value: str,
    series: str,
    value_title: str,
    series_title: str,
    domain: tuple[float, float] | None = None,
    order: list[str] | None = None,
) -> dict[str, Any]:
    """Horizontal bars, one row per category and one bar per series within it (e.g. importance
    and level per competence area, or the company's gap beside the cluster's). ``order`` keeps
    the categories in the caller's order (ranked by gap), which vega-lite would otherwise sort.
    Means, not counts: one decimal on the axis, and a fixed domain so two charts compare."""
    scale: dict[str, Any] = {"zero": True}
    if domain is not None:
        scale = {"domain": list(domain), "nice": False}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "data": {"values": rows},
        "mark": {"type": "bar", "cornerRadiusEnd": 2, "tooltip": True},
        "encoding": {
            "y": {
                "field": category,
                "type": "nominal",
                "title": None,
                "sort": order,
                "axis": {"labelLimit": 260},
            },
            "yOffset": {"field": series, "type": "nominal", "sort": None},
            "x": {
                "field": value,
                "type": "quantitative",
                "title": value_title,
                "scale": scale,
                "axis": {"format": ".1f", "tickCount": 5, "labelFlush": False, "labelOverlap": "greedy"},
            },
            "color": {
                "field": series,
                "type": "nominal",
                "title": series_title,
                "sort": None,
                "scale": {"range": [PALETTE[0], PALETTE[4], PALETTE[2], PALETTE[5]]},
                "legend": {"orient": "top"},
            },
        },
        "height": {"step": 14},
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def line_chart(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    series: str,
    x_title: str,
    y_title: str,
    series_title: str,
    x_order: list[str] | None = None,
) -> dict[str, Any]:
    """Lines with points, one per series, over ordered categories (rounds). A missing point
    (hidden below k) leaves a gap in its line rather than an invented value."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 220,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {
                "field": x,
                "type": "ordinal",
                "title": x_title,
                "sort": x_order,
                "axis": {"labelAngle": 0},
            },
            "y": {"field": y, "type": "quantitative", "title": y_title, "axis": {"format": ".1f"}},
            "color": {
                "field": series,
                "type": "nominal",
                "title": series_title,
                "scale": {"range": PALETTE},
                "legend": {"orient": "top"},
            },
        },
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12}},
    }


def quadrant_scatter(
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    label: str,
    colour: str,
    x_title: str,
    y_title: str,
    x_split: float,
    y_split: float,
    domain: tuple[float, float] = (1, 5),
) -> dict[str, Any]:
    """Points on two scales with a rule at each split, the four quadrants between them (an
    importance–performance map). ``colour`` names the field whose value colours a point."""
    scale = {"domain": list(domain), "nice": False}
    point = {
        "mark": {"type": "point", "filled": True, "size": 110, "tooltip": True},
        "encoding": {
            "x": {"field": x, "type": "quantitative", "title": x_title, "scale": scale},
            "y": {"field": y, "type": "quantitative", "title": y_title, "scale": scale},
            "color": {"field": colour, "type": "nominal", "title": None, "scale": {"range": PALETTE}},
        },
    }
    text = {
        "mark": {"type": "text", "align": "left", "dx": 8, "fontSize": 11},
        "encoding": {
            "x": {"field": x, "type": "quantitative"},
            "y": {"field": y, "type": "quantitative"},
            "text": {"field": label},
        },
    }
    rules = [
        {
            "data": {"values": [{"v": x_split}]},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6c757d"},
            "encoding": {"x": {"field": "v", "type": "quantitative"}},
        },
        {
            "data": {"values": [{"v": y_split}]},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6c757d"},
            "encoding": {"y": {"field": "v", "type": "quantitative"}},
        },
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container",
        "height": 360,
        "data": {"values": rows},
        "layer": [point, text, *rules],
        "config": {"view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12}},
    }
