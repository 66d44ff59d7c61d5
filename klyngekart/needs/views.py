"""Membership strategy pages. A company contact writes its company's strategy per year; the cluster
team reads every member's strategy, sees the overview for a year and locks the year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.charts import bar_chart
from klyngekart.core.forms import add_service_errors
from klyngekart.members.access import access_membership
from klyngekart.members.models import Membership
from klyngekart.needs import selectors, services
from klyngekart.needs.forms import StrategyForm, YearForm
from klyngekart.needs.models import GoalCategory, MembershipStrategy, StrategyStatus


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _year_or_404(year: int) -> int:
    if not services.year_is_valid(year):
        raise Http404("No such year")
    return year


def _own_memberships(access: ClusterAccess) -> list[Membership]:
    return list(
        Membership.objects.filter(cluster=access.cluster, company_id__in=access.company_ids, status="active")
        .select_related("company")
        .order_by("name")
    )


def _companies_context(access: ClusterAccess, memberships: list[Membership]) -> list[dict]:
    locked = selectors.locked_years(access.cluster)
    return [
        {
            "membership": membership,
            "strategies": selectors.company_strategies(membership=membership),
            "locked": locked,
        }
        for membership in memberships
    ]


@cluster_view("strategy.home")
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if not access.can("strategy.view"):
        # A company contact: its own companies' strategies, year by year.
        return render(
            request,
            "needs/mine.html",
            {
                "companies": _companies_context(access, _own_memberships(access)),
                "this_year": timezone.localdate().year,
            },
        )
    year = timezone.localdate().year
    form = YearForm(request.GET or None, initial={"year": year})
    if form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    if form.is_bound and not form.is_valid():
        # A year that is not on the list: the page shows this year, and so must the select.
        form = YearForm(initial={"year": year})
    overview = selectors.strategy_overview(cluster=access.cluster, year=year)
    chart = bar_chart(
        overview.goal_counts,
        category="label",
        value="count",
        category_title=_("Goal"),
        value_title=_("Submitted strategies"),
        hide_category_title=True,
    )
    return render(
        request,
        "needs/overview.html",
        {"form": form, "overview": overview, "goal_chart": chart, "year": year},
    )


@cluster_view("strategy.view_own")
def company(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "strategy.view_own")
    return render(
        request,
        "needs/company.html",
        {
            "membership": membership,
            "company": _companies_context(access, [membership])[0],
            "this_year": timezone.localdate().year,
            "can_edit": access.can("strategy.edit_own"),
        },
    )


@cluster_view("strategy.view_own")
def detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "strategy.view_own")
    _year_or_404(year)
    strategy = selectors.strategy_for(membership=membership, year=year)
    names = selectors.area_names(access.cluster)
    goal_labels = dict(GoalCategory.choices)
    return render(
        request,
        "needs/detail.html",
        {
            "membership": membership,
            "year": year,
            "strategy": strategy,
            "goals": [goal_labels.get(g, g) for g in (strategy.goal_categories if strategy else [])],
            "areas": [names.get(code, code) for code in (strategy.priority_areas if strategy else [])],
            "locked": services.year_is_locked(cluster=access.cluster, year=year),
            "can_edit": access.can("strategy.edit_own"),
        },
    )


def _form(
    membership: Membership, strategy: MembershipStrategy | None, data: dict | None = None
) -> tuple[StrategyForm, selectors.Suggestion, list[str]]:
    areas = selectors.current_areas(membership.cluster)
    codes = [area.code for area in areas]
    suggestion = selectors.suggested_areas(membership=membership, area_codes=codes)
    form = StrategyForm(data, areas=areas, suggested=suggestion.codes, strategy=strategy)
    return form, suggestion, codes


@cluster_view("strategy.edit_own")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    access = _access(request)
    membership = access_membership(access, pk, "strategy.edit_own")
    _year_or_404(year)
    detail_url = reverse("strategy:detail", args=[access.cluster.slug, membership.pk, year])
    if services.year_is_locked(cluster=access.cluster, year=year):
        messages.warning(request, services.locked_message(year))
        return redirect(detail_url)
    strategy = selectors.strategy_for(membership=membership, year=year)
    form, suggestion, codes = _form(membership, strategy, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            strategy = services.strategy_save(
                membership=membership,
                year=year,
                actor=request.user,
                data=form.data_for_service(),
                area_codes=codes,
                submit=submit,
            )
        except services.StrategyLocked as error:
            messages.error(request, " ".join(error.messages))
            return redirect(detail_url)
        except ValidationError as error:
            add_service_errors(form, error)
            # The draft itself is saved (strategy_save keeps it before it tries to submit).
            strategy = selectors.strategy_for(membership=membership, year=year)
        else:
            if submit:
                messages.success(
                    request, _("The strategy is submitted to the cluster. You can still change it.")
                )
                return redirect(detail_url)
            if strategy.status == StrategyStatus.SUBMITTED:
                # Saving a submitted strategy changes what the cluster sees; it is no draft.
                messages.success(
                    request, _("Your changes are saved. The strategy is still submitted to the cluster.")
                )
            else:
                messages.success(request, _("Your draft is saved."))
            return redirect(request.path)
    return render(
        request,
        "needs/edit.html",
        {
            "membership": membership,
            "year": year,
            "strategy": strategy,
            "form": form,
            "suggestion": suggestion,
        },
    )


def _overview_url(access: ClusterAccess, year: int) -> str:
    return f"{reverse('strategy:index', args=[access.cluster.slug])}?year={year}"


def _posted_year(request: HttpRequest) -> int | None:
    form = YearForm(request.POST)
    return form.cleaned_data.get("year") if form.is_valid() else None


@cluster_view("strategy.lock")
@require_POST
def lock(request: HttpRequest) -> HttpResponse:
    """The year comes in the form, not the address: the walk treats path arguments as objects."""
    access = _access(request)
    year = _posted_year(request)
    if year is None:
        messages.error(request, _("Choose a year to lock."))
        return redirect("strategy:index", access.cluster.slug)
    services.strategy_year_lock(cluster=access.cluster, year=year, actor=request.user)
    messages.success(request, _("The strategies for %(year)s are locked.") % {"year": year})
    return redirect(_overview_url(access, year))


@cluster_view("strategy.lock")
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    year = _posted_year(request)
    if year is None:
        messages.error(request, _("Choose a year to open."))
        return redirect("strategy:index", access.cluster.slug)
    services.strategy_year_unlock(cluster=access.cluster, year=year, actor=request.user)
    message = _("The strategies for %(year)s are open again: the companies can change them.")
    messages.success(request, message % {"year": year})
    return redirect(_overview_url(access, year))
