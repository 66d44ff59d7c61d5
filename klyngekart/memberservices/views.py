"""Pages of the service portfolio and the member survey's results, for the cluster team."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.charts import quadrant_scatter
from klyngekart.core.forms import add_service_errors
from klyngekart.core.privacy import k_threshold
from klyngekart.memberservices import selectors, services
from klyngekart.memberservices.access import access_service
from klyngekart.memberservices.forms import MemberSurveyForm, PulseScheduleForm, SegmentForm, ServiceForm
from klyngekart.memberservices.models import MemberService, PulseSchedule
from klyngekart.memberservices.pulse import pulse_schedule_of, pulse_schedule_save
from klyngekart.surveys import results


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("services.view")
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    rounds = selectors.member_survey_rounds(access.cluster)
    return render(
        request,
        "memberservices/list.html",
        {
            "services": list(selectors.service_list()),
            "rounds": list(reversed(rounds)),
            "pulse": pulse_schedule_of(access.cluster),
        },
    )


@cluster_view("services.change")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = ServiceForm(request.POST or None, instance=MemberService(cluster=access.cluster))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_create(cluster=access.cluster, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The service is added."))
            return redirect("memberservices:list", access.cluster.slug)
    return render(request, "memberservices/form.html", {"form": form, "service": None})


@cluster_view("services.change")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    service = access_service(access, pk)
    # The form validates a scratch copy, so a refused change never touches the stored service.
    form = ServiceForm(
        request.POST or None, instance=MemberService(cluster=access.cluster), initial=model_to_dict(service)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(service=service, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The service is saved."))
            return redirect("memberservices:list", access.cluster.slug)
    return render(request, "memberservices/form.html", {"form": form, "service": service})


@cluster_view("services.change")
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    opens_on, closes_on = services.default_dates()
    form = MemberSurveyForm(
        request.POST or None,
        initial={
            "title": _("Member survey %(year)s") % {"year": opens_on.year},
            "opens_on": opens_on,
            "closes_on": closes_on,
            "reminder_days": "7, 14",
        },
    )
    active = list(selectors.service_list(active_only=True))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.member_survey_create(
                cluster=access.cluster,
                actor=request.user,
                title=form.cleaned_data["title"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                reminder_days=form.cleaned_data["reminder_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(
                request, _("The member survey is created. Invite the contacts and open the round.")
            )
            return redirect("rounds:detail", access.cluster.slug, round_.pk)
    return render(request, "memberservices/survey_new.html", {"form": form, "active": active})


def _chart(service_map: selectors.ServiceMap) -> dict[str, Any] | None:
    rows = [
        {
            "service": point.name,
            "importance": point.importance.value.mean,
            "satisfaction": point.satisfaction.value.mean,
            "quadrant": point.quadrant_label,
        }
        for point in service_map.points
        if point.importance.value is not None and point.satisfaction.value is not None
    ]
    if not rows or service_map.importance_split is None or service_map.satisfaction_split is None:
        return None
    return quadrant_scatter(
        rows,
        x="importance",
        y="satisfaction",
        label="service",
        colour="quadrant",
        x_title=_("Importance (mean, 1–5)"),
        y_title=_("Satisfaction (mean, 1–5)"),
        x_split=service_map.importance_split,
        y_split=service_map.satisfaction_split,
    )


@cluster_view("services.view")
def survey_results(request: HttpRequest, round_id: int) -> HttpResponse:
    access = _access(request)
    round_ = selectors.access_member_survey_round(access, round_id)
    segment_form = SegmentForm(request.GET or None)
    segment_kind = segment_form.cleaned_data["segment"] if segment_form.is_valid() else ""
    maps = selectors.service_maps(round_, segment_kind=segment_kind)
    whole = maps[0]
    segments = [(results.segment_label(segment_kind, m.group), m) for m in maps[1:]]
    rounds = selectors.member_survey_rounds(access.cluster)
    upto = [r for r in rounds if (r.closes_on, r.pk) <= (round_.closes_on, round_.pk)]
    return render(
        request,
        "memberservices/results.html",
        {
            "round": round_,
            "map": whole,
            "chart": _chart(whole),
            "segments": segments,
            "segment_form": segment_form,
            "nps": selectors.nps_trend(upto),
            "trends": selectors.service_trends(upto),
            "hidden": results.hidden_reason(k_threshold(access.cluster)),
            "quadrants": selectors.QUADRANT_LABELS,
        },
    )


@cluster_view("services.change")
@require_http_methods(["GET", "POST"])
def pulse(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    schedule = pulse_schedule_of(access.cluster)
    if schedule is None:
        initial: dict[str, Any] = {"next_on": services.default_dates()[0], "reminder_days": "7"}
    else:
        initial = {
            **model_to_dict(schedule),
            "reminder_days": ", ".join(str(d) for d in schedule.reminder_days),
        }
    form = PulseScheduleForm(
        request.POST or None, instance=PulseSchedule(cluster=access.cluster), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            pulse_schedule_save(cluster=access.cluster, actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The pulse schedule is saved."))
            return redirect("memberservices:list", access.cluster.slug)
    return render(request, "memberservices/pulse.html", {"form": form, "schedule": schedule})
