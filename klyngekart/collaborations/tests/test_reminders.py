"""Reminders of next steps: who gets one, in which language, with which link, and never twice for
the same due date (locmem mail backend)."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPException

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from klyngekart.collaborations.models import EventKind, OpportunityEvent, OpportunityReminder, Stage
from klyngekart.collaborations.reminders import reminders_send
from klyngekart.collaborations.tasks import collaboration_reminders
from klyngekart.collaborations.tests.factories import make_opportunity
from klyngekart.conftest import World
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 11)


def _set_language(user, language: str) -> None:  # type: ignore[no-untyped-def]
    user.language = language
    user.save(update_fields=["language"])


@override_settings(SITE_URL="https://klyngekart.example.no")
def test_a_due_step_is_mailed_once_to_the_responsible_person_in_their_language(world: World) -> None:
    staff = world.users["staff"]
    _set_language(staff, "en")
    opportunity = make_opportunity(
        cluster=world.cluster,
        title="Sjømat & havbruk",
        partners=[make_profile(name="Marine Cluster Bretagne", country="FR")],
        stage=Stage.CONTACTED,
        next_step="Send the project outline",
        next_step_on=TODAY,
        responsible=staff,
    )
    assert reminders_send(today=TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert message.subject == "Klynge alfa: the next step of “Sjømat & havbruk” is due today"
    assert "Send the project outline" in message.body and "Marine Cluster Bretagne" in message.body
    assert "Stage: Contacted" in message.body
    assert f"https://klyngekart.example.no/c/alfa/collaborations/{opportunity.pk}/" in message.body
    # The next morning, and the one after: nothing more for the same date.
    assert reminders_send(today=TODAY) == 0
    assert reminders_send(today=TODAY + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    with scopes_disabled():
        reminder = OpportunityReminder.objects.get()
        assert (reminder.due_on, reminder.recipients) == (TODAY, [staff.email])
        event = OpportunityEvent.objects.get(opportunity=opportunity, kind=EventKind.REMINDED)
        assert event.on == TODAY


def test_overdue_without_a_responsible_goes_to_the_managers_in_norwegian(
    world: World, other_world: World
) -> None:
    manager = world.users["manager"]
    _set_language(manager, "nb")
    make_opportunity(
        cluster=world.cluster, title="Hydrogen", next_step="Ring", next_step_on=TODAY - dt.timedelta(days=3)
    )
    assert reminders_send(today=TODAY) == 1
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert "forfalt" in mail.outbox[0].subject or "frist" in mail.outbox[0].subject.lower()
    assert "Ingen er ansvarlig" in mail.outbox[0].body


def test_nothing_for_future_closed_or_undated_steps(world: World) -> None:
    make_opportunity(cluster=world.cluster, next_step="Senere", next_step_on=TODAY + dt.timedelta(days=1))
    make_opportunity(cluster=world.cluster, stage=Stage.DROPPED, next_step_on=TODAY - dt.timedelta(days=1))
    make_opportunity(cluster=world.cluster, next_step="Uten dato")
    assert reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_a_new_date_is_a_new_reminder(world: World) -> None:
    opportunity = make_opportunity(
        cluster=world.cluster, next_step="Møte", next_step_on=TODAY, responsible=world.users["advisor"]
    )
    assert reminders_send(today=TODAY) == 1
    with scopes_disabled():
        type(opportunity).objects.filter(pk=opportunity.pk).update(next_step_on=TODAY + dt.timedelta(days=7))
    assert reminders_send(today=TODAY + dt.timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_a_refused_mail_is_tried_again_the_next_morning(world: World, monkeypatch) -> None:
    make_opportunity(
        cluster=world.cluster, next_step="Møte", next_step_on=TODAY, responsible=world.users["staff"]
    )

    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise SMTPException("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert reminders_send(today=TODAY) == 0
    with scopes_disabled():
        assert not OpportunityReminder.objects.exists()
    monkeypatch.undo()
    assert reminders_send(today=TODAY + dt.timedelta(days=1)) == 1
    assert len(mail.outbox) == 1


def test_the_periodic_task_sends_todays_reminders(world: World) -> None:
    make_opportunity(
        cluster=world.cluster,
        next_step="I dag",
        next_step_on=timezone.localdate(),
        responsible=world.users["staff"],
    )
    assert collaboration_reminders.call_local() == 1
    assert collaboration_reminders.call_local() == 0
    assert len(mail.outbox) == 1


def test_erasing_a_person_blanks_the_reminders_sent_to_them(world: World) -> None:
    from klyngekart.home.personal_data import ERASED, person_erase

    staff = world.users["staff"]
    opportunity = make_opportunity(
        cluster=world.cluster, next_step="Møte", next_step_on=TODAY, responsible=staff
    )
    assert reminders_send(today=TODAY) == 1
    person_erase(staff.email, actor=world.users["manager"])
    with scopes_disabled():
        assert OpportunityReminder.objects.get().recipients == [ERASED]
        event = OpportunityEvent.objects.get(opportunity=opportunity, kind=EventKind.REMINDED)
        assert staff.full_name not in event.text and staff.email not in event.text
        opportunity.refresh_from_db()
        assert opportunity.responsible is None
