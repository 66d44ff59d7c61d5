"""The partner pages: the cluster's ranked partners with their reasons (the cluster's own roles),
a member company's (company roles), the manager's publication and strengths, and a company
contact's opt-in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.partners import matching, scoring, selectors, services
from klyngekart.partners.forms import CompanyPartneringForm, MatchFilterForm, PartnerSettingsForm
from klyngekart.partners.matching import MatchFilters
from klyngekart.partners.publication import published_profile, settings_of
from klyngekart.taxonomy.selectors import visible_areas
from klyngekart.taxonomy.services import taxonomy_current

PAGE_LIMIT = 20


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def collaboration_url(slug: str) -> str | None:
    """Where "Start collaboration" goes: the collaboration pipeline's new opportunity, when that
    app is installed (its URL name exists); else None and the button is not shown."""
    try:
        return reverse("collaborations:create", args=[slug])
    except NoReverseMatch:
        return None


def part_names() -> list[tuple[str, str, int]]:
    names = {
        scoring.COMPLEMENTARITY: _("Complementarity"),
        scoring.SIMILARITY: _("Similarity"),
        scoring.MATURITY: _("Label and maturity"),
        scoring.GEOGRAPHY: _("Geography"),
    }
    return [(part, names[part], round(scoring.WEIGHTS[part] * 100)) for part in scoring.PARTS]


def _filters(form: MatchFilterForm) -> MatchFilters:
    if not form.is_valid():
        return MatchFilters()
    data = form.cleaned_data
    return MatchFilters(
        country=data.get("country") or "",
        label=data.get("label") or "",
        min_score=float(data.get("min_score") or 0),
    )


def _rows(matches: list[matching.Match], names: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [
        {
            "match": match,
            "parts": [
                {
                    "key": key,
                    "name": name,
                    "value": getattr(match.parts, key),
                    "percent": round(getattr(match.parts, key) * 100),
                }
                for key, name, _weight in names
            ],
        }
        for match in matches
    ]


@cluster_view("partners.view")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    if access.is_company_role:
        return _company_index(request, access)
    cluster = access.cluster
    look = selectors.cluster_seeker(cluster)
    form = MatchFilterForm(request.GET or None)
    filters = _filters(form)
    matches = matching.explain(look.seeker, matching.rank(look.seeker, filters=filters, limit=PAGE_LIMIT))
    names = part_names()
    context = {
        "look": look,
        "form": form,
        "rows": _rows(matches, names),
        "part_names": names,
        "needs": [(need, look.need_name(need.code)) for need in look.needs],
        "collaboration_url": collaboration_url(cluster.slug),
        "geography": look.options.get_geography_display(),
    }
    return render(request, "partners/index.html", context)


def _company_index(request: HttpRequest, access: ClusterAccess) -> HttpResponse:
    membership = matching.active_membership(access.cluster, access.company_ids)
    if membership is None:
        raise Http404("No company")
    look = selectors.company_seeker(access.cluster, membership)
    clusters = matching.explain(look.seeker, matching.rank(look.seeker, limit=PAGE_LIMIT, require_met=True))
    companies = matching.companies(
        look.seeker, company_id=membership.company_id, cluster=access.cluster, limit=PAGE_LIMIT
    )
    context = {
        "look": look,
        "clusters": clusters,
        "companies": companies,
        "needs": [look.seeker.need_names.get(code, code) for code in look.seeker.needs],
        "may_opt_in": access.can("partners.company"),
    }
    return render(request, "partners/company_index.html", context)


def _areas(request: HttpRequest) -> list[tuple[str, str]]:
    cluster = _access(request).cluster
    version = taxonomy_current(cluster=cluster)
    return [(area.code, area.name) for area in visible_areas(version=version)]


@cluster_view("partners.settings")
@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest) -> HttpResponse:
    cluster = _access(request).cluster
    record = settings_of(cluster)
    strengths = {row["area"]: row["depth"] for row in selectors.declared_strengths(cluster)}
    initial = {name: getattr(record, name) for name in PartnerSettingsForm.FIELDS}
    form = PartnerSettingsForm(
        request.POST or None, initial=initial, areas=_areas(request), strengths=strengths
    )
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.partner_settings_save(
                cluster=cluster, actor=request.user, values=form.values(), strengths=form.strengths()
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            if profile is not None:
                messages.success(request, _("Saved. Your profile in the cluster landscape is up to date."))
            else:
                messages.success(
                    request, _("Saved. Your cluster publishes no profile in the cluster landscape.")
                )
            return redirect("partners:settings", cluster.slug)
    context = {"form": form, "profile": published_profile(cluster), "record": record}
    return render(request, "partners/settings.html", context)


@cluster_view("partners.company")
@require_http_methods(["GET", "POST"])
def company(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    membership = matching.active_membership(access.cluster, access.company_ids)
    if membership is None:
        raise Http404("No company")
    look = selectors.company_seeker(access.cluster, membership)
    form = CompanyPartneringForm(
        request.POST or None,
        initial={"opted_in": look.opted_in, "strengths": look.strengths},
        areas=_areas(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.company_partnering_save(
                membership=membership,
                actor=request.user,
                opted_in=form.cleaned_data["opted_in"],
                strengths=form.cleaned_data["strengths"],
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:index", access.cluster.slug)
    return render(request, "partners/company.html", {"form": form, "membership": membership})
