"""A company's results of a mapping round as a PDF it can take to its management.

typst lays the report out from a JSON file of ready-made strings; the charts are the page's own
Vega-Lite specs turned into SVG by vl-convert. Nothing here decides what may be shown: it prints
what the results selectors returned (privacy.Cell values), so a suppressed figure never reaches
the JSON, let alone the PDF. The fonts are vendored (fonts/), and system fonts are ignored, so the
output is the same on every server.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from klyngekart.reports.renderer import chart_svg, compile_pdf
from klyngekart.surveys.rounds.rates import rate_percent

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "reports" / "company_results.typ"
# A4 holds a chart of about this many areas (two bars each) with its legend and axis, about half a
# page; a longer ranking is split into charts of at most this many areas that share one scale.
CHART_AREAS = 15
# Pixels per bar in print (the page uses 14): 15 areas, two bars each, are 300 px of bars.
CHART_BAR_STEP = 10


def chart_parts(spec: dict[str, Any], per_part: int = CHART_AREAS) -> list[dict[str, Any]]:
    """The grouped bar chart ``spec`` (one row per area, in ``encoding.y.sort`` order) as charts
    of at most ``per_part`` areas each, as evenly filled as they can be. Every part has the legend
    and the axis, and all share the value scale, so the bars of two parts compare."""
    values = spec.get("data", {}).get("values") or []
    if not values:
        return []
    y = spec["encoding"]["y"]
    present = dict.fromkeys(row[y["field"]] for row in values)
    order = [name for name in (y.get("sort") or present) if name in present]
    parts = max(1, math.ceil(len(order) / per_part))
    # As even as can be: 43 areas are 15 + 14 + 14, not 15 + 15 + 13.
    base, extra = divmod(len(order), parts)
    bounds = [0]
    for index in range(parts):
        bounds.append(bounds[-1] + base + (1 if index < extra else 0))
    x = spec["encoding"]["x"]
    numbers = [float(row[x["field"]]) for row in values if row.get(x["field"]) is not None]
    domain = x.get("scale", {}).get("domain") or [min(0.0, *numbers), max(0.0, *numbers)]
    charts = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        names = order[start:end]
        part = copy.deepcopy(spec)
        part["data"] = {"values": [row for row in values if row[y["field"]] in set(names)]}
        part["encoding"]["y"]["sort"] = names
        part["encoding"]["x"]["scale"] = {"domain": list(domain), "nice": True}
        part["height"] = {"step": CHART_BAR_STEP}
        charts.append(part)
    return charts


def _number(value: float | Decimal | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=places)


def _gap_rows(ranked: list[Any], hidden: str) -> list[list[str]]:
    rows = []
    for row in ranked:
        figures = row.figures.value
        cluster = row.cluster.value
        cluster_text = hidden if row.cluster.suppressed else _number(cluster.gap_mean)
        if figures is None:
            rows.append([row.name, hidden, "", "", cluster_text])
        else:
            rows.append(
                [
                    row.name,
                    _number(figures.importance_mean, 1),
                    _number(figures.level_mean, 1),
                    _number(figures.gap_mean),
                    cluster_text,
                ]
            )
    return rows


def _segments(result: Any, hidden: str) -> list[dict[str, Any]]:
    if not result.segments:
        return []
    header = [_("Competence area")] + [seg.label for seg in result.segments]
    rows = []
    for area in result.areas:
        row = [area.name]
        for seg in result.segments:
            cells = {cell.code: cell for cell in seg.areas}
            cell = cells.get(area.code)
            row.append(
                hidden if cell is None or cell.figures.suppressed else _number(cell.figures.value.gap_mean)
            )
        rows.append(row)
    question = result.segment_question.text() if result.segment_question else ""
    return [
        {"title": _("Gaps by group: %(question)s") % {"question": question}, "header": header, "rows": rows}
    ]


def report_data(context: dict[str, Any], *, cluster: Any) -> dict[str, Any]:
    """Everything the typst template prints, as strings, in the active language."""
    result = context["result"]
    hidden_short = _("Hidden (under %(k)s)") % {"k": result.k}
    data: dict[str, Any] = {
        "lang": (translation.get_language() or "nb")[:2],
        "title": _("Competence mapping: results"),
        "cluster": cluster.name,
        "company": context["company"].name,
        "round": context["round"].title,
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "k": result.k,
        "suppressed": result.suppressed,
        "hidden_reason": context["hidden_reason"],
        "respondents": _("hidden") if result.n.suppressed else str(result.n.value),
        "response_rate": "–" if result.response_rate.suppressed else rate_percent(result.response_rate.value),
        "cluster_note": ""
        if result.cluster_shown or result.suppressed
        else _("The cluster average is hidden: the rest of the cluster has fewer than %(k)s answers.")
        % {"k": result.k},
        "charts": [],
        "gap_header": [_("Competence area"), _("Importance"), _("Level"), _("Gap"), _("Cluster gap")],
        "gap_rows": [],
        "segments": [],
        "priorities": [],
        "scale_header": [_("Question"), _("Mean"), _("Answers")],
        "scales": [],
        "texts": [],
        "trend_header": [_("Competence area")] + [r.title for r in context["trend_rounds"]],
        "trend_rows": [],
        "trend_chart": "",
        "text": {
            "respondents": _("Respondents"),
            "response_rate": _("Response rate"),
            "threshold": _("Anonymity threshold (k)"),
            "printed": _("Printed"),
            "gaps_heading": _("Competence gaps by area, against the cluster average"),
            "gap_explained": _(
                "Gap = how important the area will be in 2–3 years minus today's level, both on a scale "
                "of 1 to 5. A large gap is a need. Areas with the largest gap first."
            ),
            "priorities_heading": _("The employees' top priorities"),
            "points_explained": _("First place gives 3 points, second 2, third 1."),
            "scales_heading": _("Scale questions"),
            "random_order": _("In random order."),
            "trend_heading": _("Trend between rounds"),
            "method_heading": _("Method and anonymity"),
            "method": [
                _(
                    "The employees answered anonymously through a link from the cluster. Answers carry no "
                    "name, no e-mail address, no IP address and no time finer than the day, and the list "
                    "of who was invited is kept apart from the answers with no key between them."
                ),
                _(
                    "A figure is shown only when at least %(k)s people stand behind it. A group (such as a "
                    "role) is shown only when both the group and the rest of the company reach %(k)s, and "
                    "the cluster average only when the rest of the cluster does, so that no one can be "
                    "singled out by comparing figures. Free-text answers are shown only from %(k)s "
                    "answers, in random order."
                )
                % {"k": result.k},
            ],
        },
    }
    if result.suppressed:
        return data
    data["charts"] = [svg for part in chart_parts(context["chart"]) if (svg := chart_svg(part))]
    data["gap_rows"] = _gap_rows(context["ranked"], hidden_short)
    data["segments"] = _segments(result, hidden_short)
    for item in context["priorities"]:
        entry: dict[str, Any] = {"question": item.question.text(), "hidden": item.options.suppressed}
        if not item.options.suppressed:
            entry["header"] = [_("Option"), _("Points"), _("Ranked by")]
            entry["rows"] = [[o.label, str(o.points), str(o.chosen_by)] for o in item.options.value]
        data["priorities"].append(entry)
    for item in context["scales"]:
        if item.summary.suppressed:
            data["scales"].append([item.question.text(), hidden_short, ""])
        else:
            mean = _number(item.summary.value.mean, 1)
            if item.summary.value.nps is not None:
                mean = f"{mean} (NPS {item.summary.value.nps})"
            data["scales"].append([item.question.text(), mean, str(item.summary.n)])
    for question, cell in context["texts"]:
        data["texts"].append(
            {
                "question": question.text(),
                "hidden": cell.suppressed,
                # What the team hid stays out of the report (the page lists it only to undo it).
                "items": [] if cell.suppressed else [c.text for c in cell.value if not c.hidden],
            }
        )
    for line in context["trend"]:
        data["trend_rows"].append(
            [line.name] + [hidden_short if p.gap.suppressed else _number(p.gap.value) for p in line.points]
        )
    if len(context["trend_rounds"]) > 1:
        data["trend_chart"] = chart_svg(context["trend_chart"])
    return data


def render_pdf(data: dict[str, Any]) -> bytes:
    # In this process: the page's download is synchronous, and its charts are already SVG.
    return compile_pdf(TEMPLATE, data)


def company_results_pdf(context: dict[str, Any], *, cluster: Any, language: str) -> bytes:
    """The PDF of the company results page's ``context`` (views_results._company_context)."""
    with translation.override(language):
        return render_pdf(report_data(context, cluster=cluster))
