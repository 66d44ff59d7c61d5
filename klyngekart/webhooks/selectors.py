from __future__ import annotations

from django.db.models import QuerySet

from klyngekart.accounts.access import ClusterAccess
from klyngekart.webhooks.models import Webhook, WebhookDelivery

DELIVERIES_SHOWN = 50


def webhook_list() -> QuerySet[Webhook]:
    return Webhook.objects.all()


def access_webhook(access: ClusterAccess, pk: int) -> Webhook:
    """One webhook of the cluster in scope (404 for any other)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Webhook, pk=pk, cluster=access.cluster)


def delivery_list(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """Every delivery the log keeps of ``webhook``, newest first."""
    return webhook.deliveries.order_by("-created_at", "-id")


def deliveries_of(webhook: Webhook, limit: int = DELIVERIES_SHOWN) -> list[WebhookDelivery]:
    return list(delivery_list(webhook)[:limit])
