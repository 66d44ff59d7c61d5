"""Tasks of the collaboration pipeline (huey): each morning, the reminders of next steps that are
due or overdue (collaborations/reminders.py)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from klyngekart.collaborations.reminders import reminders_send


@db_periodic_task(crontab(hour=7, minute=15))
def collaboration_reminders() -> int:
    return reminders_send(today=timezone.localdate())
