"""API: activities, registrations and the cluster's calendar feed. The same doors, services and
rules as the pages: the cluster team creates and changes activities and registers anyone from a
member company; a contact registers its own company's people, anyone else only themselves.
Times are ISO 8601 with an offset; they are stored and returned in UTC."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts.access import ClusterAccess
from klyngekart.activities import selectors, services
from klyngekart.activities.access import (
    access_activity,
    access_registration,
    check_may_register,
    visible_activities,
    visible_registrations,
)
from klyngekart.activities.ical import calendar_text
from klyngekart.activities.models import MAX_CAPACITY, Activity, Registration
from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.measures.models import Measure
from klyngekart.members.access import access_membership_by_org_number
from klyngekart.members.models import Membership
from klyngekart.needs.selectors import current_areas

router = Router(tags=["activities"])

Kind = Literal["course", "member_forum", "thematic_meeting", "webinar", "study_trip", "matchmaking"]
AudienceIn = Literal["members", "chosen", "open"]
BASE = "/clusters/{slug}/activities"
ONE = BASE + "/{activity_id}"


class ActivityOut(Schema):
    id: int
    kind: Kind
    title: str
    title_en: str
    description: str
    description_en: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_url: str
    capacity: int | None = Field(description="Seats; null for no upper limit.")
    registration_deadline: datetime.datetime = Field(description="The deadline set, else the start.")
    audience: AudienceIn
    chosen_members: list[str] = Field(description="Org numbers; only for the cluster team.")
    measures: list[int]
    areas: list[str] = Field(description="Competence area codes, see GET .../taxonomy.")
    registered: int
    waitlisted: int


class ActivityIn(Schema):
    kind: Kind = "course"
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    description: str = ""
    description_en: str = ""
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = Field("", max_length=300)
    online_url: str = ""
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    registration_deadline: datetime.datetime | None = None
    audience: AudienceIn = "members"
    chosen_members: list[str] = Field(default_factory=list, description="Org numbers of member companies.")
    measures: list[int] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)


class ActivityPatch(Schema):
    """Fields left out stay as they are; null clears the optional texts, capacity and deadline."""

    kind: Kind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    description: str | None = None
    description_en: str | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    place: str | None = Field(None, max_length=300)
    online_url: str | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    registration_deadline: datetime.datetime | None = None
    audience: AudienceIn | None = None
    chosen_members: list[str] | None = None
    measures: list[int] | None = None
    areas: list[str] | None = None


class ActivityFilters(PageQuery):
    kind: Kind | None = None
    area: str = Field("", max_length=60, description="A competence area code.")
    when: Literal["upcoming", "past", "all"] = "all"


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int
    page: int
    page_size: int


RegistrationStatus = Literal["registered", "waitlisted", "cancelled", "attended", "no_show"]


class RegistrationFilters(PageQuery):
    status: RegistrationStatus | None = None


class RegistrationDetailOut(Schema):
    id: int
    status: RegistrationStatus
    position: int | None = Field(None, description="The place on the waiting list.")
    email: str
    name: str
    org_number: str | None = Field(description="The member company; null for a guest.")
    company: str | None = Field(description="The company's name as this cluster records it.")
    created_at: datetime.datetime


class RegistrationPage(Schema):
    items: list[RegistrationDetailOut]
    count: int
    page: int
    page_size: int


def _registration(registration: Registration) -> dict[str, Any]:
    membership = registration.membership
    return {
        "id": registration.pk,
        "status": registration.status,
        "position": registration.position,
        "email": registration.email,
        "name": registration.name,
        "org_number": membership.company.org_number if membership else None,
        "company": membership.name if membership else None,
        "created_at": registration.created_at,
    }


class RegistrationIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    org_number: str | None = Field(
        None, description="The member company; left out, it is found from the address (none for a guest)."
    )
    name: str = Field("", max_length=150)


class RegistrationOut(Schema):
    id: int
    status: Literal["registered", "waitlisted", "cancelled", "attended", "no_show"]
    position: int | None = Field(None, description="The place on the waiting list.")


def _out(activity: Activity, access: ClusterAccess) -> dict[str, Any]:
    counted = selectors.with_counts(Activity.objects.filter(pk=activity.pk)).get()
    chosen = (
        list(activity.chosen_members.select_related("company").values_list("company__org_number", flat=True))
        if access.is_cluster_team
        else []
    )
    return {
        **{name: getattr(activity, name) for name in services.ACTIVITY_FIELDS},
        "id": activity.pk,
        "starts_at": activity.starts_at.astimezone(datetime.UTC),
        "ends_at": activity.ends_at.astimezone(datetime.UTC),
        "registration_deadline": activity.deadline.astimezone(datetime.UTC),
        "chosen_members": [org or "" for org in chosen],
        "measures": list(activity.measures.values_list("pk", flat=True)),
        "registered": counted.seats_taken,  # type: ignore[attr-defined]
        "waitlisted": counted.waitlisted,  # type: ignore[attr-defined]
    }


def _relations(access: ClusterAccess, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("chosen_members") is not None:
        wanted = set(data["chosen_members"])
        found = {
            m.company.org_number: m
            for m in Membership.objects.filter(
                cluster=access.cluster, status="active", company__org_number__in=wanted
            ).select_related("company")
        }
        missing = sorted(wanted - found.keys())
        if missing:
            message = f"No active member with org number {', '.join(missing)}."
            raise ApiValidationError(ValidationError({"chosen_members": message}), payload_loc)
        data["chosen_members"] = list(found.values())
    elif "chosen_members" in data:
        data["chosen_members"] = []
    if data.get("measures") is not None:
        measures = list(Measure.objects.filter(cluster=access.cluster, pk__in=data["measures"]))
        if len(measures) != len(set(data["measures"])):
            raise ApiValidationError(ValidationError({"measures": "No such joint measure."}), payload_loc)
        data["measures"] = measures
    elif "measures" in data:
        data["measures"] = []
    if "areas" in data and data["areas"] is None:
        data["areas"] = []
    return data


@router.get(
    BASE,
    response={200: ActivityPage, **ERROR_RESPONSES},
    summary="The cluster's activities",
    description=(
        "The activities open to the user, by start: a company role sees those for all members, "
        "open ones and those its company is chosen for."
    ),
)
def activity_list(request: HttpRequest, slug: str, filters: Query[ActivityFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.view") as access:
        activities = selectors.activity_list(
            visible_activities(access),
            kind=filters.kind or "",
            area=filters.area,
            when="" if filters.when == "all" else filters.when,
        )
        return paged(activities, filters, lambda activity: _out(activity, access))


@router.post(
    BASE,
    response={201: ActivityOut, **ERROR_RESPONSES},
    summary="Create an activity",
    description="For the cluster team.",
)
def activity_create(request: HttpRequest, slug: str, payload: ActivityIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "activities.change") as access:
        codes = [area.code for area in current_areas(access.cluster)]
        try:
            activity = services.activity_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=_relations(access, payload.model_dump()),
                area_codes=codes,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _out(activity, access))


@router.get(ONE, response={200: ActivityOut, **ERROR_RESPONSES}, summary="An activity")
def activity_get(request: HttpRequest, slug: str, activity_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.view") as access:
        return _out(access_activity(access, activity_id), access)


@router.patch(
    ONE,
    response={200: ActivityOut, **ERROR_RESPONSES},
    summary="Change an activity",
    description="For the cluster team. More seats move people up from the waiting list.",
)
def activity_patch(
    request: HttpRequest, slug: str, activity_id: int, payload: ActivityPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.change") as access:
        activity = access_activity(access, activity_id)
        codes = [area.code for area in current_areas(access.cluster)] + list(activity.areas)
        try:
            updated = services.activity_update(
                activity=activity,
                actor=request.auth,  # type: ignore[attr-defined]
                data=_relations(access, payload.model_dump(exclude_unset=True)),
                area_codes=codes,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _out(updated, access)


@router.post(
    ONE + "/registrations",
    response={201: RegistrationOut, **ERROR_RESPONSES},
    summary="Register someone for an activity",
    description=(
        "The cluster team registers anyone (from a member company, or a guest of an open activity); "
        "a company contact its own company's people; anyone else only themselves. A full activity "
        "puts the registration on the waiting list. Refused (422) when the address is registered "
        "already, after the deadline, or for a members-only activity from no member company."
    ),
)
def registration_create(
    request: HttpRequest, slug: str, activity_id: int, payload: RegistrationIn
) -> Status[dict[str, Any]]:
    user: Any = request.auth  # type: ignore[attr-defined]
    with cluster_scope(request, slug, "activities.register") as access:
        activity = access_activity(access, activity_id)
        membership = (
            access_membership_by_org_number(access, payload.org_number, "activities.register")
            if payload.org_number
            else None
        )
        if membership is None and access.is_company_role:
            memberships = Membership.objects.filter(
                cluster=access.cluster, company_id__in=access.company_ids, status="active"
            ).order_by("name")
            membership = memberships.first()
        check_may_register(access, email=str(payload.email), membership=membership)
        own = str(payload.email).lower() == user.email.lower()
        try:
            registration = services.registration_create(
                activity=activity,
                actor=user,
                email=str(payload.email),
                name=payload.name or (user.full_name if own else ""),
                membership=membership,
                user=user if own else None,
                language=user.language if own else (translation.get_language() or "nb"),
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(
            201, {"id": registration.pk, "status": registration.status, "position": registration.position}
        )


@router.get(
    ONE + "/registrations",
    response={200: RegistrationPage, **ERROR_RESPONSES},
    summary="An activity's registrations",
    description=(
        "As the activity's page lists them: every one for the cluster team and advisors, a company "
        "contact its own companies' and its own, anyone else their own. `status` narrows the list."
    ),
)
def registration_list(
    request: HttpRequest, slug: str, activity_id: int, filters: Query[RegistrationFilters]
) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.view") as access:
        rows = visible_registrations(access, access_activity(access, activity_id))
        if filters.status:
            rows = rows.filter(status=filters.status)
        return paged(rows.select_related("membership__company"), filters, _registration)


@router.get(
    ONE + "/registrations/{registration_id}",
    response={200: RegistrationDetailOut, **ERROR_RESPONSES},
    summary="A registration",
    description=(
        "The cluster team reaches every one, a contact those of its companies, anyone else their own."
    ),
)
def registration_get(
    request: HttpRequest, slug: str, activity_id: int, registration_id: int
) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.view") as access:
        activity = access_activity(access, activity_id)
        return _registration(access_registration(access, activity, registration_id))


@router.delete(
    ONE + "/registrations/{registration_id}",
    response={200: RegistrationOut, **ERROR_RESPONSES},
    summary="Cancel a registration",
    description="A freed seat goes to the first on the waiting list, who is mailed.",
)
def registration_cancel(
    request: HttpRequest, slug: str, activity_id: int, registration_id: int
) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.register") as access:
        activity = access_activity(access, activity_id)
        registration = access_registration(access, activity, registration_id)
        try:
            services.registration_cancel(registration=registration, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return {"id": registration.pk, "status": registration.status, "position": None}


class AttendanceIn(Schema):
    day: datetime.date | None = Field(
        None, description="The day (Europe/Oslo) to check in for; left out, today or the first day."
    )


@router.post(
    ONE + "/registrations/{registration_id}/attendance",
    response={200: RegistrationOut, **ERROR_RESPONSES},
    summary="Check a registration in",
    description="For the cluster team. Attendance is kept per day for activities over several days.",
)
def attendance_check_in(
    request: HttpRequest,
    slug: str,
    activity_id: int,
    registration_id: int,
    payload: AttendanceIn | None = None,
) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.check_in") as access:
        activity = access_activity(access, activity_id)
        registration = access_registration(access, activity, registration_id)
        days = activity.days
        day = payload.day if payload and payload.day else timezone.localdate()
        if payload is None or payload.day is None:
            day = day if day in days else days[0]
        try:
            services.attendance_check_in(registration=registration, day=day, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return {"id": registration.pk, "status": registration.status, "position": None}


@router.get(
    "/clusters/{slug}/calendar.ics",
    response={200: str, **ERROR_RESPONSES},
    summary="The cluster's calendar (iCalendar)",
    description="Activities for all members and those open to guests, as text/calendar (RFC 5545).",
    openapi_extra={"responses": {"200": {"content": {"text/calendar": {"schema": {"type": "string"}}}}}},
)
def cluster_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    with cluster_scope(request, slug, "activities.view") as access:
        body = calendar_text(
            selectors.calendar_activities(access.cluster).select_related("cluster"),
            name=access.cluster.name,
            language=translation.get_language() or "nb",
        )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
