"""The invitation mail task through a real task queue, not only huey's immediate mode.

With REDIS_URL set (CI's PostgreSQL run), a RedisHuey built from it enqueues and runs the task
against the real Redis, as production does. Without it the same round trip runs through a
SqliteHuey, the default storage, and the test says which configuration it checked: the fixture
picks the case, so neither passes by skipping."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import huey
import pytest
from django.core import mail
from django.utils import timezone
from huey.contrib import djhuey

import config.settings.base as base_settings
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import RespondentInvitation
from klyngekart.surveys.rounds.mailing import lost_mails_requeue
from klyngekart.surveys.rounds.services import (
    invitation_withdraw,
    invitations_add,
    reminders_send,
    round_open,
)
from klyngekart.surveys.tasks import send_round_mails
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(params=["redis"] if REDIS_URL else ["sqlite"])
def task_queue(request, tmp_path) -> Iterator[huey.Huey]:
    name = f"klyngekart-test-{uuid.uuid4().hex}"
    queue: huey.Huey
    if request.param == "redis":
        # What the app runs on when REDIS_URL is set.
        assert base_settings.HUEY["huey_class"] == "huey.RedisHuey"
        assert base_settings.HUEY["url"] == REDIS_URL
        queue = huey.RedisHuey(name=name, url=REDIS_URL, immediate=False)
    else:
        # Without REDIS_URL the app queues in SQLite, and the tests run tasks at once in memory.
        assert base_settings.HUEY["huey_class"] == "huey.SqliteHuey"
        assert str(base_settings.HUEY["filename"]).endswith(".sqlite3")
        assert isinstance(djhuey.HUEY, huey.MemoryHuey) and djhuey.HUEY.immediate
        queue = huey.SqliteHuey(name=name, filename=str(tmp_path / "tasks.sqlite3"), immediate=False)
    yield queue
    queue.flush()


def test_the_invitation_mail_task_goes_through_the_queue(world, task_queue: huey.Huey) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    # Not inside captured on-commit callbacks: the app's own immediate task does not run here.
    invitations_add(
        round_company=part, actor=world.users["contact"], emails=["ola@bedrift.no"], language="en"
    )
    with scope(world.cluster):
        invitation = part.invitations.get()
    task: Any = task_queue.task(name="send_round_mails")(send_round_mails.func)

    task(world.cluster.pk, [invitation.pk], "invitation")
    assert task_queue.pending_count() == 1
    assert mail.outbox == []

    message = task_queue.dequeue()
    assert message is not None
    # Only ids travel through the queue: no address and no link token.
    assert message.args == (world.cluster.pk, [invitation.pk], "invitation")
    assert task_queue.execute(message) == 1
    assert [sent.to for sent in mail.outbox] == [["ola@bedrift.no"]]
    assert task_queue.pending_count() == 0


def _pending(part: Any) -> list[str]:
    with scope(part.cluster):
        return sorted(
            RespondentInvitation.objects.filter(round_company=part).values_list("mail_pending", flat=True)
        )


def _age_requests(minutes: int) -> None:
    with scopes_disabled():
        RespondentInvitation.objects.exclude(mail_pending="").update(
            mail_requested_at=timezone.now() - dt.timedelta(minutes=minutes)
        )


def test_mails_whose_task_was_lost_with_a_killed_consumer_are_queued_again_and_sent_once(
    world, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    # The task is queued when the transaction commits, which a test's never does: as if a consumer
    # had taken it from the queue and been killed before it ran.
    invitations_add(
        round_company=part,
        actor=world.users["contact"],
        emails=["ola@bedrift.no", "kari@bedrift.no"],
        language="nb",
    )
    assert mail.outbox == []
    assert _pending(part) == ["invitation", "invitation"]
    assert lost_mails_requeue(older_than=dt.timedelta(minutes=5)) == 0  # not yet overdue

    _age_requests(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert lost_mails_requeue(older_than=dt.timedelta(minutes=5)) == 2
    assert sorted(sent.to[0] for sent in mail.outbox) == ["kari@bedrift.no", "ola@bedrift.no"]
    assert _pending(part) == ["", ""]

    # The lost task turns up after all (or runs a second time): it finds nothing left to send.
    with scope(world.cluster):
        ids = list(RespondentInvitation.objects.filter(round_company=part).values_list("pk", flat=True))
    assert send_round_mails.call_local(world.cluster.pk, ids, "invitation") == 0
    assert len(mail.outbox) == 2
    assert lost_mails_requeue(older_than=dt.timedelta(seconds=0)) == 0


def test_a_reminder_task_run_twice_reminds_each_person_once(
    world, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_add(
            round_company=part, actor=world.users["contact"], emails=["ola@bedrift.no"], language="nb"
        )
    mail.outbox.clear()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert reminders_send(round_=round_, today=tomorrow) == 1
    assert _pending(part) == ["reminder"]
    for callback in [*queued, *queued]:
        callback()
    assert len(mail.outbox) == 1
    assert _pending(part) == [""]


def test_a_mail_withdrawn_before_its_task_ran_is_neither_sent_nor_left_waiting(world) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    invitations_add(
        round_company=part, actor=world.users["contact"], emails=["ola@bedrift.no"], language="nb"
    )
    with scope(world.cluster):
        invitation = part.invitations.get()
    invitation_withdraw(invitation=invitation, actor=world.users["contact"])
    assert send_round_mails.call_local(world.cluster.pk, [invitation.pk], "invitation") == 0
    assert mail.outbox == []
    assert _pending(part) == [""]
    assert lost_mails_requeue(older_than=dt.timedelta(seconds=0)) == 0
