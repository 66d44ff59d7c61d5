"""Activity pages: the calendar (a list or a month), an activity with its registrations, the
cluster team's form, and registering and cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.activities import feedback, feedback_selectors, impact, selectors, services
from klyngekart.activities.access import (
    access_activity,
    access_registration,
    check_may_register,
    own_memberships,
    visible_activities,
    visible_registrations,
)
from klyngekart.activities.forms import ActivityForm, FilterForm, RegisterOtherForm
from klyngekart.activities.ical import calendar_text
from klyngekart.activities.models import ACTIVE, Activity, Audience
from klyngekart.core.charts import grouped_bar_chart
from klyngekart.core.forms import add_service_errors
from klyngekart.core.links import absolute_url
from klyngekart.core.privacy import k_threshold
from klyngekart.measures.access import access_measure
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.members.models import Membership
from klyngekart.needs.selectors import area_names, current_areas


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _month(raw: str) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + (month - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@cluster_view("activities.view")
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    areas = current_areas(access.cluster)
    form = FilterForm(request.GET or None, areas=areas)
    filters = form.cleaned_data if form.is_valid() else {}
    kind, area = filters.get("kind", ""), filters.get("area", "")
    when = filters.get("when") or "upcoming"
    view = "month" if request.GET.get("view") == "month" else "list"
    context: dict[str, Any] = {"form": form, "view": view, "names": area_names(access.cluster)}
    if view == "month":
        year, month = _month(request.GET.get("month", ""))
        activities = selectors.activity_list(visible_activities(access), kind=kind, area=area)
        context |= {
            "weeks": selectors.month_grid(activities, year, month),
            "month_start": dt.date(year, month, 1),
            "previous": _shift(year, month, -1),
            "next": _shift(year, month, 1),
            "month_param": f"{year:04d}-{month:02d}",
        }
    else:
        context["activities"] = selectors.activity_list(
            visible_activities(access), kind=kind, area=area, when="" if when == "all" else when
        )
    query = request.GET.copy()
    query.pop("view", None)
    context["filter_query"] = query.urlencode()
    return render(request, "activities/list.html", context)


def _form_choices(access: ClusterAccess) -> dict[str, Any]:
    return {
        "areas": current_areas(access.cluster),
        "memberships": Membership.objects.filter(cluster=access.cluster, status="active").order_by("name"),
        "measures": Measure.objects.filter(cluster=access.cluster).order_by("title"),
    }


def _from_measure(request: HttpRequest, access: ClusterAccess) -> tuple[dict[str, Any], Measure | None]:
    """?measure=<id>: the activity takes over the measure's areas, and its participants (the
    companies that registered interest) become the chosen members."""
    raw = request.GET.get("measure", "")
    if not raw.isdigit():
        return {}, None
    measure = access_measure(access, int(raw))
    companies = list(MeasureInterest.objects.filter(measure=measure).values_list("membership_id", flat=True))
    initial: dict[str, Any] = {
        "title": measure.title,
        "description": measure.description,
        "areas": list(measure.areas),
        "measures": [measure.pk],
        "capacity": measure.capacity,
    }
    if companies:
        initial |= {"audience": Audience.CHOSEN, "chosen_members": companies}
    return initial, measure


@cluster_view("activities.change")
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    choices = _form_choices(access)
    initial, measure = _from_measure(request, access)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        instance=Activity(cluster=access.cluster),
        initial=initial,
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                cluster=access.cluster,
                actor=request.user,
                data=form.data_for_service(),
                area_codes=[a.code for a in choices["areas"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The activity is created."))
            return redirect("activities:detail", access.cluster.slug, activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": None, "measure": measure})


@cluster_view("activities.change")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    choices = _form_choices(access)
    initial = model_to_dict(activity)
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        instance=Activity(cluster=access.cluster),
        initial=initial,
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity,
                actor=request.user,
                data=form.data_for_service(),
                area_codes=[a.code for a in choices["areas"]] + list(activity.areas),
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("activities:detail", access.cluster.slug, activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity, "measure": None})


@cluster_view("activities.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    names = area_names(access.cluster)
    own = selectors.active_registration(activity, request.user.email)  # type: ignore[union-attr]
    companies = own_memberships(access) if access.is_company_role else []
    may_register_others = access.is_cluster_team or (access.role == "contact" and bool(companies))
    # A contact sees its own companies' registrations; anyone else only their own.
    registrations = list(visible_registrations(access, activity))
    other_memberships = (
        list(Membership.objects.filter(cluster=access.cluster, status="active").order_by("name"))
        if access.is_cluster_team
        else companies
    )
    qr = ""
    if own is not None and own.status in {"registered", "attended"}:
        link = absolute_url(
            reverse("activities:check_in_one", args=[access.cluster.slug, activity.pk, own.pk]),
            request=request,
        )
        qr = segno.make(link, error="m").svg_inline(
            scale=1, border=2, omitsize=True, title=_("Check-in code")
        )
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "qr": qr,
            "areas": [names.get(code, code) for code in activity.areas],
            "area_names": names,
            "measures": activity.measures.all(),
            "chosen": activity.chosen_members.order_by("name") if access.is_cluster_team else [],
            "seats_taken": selectors.seats_taken(activity),
            "own": own,
            "open": timezone.now() <= activity.deadline,
            "registrations": registrations,
            "active_statuses": {str(s) for s in ACTIVE},
            "can_change": access.can("activities.change"),
            **_feedback_context(access, activity),
            "other_form": RegisterOtherForm(
                memberships=other_memberships,
                guests=activity.audience == Audience.OPEN and access.is_cluster_team,
            )
            if may_register_others
            else None,
        },
    )


@cluster_view("activities.register")
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    user: Any = request.user
    url = reverse("activities:detail", args=[access.cluster.slug, activity.pk]) + "#registration"
    if request.POST.get("who") == "other":
        companies = own_memberships(access) if access.is_company_role else []
        memberships = (
            list(Membership.objects.filter(cluster=access.cluster, status="active"))
            if access.is_cluster_team
            else companies
        )
        form = RegisterOtherForm(
            request.POST,
            memberships=memberships,
            guests=activity.audience == Audience.OPEN and access.is_cluster_team,
        )
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
            return redirect(url)
        email, name = form.cleaned_data["email"], form.cleaned_data["name"]
        membership = next((m for m in memberships if m.pk == form.cleaned_data["membership"]), None)
        person = None
        language = translation.get_language() or "nb"
    else:
        email, name, person, language = user.email, user.full_name, user, user.language
        companies = own_memberships(access)
        membership = companies[0] if companies else None
    try:
        check_may_register(access, email=email, membership=membership)
        registration = services.registration_create(
            activity=activity,
            actor=user,
            email=email,
            name=name,
            membership=membership,
            user=person,
            language=language,
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == "waitlisted":
            messages.warning(
                request,
                _("The activity is full: %(email)s is on the waiting list as number %(position)s.")
                % {"email": email, "position": registration.position},
            )
        else:
            messages.success(request, _("%(email)s is registered.") % {"email": email})
    return redirect(url)


@cluster_view("activities.register")
@require_POST
def cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    registration = access_registration(access, activity, registration_pk)
    try:
        promoted = services.registration_cancel(registration=registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The registration of %(email)s is cancelled.") % {"email": registration.email}
        )
        if promoted and access.can("activities.view_registrations"):
            messages.info(
                request,
                _("Moved up from the waiting list: %(names)s.")
                % {"names": ", ".join(r.display_name for r in promoted)},
            )
    return redirect(reverse("activities:detail", args=[access.cluster.slug, activity.pk]) + "#registration")


@cluster_view("activities.view")
def cluster_feed(request: HttpRequest) -> HttpResponse:
    """The cluster's calendar as an .ics file: the activities for all members and those open to
    guests (never those for chosen members)."""
    access = _access(request)
    language = translation.get_language() or "nb"
    body = calendar_text(
        selectors.calendar_activities(access.cluster).select_related("cluster"),
        name=access.cluster.name,
        language=language,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{access.cluster.slug}.ics"'
    return response


def _day(activity: Activity, raw: str) -> dt.date:
    """The day asked for, if the activity runs on it; else today when it does, else the first day."""
    days = activity.days
    try:
        asked = dt.date.fromisoformat(raw)
    except ValueError:
        asked = timezone.localdate()
    return asked if asked in days else days[0]


@cluster_view("activities.check_in")
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in list for a phone: search, tick, undo; one day at a time."""
    access = _access(request)
    activity = access_activity(access, pk)
    source = request.POST if request.method == "POST" else request.GET
    day = _day(activity, source.get("day", ""))
    query = source.get("q", "")
    if request.method == "POST":
        raw = request.POST.get("registration", "")
        registration = access_registration(access, activity, int(raw) if raw.isdigit() else 0)
        try:
            if request.POST.get("action") == "undo":
                services.attendance_undo(registration=registration, day=day, actor=request.user)
                messages.info(
                    request, _("%(name)s is no longer checked in.") % {"name": registration.display_name}
                )
            else:
                services.attendance_check_in(registration=registration, day=day, actor=request.user)
                messages.success(request, _("%(name)s is checked in.") % {"name": registration.display_name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        query_string = urlencode({"day": day.isoformat(), "q": query})
        return redirect(
            f"{reverse('activities:check_in', args=[access.cluster.slug, activity.pk])}?{query_string}"
        )
    rows = selectors.check_in_list(activity, day, query)
    return render(
        request,
        "activities/check_in.html",
        {
            "activity": activity,
            "day": day,
            "days": activity.days,
            "query": query,
            "rows": rows,
            "present": sum(row.present for row in rows),
            "ended": timezone.now() >= activity.ends_at,
        },
    )


@cluster_view("activities.check_in")
@require_http_methods(["GET", "POST"])
def check_in_one(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """Where a registration's QR code leads: staff see who it is and check them in for today."""
    access = _access(request)
    activity = access_activity(access, pk)
    registration = access_registration(access, activity, registration_pk)
    day = _day(activity, request.POST.get("day", "") or request.GET.get("day", ""))
    if request.method == "POST":
        try:
            services.attendance_check_in(registration=registration, day=day, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": registration.display_name})
        return redirect("activities:check_in_one", access.cluster.slug, activity.pk, registration.pk)
    return render(
        request,
        "activities/check_in_one.html",
        {
            "activity": activity,
            "registration": registration,
            "day": day,
            "present": day in selectors.attendance_days(registration),
        },
    )


@cluster_view("activities.check_in")
@require_POST
def check_in_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    try:
        count = services.attendance_close(activity=activity, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s registration is marked as not shown up.",
                "%(count)s registrations are marked as not shown up.",
                count,
            )
            % {"count": count},
        )
    return redirect("activities:check_in", access.cluster.slug, activity.pk)


# --- feedback after the activity ---------------------------------------------------------------


def _feedback_context(access: ClusterAccess, activity: Activity) -> dict[str, Any]:
    """The feedback section of the activity page: its progress for the team, its released
    figures for those who see the cluster's results."""
    sees_progress = access.can("activities.feedback_send") or access.can("activities.feedback")
    return {
        "feedback_progress": feedback_selectors.feedback_progress(activity) if sees_progress else None,
        "feedback": feedback_selectors.activity_feedback(activity, with_hidden=access.can("results.moderate"))
        if access.can("activities.feedback")
        else None,
        "feedback_may_send": access.can("activities.feedback_send")
        and activity.feedback_round_id is None
        and timezone.now() >= activity.ends_at,
        "feedback_days": feedback.open_days(),
        "feedback_k": k_threshold(access.cluster),
        "impact": impact.activity_impact(activity) if access.can("measures.impact") else None,
    }


@cluster_view("activities.feedback_send")
@require_POST
def feedback_send(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    activity = access_activity(access, pk)
    try:
        round_ = feedback.feedback_round_open(activity=activity, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The feedback survey is sent to the attendees. It closes on %(date)s.")
            % {"date": round_.closes_on.strftime("%d.%m.%Y")},
        )
    return redirect(reverse("activities:detail", args=[access.cluster.slug, activity.pk]) + "#feedback")


@cluster_view("activities.feedback")
def feedback_overview(request: HttpRequest) -> HttpResponse:
    """The feedback per kind of activity: mean ratings, how many answered, what people want next."""
    access = _access(request)
    return render(
        request,
        "activities/feedback.html",
        {"kinds": feedback_selectors.feedback_overview(access.cluster), "k": k_threshold(access.cluster)},
    )


# --- impact of measures and activities -----------------------------------------------------------


def impact_chart(found: list[impact.ImpactItem], names: dict[str, str]) -> dict[str, Any] | None:
    """Per measure or activity and area shown, the change in mean gap of the participants beside
    the others'."""
    rows = []
    order = []
    for item in found:
        for row in item.impact.areas:
            if row.suppressed:
                continue
            label = f"{item.title} · {names.get(row.code, row.code)}"
            order.append(label)
            rows.append(
                {"label": label, "group": _("Participants"), "change": float(row.participants_change or 0)}
            )
            rows.append(
                {"label": label, "group": _("Other companies"), "change": float(row.others_change or 0)}
            )
    if not rows:
        return None
    return grouped_bar_chart(
        rows,
        category="label",
        value="change",
        series="group",
        value_title=_("Change in mean gap (after − before)"),
        series_title=_("Group"),
        order=order,
    )


@cluster_view("measures.impact")
def impact_view(request: HttpRequest) -> HttpResponse:
    """Every completed measure's and activity's impact: the participants' gap against the other
    companies'."""
    access = _access(request)
    names = area_names(access.cluster)
    targeted = impact.impact_areas(access.cluster)
    area = request.GET.get("area", "")
    area = area if area in targeted else ""
    found = impact.cluster_impact(access.cluster, area=area)
    return render(
        request,
        "activities/impact.html",
        {
            "found": found,
            "names": names,
            "area": area,
            "chart": impact_chart(found, names),
            "area_choices": [(code, names.get(code, code)) for code in targeted],
        },
    )
