"""Results pages: the cluster's view of a round, and one company's results (page and PDF).

Thin: the selectors in results.py and results_questions.py decide what may be shown; the views
pick the round and the company through the access functions and render."""

from __future__ import annotations

import time
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klyngekart.accounts.access import cluster_view
from klyngekart.core.charts import grouped_bar_chart, line_chart
from klyngekart.surveys import results as sel
from klyngekart.surveys import results_cluster as csel
from klyngekart.surveys import results_questions as qsel
from klyngekart.surveys.models import Round, RoundCompany

TREND_AREAS = 6


def _segment_choices(round_: Round) -> list[tuple[str, str]]:
    return [(question.key, question.text()) for question in sel.segment_questions(round_)]


def _segment_param(request: HttpRequest, choices: list[tuple[str, str]]) -> str | None:
    wanted = request.GET.get("segment", "")
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


def _company_rows(
    request: HttpRequest, round_: Round, result: csel.ClusterResults, *, can_open: bool, hidden: SafeString
) -> tuple[SafeString, SafeString]:
    """The listing's table rows as HTML: the companies shown with their figures, then those with
    too few answers (counted in the pooled row between the two). Built here, once per row, not by
    template tags per cell: 400 companies cost the template ~24 ms that way. One reverse() for the
    round and each company's id appended (the route ends in "<rc_id>/")."""
    slug = request.cluster.slug  # type: ignore[attr-defined]
    prefix = reverse("results:company", args=[slug, round_.pk, 1]).removesuffix("1/")
    shown: list[str] = []
    too_few: list[str] = []
    for row in result.companies:
        name = row.round_company.name
        if can_open:
            heading = format_html(
                '<a class="ds-link" href="{}{}/">{}</a>', prefix, row.round_company.pk, name
            )
        else:
            heading = escape(name)
        if row.n.suppressed:
            too_few.append(
                format_html('<tr><th scope="row">{}</th><td colspan="2">{}</td></tr>', heading, hidden)
            )
            continue
        rate = row.response_rate
        # As {% widthratio rate 1 100 %} printed it: whole percent, Python's rounding.
        shown_rate = "–" if rate.suppressed or rate.value is None else f"{round(float(rate.value) * 100)} %"
        shown.append(
            format_html(
                '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', heading, row.n.value, shown_rate
            )
        )
    # Safe to join unescaped: every row came from format_html, which escaped the company's name
    # (or escape() did), its link and figures; `hidden` is the rendered _hidden_short.html.
    return mark_safe("".join(shown)), mark_safe("".join(too_few))  # noqa: S308 - see the comment


@cluster_view("results.cluster")
def cluster_results(request: HttpRequest) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    rounds = list(sel.results_rounds(access=access))
    context: dict[str, Any] = {"rounds": rounds, "round": None}
    if rounds:
        wanted = request.GET.get("round", "")
        round_ = rounds[0]
        if wanted:
            if not wanted.isdigit():
                raise Http404("No such round")
            round_ = sel.access_results_round(access, int(wanted))
        choices = _segment_choices(round_)
        segment = _segment_param(request, choices)
        result = csel.cluster_results(round=round_, segment_question=segment)
        ranked = result.ranked_areas
        segments = segment_context(result)
        shown, too_few = _company_rows(
            request, round_, result, can_open=access.can("results.company"), hidden=segments["hidden_short"]
        )
        context.update(
            company_rows_shown=shown,
            company_rows_too_few=too_few,
            round=round_,
            result=result,
            ranked=ranked,
            chart=gap_chart(ranked, compare=False),
            segment_choices=choices,
            segment=segment,
            **segments,
        )
    return render(request, "surveys/results/cluster.html", context)


@cluster_view("results.company")
def my_results(request: HttpRequest) -> HttpResponse:
    """Where "Results" leads a company contact: its companies' parts in every round."""
    access = request.access  # type: ignore[attr-defined]
    parts = (
        RoundCompany.objects.filter(company_id__in=access.company_ids)
        .exclude(round__status="draft")
        .select_related("round", "membership")
        .order_by("-round__opens_on", "membership__name")
    )
    return render(request, "surveys/results/mine.html", {"parts": list(parts)})


def _company_context(request: HttpRequest, round_id: int, rc_id: int) -> dict[str, Any]:
    access = request.access  # type: ignore[attr-defined]
    part = sel.access_results_company(access, round_id, rc_id)
    round_ = part.round
    choices = _segment_choices(round_)
    segment = _segment_param(request, choices)
    viewer = sel.viewer_companies(access)
    result = sel.company_results(
        round=round_, round_company=part, segment_question=segment, viewer_company_ids=viewer
    )
    ranked = result.ranked_areas
    texts = []
    if not result.suppressed:
        texts = [
            (question, qsel.free_texts(round=round_, round_company=part, question_key=question.key))
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
        "segment": segment,
        "hidden_reason": sel.hidden_reason(result.k),
        **segment_context(result),
    }


@cluster_view("results.company")
def company_results(request: HttpRequest, round_id: int, rc_id: int) -> HttpResponse:
    context = _company_context(request, round_id, rc_id)
    return render(request, "surveys/results/company.html", context)


@cluster_view("results.company")
def company_results_pdf(request: HttpRequest, round_id: int, rc_id: int) -> HttpResponse:
    from klyngekart.reports.company_results import company_results_pdf as build_pdf

    context = _company_context(request, round_id, rc_id)
    started = time.perf_counter()
    pdf = build_pdf(context, cluster=request.cluster, language=get_language() or "nb")  # type: ignore[attr-defined]
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{context['company'].name} {context['round'].title}") or "results"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
