"""Tasks of the activities app (huey): the mails about a registration leave from the queue, never
the request (arguments are ids only; the task reads the registration when it runs). Each morning
the feedback surveys of the activities that ended go out."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from klyngekart.activities.feedback import feedback_rounds_due
from klyngekart.activities.mail import registration_mail_send


@db_task()
def send_registration_mail(cluster_id: int, registration_id: int, kind: str) -> bool:
    return registration_mail_send(cluster_id=cluster_id, registration_id=registration_id, kind=kind)


@db_periodic_task(crontab(hour=8, minute=0))
def feedback_rounds() -> int:
    """Each morning, the feedback survey for the activities that ended since: the team has had
    the evening to finish the check-in list, and may send it sooner from the activity page."""
    return len(feedback_rounds_due())
