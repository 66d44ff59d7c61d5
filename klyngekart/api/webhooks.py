"""API: the cluster's webhooks (for the manager), as their page shows them: list, add, change,
send a test, and each webhook's delivery log."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.webhooks import selectors, services
from klyngekart.webhooks.models import Webhook, WebhookDelivery

router = Router(tags=["webhooks"])
BASE = "/clusters/{slug}/webhooks"
ONE = BASE + "/{webhook_id}"
Event = Literal["round.released", "registration.created", "member.added", "collaboration.stage_changed"]


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[Event]
    active: bool
    secret: str = Field(
        description="Signs every delivery: X-Klyngekart-Signature: t=<time>,v1=<HMAC-SHA256>."
    )


class WebhookIn(Schema):
    url: str
    events: list[Event]
    description: str = ""
    active: bool = True


class WebhookPatch(Schema):
    url: str | None = None
    events: list[Event] | None = None
    description: str | None = None
    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    event: str
    status: Literal["pending", "retrying", "succeeded", "failed"]
    attempts: int
    response_status: int | None
    error: str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


class WebhookPage(Schema):
    items: list[WebhookOut]
    count: int
    page: int
    page_size: int


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    count: int
    page: int
    page_size: int


class Accepted(Schema):
    delivery_id: int


def _out(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "description": webhook.description,
        "events": webhook.events,
        "active": webhook.active,
        "secret": webhook.secret,
    }


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_status": delivery.response_status,
        "error": delivery.error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


@router.get(BASE, response={200: WebhookPage, **ERROR_RESPONSES}, summary="The cluster's webhooks")
def webhook_list(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    with cluster_scope(request, slug, "webhooks.manage"):
        return paged(selectors.webhook_list(), query, _out)


@router.post(BASE, response={201: WebhookOut, **ERROR_RESPONSES}, summary="Add a webhook")
def webhook_create(request: HttpRequest, slug: str, payload: WebhookIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "webhooks.manage") as access:
        try:
            webhook = services.webhook_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=payload.model_dump(),
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _out(webhook))


@router.get(ONE, response={200: WebhookOut, **ERROR_RESPONSES}, summary="A webhook")
def webhook_get(request: HttpRequest, slug: str, webhook_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "webhooks.manage") as access:
        return _out(selectors.access_webhook(access, webhook_id))


@router.patch(ONE, response={200: WebhookOut, **ERROR_RESPONSES}, summary="Change a webhook")
def webhook_patch(request: HttpRequest, slug: str, webhook_id: int, payload: WebhookPatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "webhooks.manage") as access:
        webhook = selectors.access_webhook(access, webhook_id)
        data = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        try:
            services.webhook_update(webhook=webhook, actor=request.auth, data=data)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _out(webhook)


@router.post(
    ONE + "/test", response={202: Accepted, **ERROR_RESPONSES}, summary="Send a test (ping) delivery"
)
def webhook_test(request: HttpRequest, slug: str, webhook_id: int) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "webhooks.manage") as access:
        webhook = selectors.access_webhook(access, webhook_id)
        delivery = services.webhook_test(webhook=webhook, actor=request.auth)  # type: ignore[attr-defined]
        return Status(202, {"delivery_id": delivery.pk})


@router.get(
    ONE + "/deliveries",
    response={200: DeliveryPage, **ERROR_RESPONSES},
    summary="The webhook's deliveries, newest first",
)
def webhook_deliveries(
    request: HttpRequest, slug: str, webhook_id: int, query: Query[PageQuery]
) -> dict[str, Any]:
    with cluster_scope(request, slug, "webhooks.manage") as access:
        webhook = selectors.access_webhook(access, webhook_id)
        return paged(selectors.delivery_list(webhook), query, _delivery)
