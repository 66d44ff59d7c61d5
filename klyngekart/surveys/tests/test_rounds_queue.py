"""The invitation mail task through a real task queue, not only huey's immediate mode.

With REDIS_URL set (CI's PostgreSQL run), a RedisHuey built from it enqueues and runs the task
against the real Redis, as production does. Without it the same round trip runs through a
SqliteHuey, the default storage, and the test says which configuration it checked: the fixture
picks the case, so neither passes by skipping."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import huey
import pytest
from django.core import mail
from huey.contrib import djhuey

import config.settings.base as base_settings
from klyngekart.core.tenancy import scope
from klyngekart.surveys.rounds.services import invitations_add, round_open
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
