"""Factories and small builders for the engagement tests: registrations, check-ins, interests,
strategies and rounds dated where a test needs them (created_at is set after the insert)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.utils import timezone

from klyngekart.activities.models import Attendance, Registration, RegistrationStatus
from klyngekart.activities.tests.factories import ActivityFactory, RegistrationFactory
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.core.tests.factories import TenantFactory
from klyngekart.engagement.models import EngagementSettings
from klyngekart.measures.models import MeasureInterest
from klyngekart.measures.tests.factories import MeasureFactory, MeasureInterestFactory
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.needs.tests.factories import MembershipStrategyFactory
from klyngekart.surveys.models import RoundCompany
from klyngekart.surveys.tests.factories import (
    RoundCompanyFactory,
    RoundFactory,
    SurveyFactory,
    SurveyVersionFactory,
)


class EngagementSettingsFactory(TenantFactory):
    class Meta:
        model = EngagementSettings


def member(cluster: Any, **kwargs: Any) -> Membership:
    return cast(Membership, MembershipFactory(cluster=cluster, **kwargs))


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def registration(membership: Membership, *, days: int = 10, attended: bool = False) -> Registration:
    """A registration made ``days`` ago for an activity on that day, checked in if ``attended``."""
    activity = ActivityFactory(
        cluster=membership.cluster,
        starts_at=days_ago(days),
        ends_at=days_ago(days) + dt.timedelta(hours=2),
    )
    item = cast(
        Registration,
        RegistrationFactory(
            activity=activity,
            membership=membership,
            status=RegistrationStatus.ATTENDED if attended else RegistrationStatus.REGISTERED,
        ),
    )
    with scopes_disabled():
        Registration.objects.filter(pk=item.pk).update(created_at=days_ago(days))
        if attended:
            Attendance.objects.create(
                cluster=membership.cluster, registration=item, day=days_ago(days).date()
            )
    return item


def interest(membership: Membership, *, days: int = 10) -> MeasureInterest:
    item = cast(
        MeasureInterest,
        MeasureInterestFactory(measure=MeasureFactory(cluster=membership.cluster), membership=membership),
    )
    with scopes_disabled():
        MeasureInterest.objects.filter(pk=item.pk).update(created_at=days_ago(days))
    return item


def strategy(membership: Membership, *, days: int = 10, year: int | None = None) -> Any:
    when = days_ago(days)
    return MembershipStrategyFactory(
        membership=membership,
        cluster=membership.cluster,
        year=year or when.year,
        status="submitted",
        submitted_at=when,
    )


def round_part(
    membership: Membership,
    *,
    kind: str = "employee_mapping",
    invited: int = 0,
    completed: int = 0,
    days: int = 30,
    open_link: bool = False,
    status: str = "closed",
) -> RoundCompany:
    """A company's part in a round of ``kind`` opened ``days`` ago, with its progress counters."""
    survey = SurveyFactory(cluster=membership.cluster, kind=kind)
    version = SurveyVersionFactory(survey=survey, cluster=membership.cluster)
    opens_on = timezone.localdate() - dt.timedelta(days=days)
    round_ = RoundFactory(
        cluster=membership.cluster,
        survey_version=version,
        status=status,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=14),
    )
    return cast(
        RoundCompany,
        RoundCompanyFactory(
            round=round_,
            cluster=membership.cluster,
            membership=membership,
            company=membership.company,
            invited_count=invited,
            completed_count=completed,
            open_link_enabled=open_link,
        ),
    )
