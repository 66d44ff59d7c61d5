"""Tasks of the member services (huey): the daily pulse duty."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from klyngekart.memberservices.pulse import pulse_rounds_due


@db_periodic_task(crontab(hour=7, minute=30))
def pulse_rounds() -> int:
    return len(pulse_rounds_due(today=timezone.localdate()))
