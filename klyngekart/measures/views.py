"""Joint measure pages. The cluster team creates measures (from a need), follows interest and the
cost sharing, and invites the companies with the need; a company contact sees the measures that
match its company's needs and registers how many participants it would send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.measures import selectors, services
from klyngekart.measures.access import access_interest_membership, access_measure
from klyngekart.measures.forms import (
    InterestForm,
    InviteForm,
    MeasureForm,
    OnBehalfInterestForm,
    StatusFilterForm,
    StatusForm,
    rounds_for,
)
from klyngekart.measures.models import Measure
from klyngekart.members.models import Membership
from klyngekart.needs.selectors import area_names, current_areas


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _own_memberships(access: ClusterAccess) -> list[Membership]:
    return list(
        Membership.objects.filter(cluster=access.cluster, company_id__in=access.company_ids, status="active")
        .select_related("company")
        .order_by("name")
    )


@cluster_view("measures.view")
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    names = area_names(access.cluster)
    if access.is_company_role:
        companies = [
            {"membership": m, "measures": selectors.measures_for_company(membership=m)}
            for m in _own_memberships(access)
        ]
        return render(request, "measures/mine.html", {"companies": companies, "names": names})
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    raw_round = request.GET.get("round", "")
    source_round = (
        rounds_for(access.cluster).filter(pk=int(raw_round)).first() if raw_round.isdigit() else None
    )
    measures = selectors.measure_list(status=status, source_round=source_round)
    return render(
        request,
        "measures/list.html",
        {"form": form, "measures": measures, "names": names, "source_round": source_round},
    )


def _prefill(request: HttpRequest, access: ClusterAccess) -> tuple[dict[str, Any], list[Membership]]:
    """From a need: ?areas=code1,code2&round=id fills the areas and the round, and names the
    companies that have the need."""
    codes = {area.code for area in current_areas(access.cluster)}
    areas = [c for c in request.GET.get("areas", "").split(",") if c in codes]
    round_ = None
    if request.GET.get("round", "").isdigit():
        round_ = rounds_for(access.cluster).filter(pk=int(request.GET["round"])).first()
    initial: dict[str, Any] = {"areas": areas}
    if round_ is not None:
        initial["source_round"] = round_.pk
    companies = selectors.companies_with_need(round_=round_, areas=areas) if round_ and areas else []
    return initial, companies


@cluster_view("measures.change")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    areas = current_areas(access.cluster)
    initial, companies = _prefill(request, access)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        instance=Measure(cluster=access.cluster),
        initial=initial,
        areas=areas,
        rounds=rounds_for(access.cluster),
    )
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(
                cluster=access.cluster,
                actor=request.user,
                data=form.data_for_service(),
                area_codes=[a.code for a in areas],
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The measure is created."))
            return redirect("measures:detail", access.cluster.slug, measure.pk)
    return render(request, "measures/form.html", {"form": form, "companies": companies, "measure": None})


@cluster_view("measures.change")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    measure = access_measure(access, pk)
    areas = current_areas(access.cluster)
    # The form validates a scratch copy, so a refused change never touches the stored measure.
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        instance=Measure(cluster=access.cluster),
        initial=model_to_dict(measure),
        areas=areas,
        rounds=rounds_for(access.cluster),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                measure=measure,
                actor=request.user,
                data=form.data_for_service(),
                area_codes=[a.code for a in areas] + list(measure.areas),
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The measure is saved."))
            return redirect("measures:detail", access.cluster.slug, measure.pk)
    return render(request, "measures/form.html", {"form": form, "companies": [], "measure": measure})


@cluster_view("measures.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    measure = access_measure(access, pk)
    costs = selectors.measure_costs(measure)
    own = _own_memberships(access) if access.is_company_role else []
    own_ids = {m.pk for m in own}
    # Everyone sees the totals; the cluster team sees every company's row, a company only its own.
    rows = [
        (interest, row)
        for interest, row in zip(costs.interests, costs.table.rows, strict=True)
        if not access.is_company_role or interest.membership_id in own_ids
    ]
    mine = {i.membership_id: i for i in costs.interests if i.membership_id in own_ids}
    names = area_names(access.cluster)
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "areas": [names.get(code, code) for code in measure.areas],
            "costs": costs,
            "rows": rows,
            "own": [
                {
                    "membership": m,
                    "interest": mine.get(m.pk),
                    "form": InterestForm(
                        initial={"participants": mine[m.pk].participants if m.pk in mine else 1}
                    ),
                }
                for m in own
            ],
            "status_form": StatusForm(initial={"status": measure.status}),
            "reserved": costs.table.participants,
            "can_change": access.can("measures.change"),
            "can_register": access.can("measures.interest_own") and not measure.is_closed,
            "invitations": selectors.measure_invitations(measure) if access.can("measures.change") else [],
            "on_behalf_form": OnBehalfInterestForm(memberships=_active_memberships(access))
            if access.can("measures.interest_any") and not measure.is_closed
            else None,
            "impact": selectors.measure_impact(measure) if access.can("measures.impact") else None,
            "names": names,
        },
    )


def _active_memberships(access: ClusterAccess) -> list[Membership]:
    return list(Membership.objects.filter(cluster=access.cluster, status="active").order_by("name"))


@cluster_view("measures.impact")
def impact(request: HttpRequest) -> HttpResponse:
    """The cluster's impact view shows the completed measures and activities together; it lives on
    the activities floor (activities.views.impact), as measures cannot read activities. This
    address stays for links and bookmarks."""
    access = _access(request)
    target = reverse("activities:impact", args=[access.cluster.slug])
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


@cluster_view("measures.change")
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    measure = access_measure(access, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.measure_set_status(measure=measure, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("The status is now “%s”.") % measure.get_status_display())
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("measures:detail", access.cluster.slug, measure.pk)


@cluster_view("measures.change")
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm before mailing: who will get the invitation (companies and addresses), who has had
    it already and when. Only a POST of this page sends, and only to the companies ticked."""
    access = _access(request)
    measure = access_measure(access, pk)
    candidates = selectors.invitation_candidates(measure)
    new = [c for c in candidates if not c.invited]
    form = InviteForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.measure_invite_companies(
                measure=measure,
                actor=request.user,
                membership_ids=form.cleaned_data.get("companies") or [],
                send_again=form.cleaned_data.get("again") or [],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if count:
                messages.success(
                    request,
                    ngettext(
                        "The invitation is on its way to %(count)s company.",
                        "Invitations are on their way to %(count)s companies.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.warning(
                    request, _("No invitation was sent: every chosen company has had it already.")
                )
        return redirect(reverse("measures:detail", args=[access.cluster.slug, measure.pk]) + "#invitations")
    return render(
        request,
        "measures/invite.html",
        {
            "measure": measure,
            "form": form,
            "new": new,
            "old": [c for c in candidates if c.invited],
            # What is ticked: on the first view every company not yet invited, then what was sent.
            "checked": set(request.POST.getlist("companies"))
            if request.method == "POST"
            else {str(c.membership.pk) for c in new},
            "checked_again": set(request.POST.getlist("again")),
            "ready": measure.source_round_id is not None and bool(measure.areas) and not measure.is_closed,
        },
    )


def _membership_from_post(request: HttpRequest, access: ClusterAccess) -> Membership:
    raw = request.POST.get("membership", "")
    return access_interest_membership(access, pk=int(raw) if raw.isdigit() else 0)


@cluster_view("measures.interest")
@require_POST
def interest(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    measure = access_measure(access, pk)
    membership = _membership_from_post(request, access)
    form = InterestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    else:
        try:
            services.interest_register(
                measure=measure,
                membership=membership,
                participants=form.cleaned_data["participants"],
                actor=request.user,
                on_behalf=access.is_cluster_team,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if access.is_cluster_team:
                messages.success(
                    request, _("The interest of %(company)s is registered.") % {"company": membership.name}
                )
            else:
                messages.success(request, _("Your interest is registered."))
    return redirect(reverse("measures:detail", args=[access.cluster.slug, measure.pk]) + "#interest")


@cluster_view("measures.interest")
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    measure = access_measure(access, pk)
    membership = _membership_from_post(request, access)
    try:
        if services.interest_withdraw(
            measure=measure, membership=membership, actor=request.user, on_behalf=access.is_cluster_team
        ):
            if access.is_cluster_team:
                messages.success(
                    request, _("The interest of %(company)s is withdrawn.") % {"company": membership.name}
                )
            else:
                messages.success(request, _("Your interest is withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("measures:detail", access.cluster.slug, measure.pk)
