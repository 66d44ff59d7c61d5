"""Results pages: the cluster's view of a round, and one company's results (its PDF is the reports
app's, built from the same ``company_page``).

Thin: the read side (core, cluster, questions, company_page) decides what may be shown; the views
pick the round and the company through the access functions and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klyngekart.accounts.access import cluster_view
from klyngekart.surveys.models import ReleasedText, Round, RoundCompany
from klyngekart.surveys.results import cluster as csel
from klyngekart.surveys.results import core as sel
from klyngekart.surveys.results.company_page import (
    company_page,
    gap_chart,
    segment_choices,
    segment_context,
    segment_param,
)
from klyngekart.surveys.results.fragments import released_fragment
from klyngekart.surveys.results.release import (
    NotReleased,
    release_progress,
    release_state,
    released_comment_set_hidden,
)
from klyngekart.surveys.rounds.rates import rate_percent


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
        # The name is the only part that can hold markup: it is escaped here, once. The link's
        # prefix came from reverse() and the id, the count and the rate are numbers.
        name = escape(row.round_company.name)
        heading = (
            f'<a class="ds-link" href="{prefix}{row.round_company.pk:d}/">{name}</a>' if can_open else name
        )
        if row.n.suppressed:
            too_few.append(f'<tr><th scope="row">{heading}</th><td colspan="2">{hidden}</td></tr>')
            continue
        rate = row.response_rate
        shown_rate = "–" if rate.suppressed else rate_percent(rate.value)
        shown.append(
            f'<tr><th scope="row">{heading}</th><td>{int(row.n.value or 0):d}</td><td>{shown_rate}</td></tr>'
        )
    # Safe to join unescaped: the name went through escape(), the link's prefix is reverse()'s,
    # the figures are formatted numbers, and `hidden` is the rendered _hidden_short.html.
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
        context["round"] = round_
        choices = segment_choices(round_)
        segment = segment_param(request.GET.get("segment", ""), choices)
        can_open = access.can("results.company")
        try:
            # The figures' section is drawn once per release and what else it shows (fragments.py).
            fragment = released_fragment("cluster-results", round_, segment, can_open, access.cluster.slug)
            context.update(segment_choices=choices, segment=segment, fragment=fragment)
            if fragment.cached:
                return render(request, "surveys/results/cluster.html", context)
            result = csel.cluster_results(round=round_, segment_question=segment)
        except NotReleased:
            context.update(_unreleased(round_))
            return render(request, "surveys/results/cluster.html", context)
        ranked = result.ranked_areas
        segments = segment_context(result)
        shown, too_few = _company_rows(
            request, round_, result, can_open=can_open, hidden=segments["hidden_short"]
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


def _unreleased(round_: Round) -> dict[str, Any]:
    """What the pages say while a round's results are not released (see release.py for why)."""
    state = release_state(round_)
    release = getattr(round_, "release", None) if state.building else None
    return {"unreleased": state, "progress": release_progress(release) if release else None}


@cluster_view("results.company")
def company_results(request: HttpRequest, round_id: int, rc_id: int) -> HttpResponse:
    try:
        context = company_page(request.access, round_id, rc_id, request.GET.get("segment", ""))  # type: ignore[attr-defined]
    except NotReleased as unreleased:
        part = sel.access_results_company(request.access, round_id, rc_id)  # type: ignore[attr-defined]
        context = {"round": unreleased.round, "part": part, "company": part.membership}
        context.update(_unreleased(unreleased.round))
        return render(request, "surveys/results/company_unreleased.html", context)
    return render(request, "surveys/results/company.html", context)


@require_POST
@cluster_view("results.moderate")
def comment_hide(request: HttpRequest, round_id: int, comment_id: Any) -> HttpResponse:
    """Hide a released comment, or show it again (the cluster team only)."""
    access = request.access  # type: ignore[attr-defined]
    round_ = sel.access_results_round(access, round_id)
    try:
        released_comment_set_hidden(
            round_=round_, comment_id=comment_id, hidden=request.POST.get("hidden") != "0", actor=request.user
        )
    except ReleasedText.DoesNotExist as missing:
        raise Http404("No such comment") from missing
    messages.success(
        request,
        _("The comment is hidden.")
        if request.POST.get("hidden") != "0"
        else _("The comment is shown again."),
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("results:cluster", args=[access.cluster.slug])
    return redirect(target)
