"""Pulse checks on a schedule: the setting, and the daily duty that opens the due round for the
contacts, invites them, and moves the next date on."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.memberservices.models import PulseSchedule
from klyngekart.memberservices.pulse import add_months, pulse_rounds_due, pulse_schedule_save
from klyngekart.surveys.models import Audience, Question, RespondentInvitation, Round, RoundStatus, SurveyKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 15), 3, datetime.date(2026, 4, 15)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 1), 1, datetime.date(2027, 1, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_manager_sets_the_schedule_audited(world, login):
    client = login(world.users["manager"])
    url = reverse("memberservices:pulse", args=[world.cluster.slug])
    response = client.post(
        url,
        {
            "active": "on",
            "every_months": 3,
            "next_on": "2099-03-01",
            "open_days": 14,
            "reminder_days": "5, 10",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        schedule = PulseSchedule.objects.get(cluster=world.cluster)
        assert AuditLog.objects.filter(
            action="memberservices.pulse.schedule_saved", cluster=world.cluster
        ).exists()
    assert (schedule.active, schedule.every_months, schedule.reminder_days) == (True, 3, [5, 10])
    assert client.post(url, {"every_months": 13, "next_on": "2099-03-01", "open_days": 14}).status_code == 200
    schedule.refresh_from_db()
    assert schedule.every_months == 3


def test_the_due_pulse_round_opens_for_the_contacts(world):
    today = timezone.localdate()
    ContactFactory(membership=world.membership, cluster=world.cluster, email="leder@bedrift.example.no")
    ContactFactory(membership=world.other_membership, cluster=world.cluster, email="")
    pulse_schedule_save(
        cluster=world.cluster,
        actor=None,
        data={"active": True, "every_months": 3, "next_on": today, "open_days": 14, "reminder_days": [7]},
    )
    (round_,) = pulse_rounds_due(today=today)
    with scope(world.cluster):
        round_ = Round.objects.select_related("survey_version__survey").get(pk=round_.pk)
        keys = list(Question.objects.filter(version=round_.survey_version).values_list("type", flat=True))
        invitations = list(RespondentInvitation.objects.filter(round=round_).values_list("email", flat=True))
        schedule = PulseSchedule.objects.get()
    assert round_.survey_version.survey.kind == SurveyKind.PULSE
    assert round_.audience == Audience.CONTACTS and round_.status == RoundStatus.OPEN
    assert round_.closes_on == today + datetime.timedelta(days=14) and round_.reminder_days == [7]
    assert keys[0] == "nps"
    assert invitations == ["leder@bedrift.example.no"]
    assert schedule.next_on == add_months(today, 3) and schedule.last_round_id == round_.pk
    # Not due again until then; a second pulse reuses the cluster's pulse survey.
    assert pulse_rounds_due(today=today) == []
    (later,) = pulse_rounds_due(today=schedule.next_on)
    with scopes_disabled():
        assert Round.objects.get(pk=later.pk).survey_version_id == round_.survey_version_id


def test_an_inactive_schedule_starts_nothing(world):
    today = timezone.localdate()
    pulse_schedule_save(
        cluster=world.cluster,
        actor=None,
        data={"active": False, "every_months": 3, "next_on": today, "open_days": 14, "reminder_days": []},
    )
    assert pulse_rounds_due(today=today) == []
