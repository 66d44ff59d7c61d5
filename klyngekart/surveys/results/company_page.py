"""What a company's results page and its PDF report show, and the charts and segment tables the
results pages share. One function builds it for both, so the PDF (klyngekart/reports/) prints what
the page shows and decides nothing of its own."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.core.charts import grouped_bar_chart, line_chart
from klyngekart.surveys.models import Round
from klyngekart.surveys.results import cluster as csel
from klyngekart.surveys.results import core as sel
from klyngekart.surveys.results import questions as qsel

TREND_AREAS = 6


def segment_choices(round_: Round) -> list[tuple[str, str]]:
    return [(question.key, question.text()) for question in sel.segment_questions(round_)]


def segment_param(wanted: str, choices: list[tuple[str, str]]) -> str | None:
    """The segment question a page asks for, if it is one of the round's."""
    return wanted if wanted in {key for key, _label in choices} else None


def gap_chart(rows: list[sel.AreaRow], *, compare: bool) -> dict[str, Any]:
    """Importance and level per area (cluster), or the company's gap beside the cluster's."""
    values: list[dict[str, Any]] = []
    order = [row.name for row in rows]
    for row in rows:
        figures = row.figures.value
        if figures is None:
            continue
        if compare:
            values.append({"area": row.name, "series": _("Your company"), "value": figures.gap_mean})
            if row.cluster.value is not None:
                values.append({"area": row.name, "series": _("Cluster"), "value": row.cluster.value.gap_mean})
        else:
            values.append(
                {"area": row.name, "series": _("Importance in 2–3 years"), "value": figures.importance_mean}
            )
            values.append({"area": row.name, "series": _("Today's level"), "value": figures.level_mean})
    return grouped_bar_chart(
        values,
        category="area",
        value="value",
        series="series",
        value_title=_("Mean gap (importance − level)") if compare else _("Mean (1–5)"),
        series_title="",
        domain=None if compare else (0, 5),
        order=[name for name in order if any(v["area"] == name for v in values)],
    )


def trend_chart(lines: list[qsel.TrendLine]) -> dict[str, Any]:
    rows = [
        {"round": point.round.title, "gap": point.gap.value, "area": line.name}
        for line in lines
        for point in line.points
        if point.gap.value is not None
    ]
    order = [point.round.title for point in lines[0].points] if lines else []
    return line_chart(
        rows,
        x="round",
        y="gap",
        series="area",
        x_title=_("Round"),
        y_title=_("Mean gap"),
        series_title=_("Competence area"),
        x_order=order,
    )


def segment_context(result: sel.CompanyResults | csel.ClusterResults) -> dict[str, Any]:
    """What _segment_table.html reads: per area, its cell in each segment (None when the whole
    segment is hidden), and the hidden marker rendered once rather than per cell."""
    by_segment = [
        None if segment.suppressed else {row.code: row.figures for row in segment.areas}
        for segment in result.segments
    ]
    rows = [
        (row, [None if cells is None else cells.get(row.code) for cells in by_segment])
        for row in result.areas
    ]
    hidden = render_to_string("surveys/results/_hidden_short.html", {"k": result.k})
    return {"segment_rows": rows, "hidden_short": mark_safe(hidden)}  # noqa: S308 - a rendered template


def company_page(access: ClusterAccess, round_id: int, rc_id: int, segment: str = "") -> dict[str, Any]:
    """What a company's results page and its PDF show, through the one door for the company
    (``access_results_company``). Raises NotReleased before the round's results are released."""
    part = sel.access_results_company(access, round_id, rc_id)
    round_ = part.round
    choices = segment_choices(round_)
    chosen = segment_param(segment, choices)
    viewer = sel.viewer_companies(access)
    result = sel.company_results(
        round=round_, round_company=part, segment_question=chosen, viewer_company_ids=viewer
    )
    ranked = result.ranked_areas
    texts = []
    if not result.suppressed:
        texts = [
            (
                question,
                qsel.free_texts(
                    round=round_,
                    round_company=part,
                    question_key=question.key,
                    # The team sees what it hid, marked, so that it can show it again.
                    with_hidden=access.can("results.moderate"),
                ),
            )
            for question in qsel.free_text_questions(round_)
        ]
    shown_codes = [row.code for row in ranked if not row.figures.suppressed][:TREND_AREAS]
    trend = (
        qsel.company_trend(membership=part.membership, area_codes=shown_codes, viewer_company_ids=viewer)
        if shown_codes
        else []
    )
    return {
        "round": round_,
        "part": part,
        # The company as this cluster records it (its membership), never another cluster's name.
        "company": part.membership,
        "result": result,
        "ranked": ranked,
        "chart": gap_chart(ranked, compare=True),
        "priorities": qsel.company_top_priorities(results=result),
        "scales": qsel.company_scale_summaries(results=result),
        "texts": texts,
        "trend": trend,
        "trend_rounds": [point.round for point in trend[0].points] if trend else [],
        "trend_chart": trend_chart(trend),
        "segment_choices": choices,
        "segment": chosen,
        "hidden_reason": sel.hidden_reason(result.k),
        **segment_context(result),
    }
