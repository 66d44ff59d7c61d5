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
