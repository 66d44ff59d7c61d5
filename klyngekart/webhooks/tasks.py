"""Webhook deliveries leave from the queue, never the request; a failed attempt schedules the next."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from klyngekart.webhooks.services import delivery_attempt


@db_task()
def deliver_webhook(cluster_id: int, delivery_id: int) -> str:
    delivery = delivery_attempt(cluster_id=cluster_id, delivery_id=delivery_id)
    if delivery is None:
        return "gone"
    retry_in = getattr(delivery, "retry_in", None)
    if retry_in:
        deliver_webhook.schedule((cluster_id, delivery_id), delay=retry_in)
    return str(delivery.status)
