"""Pulse checks on a schedule: the cluster's setting and the daily duty that starts the next
pulse round when it is due. The round is an ordinary round of the pulse survey (NPS and one
question), for the contacts of every active member company, invited from the member register's
contacts and reminded by the rounds' own daily duty; it closes and releases as every round does."""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import translation

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Contact
from klyngekart.memberservices.models import PulseSchedule
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import (
    Audience,
    Round,
    RoundCompany,
    Survey,
    SurveyKind,
    SurveyVersion,
    VersionStatus,
)
from klyngekart.surveys.rounds.services import invitations_add, round_create, round_open

logger = logging.getLogger(__name__)
FIELDS = ("active", "every_months", "next_on", "open_days", "reminder_days")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def pulse_schedule_of(cluster: Cluster) -> PulseSchedule | None:
    with scope(cluster):
        return PulseSchedule.objects.filter(cluster=cluster).first()


def pulse_schedule_save(*, cluster: Cluster, actor: Any, data: Mapping[str, Any]) -> PulseSchedule:
    with scope(cluster), transaction.atomic():
        schedule = PulseSchedule.objects.select_for_update().filter(cluster=cluster).first()
        schedule = schedule or PulseSchedule(cluster=cluster)
        changed = [name for name in FIELDS if name in data and getattr(schedule, name, None) != data[name]]
        for name in changed:
            setattr(schedule, name, data[name])
        schedule.full_clean()
        schedule.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="memberservices.pulse.schedule_saved",
            target=schedule,
            data={"fields": changed},
        )
    return schedule


def _pulse_version(cluster: Cluster) -> SurveyVersion:
    """The newest published version of the cluster's latest pulse survey, made from the template
    when the cluster has none."""
    with scope(cluster):
        version = (
            SurveyVersion.objects.filter(survey__kind=SurveyKind.PULSE, status=VersionStatus.PUBLISHED)
            .order_by("-survey__created_at", "-number")
            .first()
        )
    if version is not None:
        return version
    survey: Survey = survey_create_from_template(cluster=cluster, actor=None, template_key="pulse")
    with scope(cluster):
        return survey.versions.get(number=1)


def pulse_round_start(*, schedule: PulseSchedule, today: datetime.date) -> Round:
    """Start the pulse round that is due, invite the contacts and open it; move next_on on."""
    cluster = schedule.cluster
    with translation.override("nb"):
        title = translation.gettext("Pulse check %(date)s") % {"date": today.strftime("%d.%m.%Y")}
    with transaction.atomic():
        round_ = round_create(
            cluster=cluster,
            actor=None,
            survey_version=_pulse_version(cluster),
            title=title,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=schedule.open_days),
            audience=Audience.CONTACTS,
            companies="all",
            reminder_days=list(schedule.reminder_days),
        )
        with scope(cluster):
            parts = list(RoundCompany.objects.filter(round=round_).select_related("round", "cluster"))
            addresses: dict[int, list[str]] = {}
            for membership_id, email in (
                Contact.objects.filter(membership_id__in=[part.membership_id for part in parts])
                .exclude(email="")
                .values_list("membership_id", "email")
            ):
                addresses.setdefault(membership_id, []).append(email)
        invited = 0
        for part in parts:
            emails = addresses.get(part.membership_id, [])
            if emails:
                invited += invitations_add(round_company=part, actor=None, emails=emails, language="nb").added
        round_open(round_=round_, actor=None)
        with scope(cluster):
            next_on = schedule.next_on
            while next_on <= today:
                next_on = add_months(next_on, schedule.every_months)
            PulseSchedule.objects.filter(pk=schedule.pk).update(next_on=next_on, last_round=round_)
            audit_log(
                cluster=cluster,
                actor=None,
                action="memberservices.pulse.started",
                target=round_,
                data={"invitations": invited, "next_on": next_on.isoformat()},
            )
    return round_


def pulse_rounds_due(*, today: datetime.date) -> list[Round]:
    """The daily duty: a pulse round for every cluster whose active schedule is due. One cluster's
    failure is logged and does not stop the others."""
    with scopes_disabled():
        due = list(PulseSchedule.objects.filter(active=True, next_on__lte=today).select_related("cluster"))
    started = []
    for schedule in due:
        try:
            started.append(pulse_round_start(schedule=schedule, today=today))
        except Exception:
            logger.exception("Pulse round for cluster %s could not start", schedule.cluster_id)
    return started
