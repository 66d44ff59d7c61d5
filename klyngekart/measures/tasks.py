"""Tasks of the measures app (huey): the invitation mails go from the queue, never the request.
Arguments are ids only; the task reads the measure and addresses when it runs."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from klyngekart.measures.mail import invitations_send


@db_task()
def send_measure_invitations(cluster_id: int, measure_id: int, invitation_ids: list[int]) -> int:
    return invitations_send(cluster_id=cluster_id, measure_id=measure_id, invitation_ids=invitation_ids)
