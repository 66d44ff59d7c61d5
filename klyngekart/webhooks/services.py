"""Webhooks: managing a cluster's endpoints (audited), turning events into deliveries, and one
delivery attempt, retried from the task queue with a growing delay until it succeeds or gives up."""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.events import EVENTS
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery, new_secret
from klyngekart.webhooks.signing import signature

PING = "ping"
MAX_ATTEMPTS = 6
# Seconds before attempt 2, 3, ...: about 8 hours in all before a delivery fails for good.
BACKOFF = [60, 300, 1800, 7200, 21600]
TIMEOUT_SECONDS = 10
USER_AGENT = "Klyngekart-Webhooks/1"


def _check_host(host: str) -> None:
    """Refuse addresses inside the installation's network (SSRF), unless the operator allows them."""
    if getattr(settings, "KLYNGEKART_WEBHOOK_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as error:
        raise ValidationError({"url": _("The address's host cannot be found.")}) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValidationError(
                {"url": _("The address points into a private network; use a public address.")}
            )


def clean_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    allow_http = getattr(settings, "KLYNGEKART_WEBHOOK_ALLOW_HTTP", False)
    if parts.scheme not in ({"https", "http"} if allow_http else {"https"}) or not parts.hostname:
        raise ValidationError({"url": _("Enter an https:// address.")})
    _check_host(parts.hostname)
    return url


def _clean_events(events: Any) -> list[str]:
    chosen = [event for event in (events or []) if event]
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown or not chosen:
        raise ValidationError({"events": _("Choose at least one of the events listed.")})
    return sorted(set(chosen))


def _apply(webhook: Webhook, data: Mapping[str, Any]) -> list[str]:
    changed = []
    if "url" in data:
        url = clean_url(data["url"])
        if url != webhook.url:
            webhook.url = url
            changed.append("url")
    if "events" in data:
        events = _clean_events(data["events"])
        if events != webhook.events:
            webhook.events = events
            changed.append("events")
    for name in ("description", "active"):
        if name in data and getattr(webhook, name) != data[name]:
            setattr(webhook, name, data[name])
            changed.append(name)
    return changed


def webhook_create(*, cluster: Cluster, actor: Any, data: Mapping[str, Any]) -> Webhook:
    webhook = Webhook(
        cluster=cluster, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    data = {"active": True, **data}
    if "url" not in data or "events" not in data:
        raise ValidationError({"url": _("Enter an https:// address.")})
    _apply(webhook, data)
    webhook.full_clean()
    webhook.save()
    audit_log(cluster=cluster, actor=actor, action="webhooks.webhook.created", target=webhook)
    return webhook


def webhook_update(*, webhook: Webhook, actor: Any, data: Mapping[str, Any]) -> Webhook:
    changed = _apply(webhook, data)
    if changed:
        webhook.full_clean()
        webhook.save()
        audit_log(
            cluster=webhook.cluster,
            actor=actor,
            action="webhooks.webhook.updated",
            target=webhook,
            data={"changed": changed},
        )
    return webhook


def webhook_delete(*, webhook: Webhook, actor: Any) -> None:
    audit_log(cluster=webhook.cluster, actor=actor, action="webhooks.webhook.deleted", target=webhook)
    webhook.delete()


def webhook_rotate_secret(*, webhook: Webhook, actor: Any) -> Webhook:
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret", "updated_at"])
    audit_log(cluster=webhook.cluster, actor=actor, action="webhooks.webhook.secret_rotated", target=webhook)
    return webhook


def _queue(delivery: WebhookDelivery) -> None:
    from klyngekart.webhooks.tasks import deliver_webhook

    cluster_id, delivery_id = delivery.cluster_id, delivery.pk
    transaction.on_commit(lambda: deliver_webhook(cluster_id, delivery_id))


def webhook_test(*, webhook: Webhook, actor: Any) -> WebhookDelivery:
    """A ``ping`` delivery now, to check the receiver: it is logged like any other."""
    delivery = WebhookDelivery.objects.create(
        cluster=webhook.cluster,
        webhook=webhook,
        event=PING,
        payload={"message": "Klyngekart webhook test", "webhook": webhook.pk},
    )
    _queue(delivery)
    return delivery


def deliveries_create(
    sender: Any, *, cluster_id: int, event: str, payload: dict[str, Any], **kwargs: Any
) -> int:
    """One delivery per active webhook of the cluster that listens for ``event`` (the receiver of
    core.events.event_happened)."""
    with scopes_disabled():
        cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return 0
    made = 0
    with scope(cluster), transaction.atomic():
        for webhook in Webhook.objects.filter(active=True):
            if event in webhook.events:
                _queue(
                    WebhookDelivery.objects.create(
                        cluster=cluster, webhook=webhook, event=event, payload=payload
                    )
                )
                made += 1
    return made


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "created": delivery.created_at.isoformat(timespec="seconds"),
            "cluster": delivery.cluster.slug,
            "data": delivery.payload,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")


def _post(webhook: Webhook, delivery: WebhookDelivery, body: bytes) -> int:
    clean_url(webhook.url)  # the host may resolve elsewhere since the webhook was saved
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by clean_url
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Klyngekart-Event": delivery.event,
            "X-Klyngekart-Delivery": str(delivery.pk),
            "X-Klyngekart-Signature": signature(webhook.secret, body, int(time.time())),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def delivery_attempt(*, cluster_id: int, delivery_id: int) -> WebhookDelivery | None:
    """One attempt; returns the delivery, with the delay before the next attempt in ``retry_in``
    (None when no attempt follows). Idempotent for a delivery already done."""
    with scopes_disabled():
        cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return None
    with scope(cluster):
        delivery = WebhookDelivery.objects.select_related("webhook", "cluster").filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
            return delivery
        delivery.attempts += 1
        delivery.retry_in = None  # type: ignore[attr-defined]
        try:
            code = _post(delivery.webhook, delivery, body_of(delivery))
            delivery.response_status = code
            delivery.error = (
                "" if 200 <= code < 300 else _("The receiver answered %(code)s.") % {"code": code}
            )
        except (OSError, ValidationError) as error:
            code = 0
            delivery.response_status = None
            delivery.error = str(getattr(error, "reason", None) or error)[:300]
        if 200 <= code < 300:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.retry_in = BACKOFF[delivery.attempts - 1]  # type: ignore[attr-defined]
        delivery.save()
    return delivery
