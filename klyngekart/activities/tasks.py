"""Tasks of the activities app (huey): the mails about a registration leave from the queue, never
the request. Arguments are ids only; the task reads the registration when it runs."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from klyngekart.activities.mail import registration_mail_send


@db_task()
def send_registration_mail(cluster_id: int, registration_id: int, kind: str) -> bool:
    return registration_mail_send(cluster_id=cluster_id, registration_id=registration_id, kind=kind)
