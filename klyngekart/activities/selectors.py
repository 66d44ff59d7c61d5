"""Reads for activities: the calendar, the seats taken, the registrations of an activity, and which
member company an address belongs to."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from klyngekart.accounts.models import CompanyRole
from klyngekart.activities.models import (
    ACTIVE,
    SEATED,
    Activity,
    Attendance,
    Audience,
    Registration,
    RegistrationStatus,
)
from klyngekart.core.models import Cluster
from klyngekart.members.models import Contact, Membership


def with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEATED), distinct=True),
        waitlisted=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED), distinct=True
        ),
    )


def activity_list(
    activities: QuerySet[Activity], *, kind: str = "", area: str = "", when: str = ""
) -> QuerySet[Activity]:
    """``when``: "upcoming" (not yet ended), "past" (ended), or "" for all."""
    now = timezone.now()
    if kind:
        activities = activities.filter(kind=kind)
    if area:
        # JSON containment differs between SQLite and PostgreSQL; the codes are few, so ask in Python.
        ids = [pk for pk, codes in activities.values_list("pk", "areas") if area in (codes or [])]
        activities = activities.filter(pk__in=ids)
    # Coming activities soonest first; past ones most recent first.
    if when == "upcoming":
        activities = activities.filter(ends_at__gte=now).order_by("starts_at", "id")
    elif when == "past":
        activities = activities.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        activities = activities.order_by("starts_at", "id")
    return with_counts(activities)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    activities: list[Activity] = field(default_factory=list)


def month_grid(activities: QuerySet[Activity], year: int, month: int) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the activities that run on it (in Oslo
    time; an activity over several days shows on each)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    days = {day: Day(day, day.month == month) for week in weeks for day in week}
    for activity in activities.filter(starts_at__lt=end, ends_at__gte=start):
        day = max(timezone.localtime(activity.starts_at, zone).date(), first)
        until = min(timezone.localtime(activity.ends_at, zone).date(), last)
        while day <= until:
            days[day].activities.append(activity)
            day += dt.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


def seats_taken(activity: Activity) -> int:
    return Registration.objects.filter(activity=activity, status__in=SEATED).count()


def registrations(activity: Activity) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(activity=activity)
        .select_related("membership", "user")
        .order_by("status", "position", "created_at", "id")
    )


def active_registration(activity: Activity, email: str) -> Registration | None:
    return Registration.objects.filter(
        activity=activity, email__iexact=email.strip(), status__in=ACTIVE
    ).first()


def first_waitlisted(activity: Activity) -> Registration | None:
    return (
        Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED)
        .order_by("position", "created_at", "id")
        .first()
    )


def member_for_email(cluster: Cluster, email: str) -> Membership | None:
    """The active member company an address belongs to: a person with a company role in it, or
    a contact the cluster records for it. None for an address from no member company."""
    email = email.strip()
    company_id = (
        CompanyRole.objects.filter(cluster=cluster, user__email__iexact=email)
        .values_list("company_id", flat=True)
        .first()
    )
    memberships = Membership.objects.filter(cluster=cluster, status="active")
    if company_id is not None:
        found = memberships.filter(company_id=company_id).first()
        if found:
            return found
    contact = Contact.objects.filter(
        cluster=cluster, email__iexact=email, membership__status="active"
    ).first()
    return contact.membership if contact else None


def calendar_activities(cluster: Cluster) -> QuerySet[Activity]:
    """The cluster's public feed: activities for all members and those open to guests, never the
    ones for chosen members."""
    return Activity.objects.filter(cluster=cluster, audience__in=[Audience.MEMBERS, Audience.OPEN])


@dataclass
class CheckInRow:
    registration: Registration
    present: bool


def check_in_list(activity: Activity, day: dt.date, query: str = "") -> list[CheckInRow]:
    """The people with a seat, with whether they are checked in on ``day``; ``query`` searches
    name, address and company."""
    registrations = (
        Registration.objects.filter(activity=activity, status__in=SEATED)
        .select_related("membership")
        .order_by("name", "email", "id")
    )
    query = query.strip()
    if query:
        registrations = registrations.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(membership__name__icontains=query)
        )
    present = set(
        Attendance.objects.filter(registration__activity=activity, day=day).values_list(
            "registration_id", flat=True
        )
    )
    return [CheckInRow(registration, registration.pk in present) for registration in registrations]


def attendance_days(registration: Registration) -> set[dt.date]:
    return set(Attendance.objects.filter(registration=registration).values_list("day", flat=True))
