"""Webhooks: the three events reach the cluster's receivers signed, a receiver that fails is tried
again later until it gives up, every delivery is logged, and only the cluster's manager manages
them (another cluster's webhooks are 404)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities.models import Activity
from klyngekart.activities.services import registration_create
from klyngekart.activities.tests.factories import ActivityFactory
from klyngekart.core import events
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.services import membership_create
from klyngekart.members.tests.factories import valid_org_number
from klyngekart.webhooks import services
from klyngekart.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery
from klyngekart.webhooks.signing import verify

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A local HTTP server that records what it is sent and answers with ``status``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[str]:
        return [json.loads(r["body"])["event"] for r in self.received]


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def _hook(world, receiver: Receiver, events_: list[str] | None = None) -> Webhook:  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        return services.webhook_create(
            cluster=world.cluster,
            actor=world.users["manager"],
            data={"url": receiver.url, "events": events_ or list(events.EVENTS)},
        )


def test_a_new_member_reaches_the_receiver_signed(world, receiver):
    webhook = _hook(world, receiver)
    membership_create(
        cluster=world.cluster,
        actor=world.users["manager"],
        company={"name": "Ny Bedrift AS", "org_number": valid_org_number(901)},
    )
    (sent,) = receiver.received
    body = json.loads(sent["body"])
    assert body["event"] == "member.added" and body["cluster"] == world.cluster.slug
    assert body["data"]["member"]["name"] == "Ny Bedrift AS"
    assert sent["headers"]["X-Klyngekart-Event"] == "member.added"
    assert verify(webhook.secret, sent["body"], sent["headers"]["X-Klyngekart-Signature"])
    assert not verify("whsec_other", sent["body"], sent["headers"]["X-Klyngekart-Signature"])
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    assert str(delivery.pk) == sent["headers"]["X-Klyngekart-Delivery"]


def test_a_registration_and_a_release_are_sent_to_those_who_listen(world, receiver):
    _hook(world, receiver, ["registration.created"])
    activity: Activity = ActivityFactory(cluster=world.cluster)  # type: ignore[assignment]
    with scope(world.cluster):
        registration_create(
            activity=activity,
            actor=world.users["manager"],
            email="ola@bedrift.no",
            membership=world.membership,
            notify=False,
        )
    membership_create(
        cluster=world.cluster,
        actor=None,
        company={"name": "Ikke lyttet på AS", "org_number": valid_org_number(902)},
    )
    assert receiver.events() == ["registration.created"]
    data = json.loads(receiver.received[0]["body"])["data"]["registration"]
    assert data["activity"]["id"] == activity.pk and data["org_number"] == world.membership.company.org_number


def test_a_released_round_is_announced(world, receiver):
    from klyngekart.surveys.tests.results_world import build_round, fill, release

    _hook(world, receiver, ["round.released"])
    built = build_round(world.cluster)
    fill(built.add_company(world.membership), 6, seed=1)
    release(built.round)
    assert receiver.events() == ["round.released"]
    assert json.loads(receiver.received[0]["body"])["data"]["round"]["id"] == built.round.pk


def test_a_failing_receiver_is_retried_then_given_up(world, receiver):
    receiver.status = 500
    webhook = _hook(world, receiver)
    with scope(world.cluster):
        delivery = services.webhook_test(webhook=webhook, actor=world.users["manager"])
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert delivery.error == "The receiver answered 500."
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        services.delivery_attempt(cluster_id=world.cluster.pk, delivery_id=delivery.pk)
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == services.MAX_ATTEMPTS
    assert len(receiver.received) == services.MAX_ATTEMPTS
    # A later attempt of a delivery given up sends nothing.
    services.delivery_attempt(cluster_id=world.cluster.pk, delivery_id=delivery.pk)
    assert len(receiver.received) == services.MAX_ATTEMPTS


def test_a_receiver_that_comes_back_gets_the_delivery(world, receiver):
    receiver.status = 503
    webhook = _hook(world, receiver)
    with scope(world.cluster):
        delivery = services.webhook_test(webhook=webhook, actor=None)
    receiver.status = 204
    done = services.delivery_attempt(cluster_id=world.cluster.pk, delivery_id=delivery.pk)
    assert done is not None and done.status == DeliveryStatus.SUCCEEDED and done.attempts == 2
    assert receiver.received[0]["body"] == receiver.received[1]["body"]  # the same message again


def test_an_unreachable_receiver_is_logged(world):
    with scope(world.cluster):
        webhook = services.webhook_create(
            cluster=world.cluster,
            actor=None,
            data={"url": "http://127.0.0.1:9/nothing", "events": ["member.added"]},
        )
        delivery = services.webhook_test(webhook=webhook, actor=None)
    with scopes_disabled():
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and delivery.response_status is None and delivery.error


@override_settings(KLYNGEKART_WEBHOOK_ALLOW_HTTP=False, KLYNGEKART_WEBHOOK_ALLOW_PRIVATE=False)
def test_addresses_inside_the_network_and_plain_http_are_refused(world):
    for url, message in [
        ("http://example.org/hook", "https://"),
        ("https://127.0.0.1/hook", "private network"),
        ("https://10.0.0.8/hook", "private network"),
        ("https://[::1]/hook", "private network"),
    ]:
        with scope(world.cluster), pytest.raises(ValidationError, match=message):
            services.webhook_create(
                cluster=world.cluster, actor=None, data={"url": url, "events": ["member.added"]}
            )


def test_events_must_be_known(world, receiver):
    with scope(world.cluster), pytest.raises(ValidationError, match="events listed"):
        services.webhook_create(
            cluster=world.cluster, actor=None, data={"url": receiver.url, "events": ["drop.table"]}
        )


def test_the_manager_adds_tests_and_removes_a_webhook(world, login, english, receiver):
    client = login(world.users["manager"])
    slug = world.cluster.slug
    response = client.post(
        reverse("webhooks:create", args=[slug]),
        {"url": receiver.url, "description": "CRM", "events": ["member.added"], "active": "on"},
    )
    with scopes_disabled():
        webhook = Webhook.objects.get()
    assert response["Location"] == reverse("webhooks:detail", args=[slug, webhook.pk])
    client.post(reverse("webhooks:test", args=[slug, webhook.pk]))
    page = client.get(reverse("webhooks:detail", args=[slug, webhook.pk])).content.decode()
    assert "<code>ping</code>" in page and "Delivered" in page and webhook.secret in page
    old_secret = webhook.secret
    client.post(reverse("webhooks:rotate", args=[slug, webhook.pk]))
    with scopes_disabled():
        webhook.refresh_from_db()
    assert webhook.secret != old_secret
    # A bad address is refused and what was typed is kept.
    refused = client.post(
        reverse("webhooks:create", args=[slug]), {"url": "ftp://x", "events": ["member.added"]}
    )
    assert 'value="ftp://x"' in refused.content.decode()
    client.post(reverse("webhooks:delete", args=[slug, webhook.pk]))
    with scopes_disabled():
        assert not Webhook.objects.exists()


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_manages_webhooks(world, login, role):
    assert (
        login(world.users[role]).get(reverse("webhooks:list", args=[world.cluster.slug])).status_code == 403
    )


def test_another_clusters_webhook_is_not_found_and_hears_nothing(world, other_world, login, receiver):
    theirs = _hook(other_world, receiver)
    client = login(world.users["manager"])
    assert client.get(reverse("webhooks:detail", args=[world.cluster.slug, theirs.pk])).status_code == 404
    membership_create(
        cluster=world.cluster,
        actor=None,
        company={"name": "Bare vår AS", "org_number": valid_org_number(903)},
    )
    assert receiver.received == []


def test_the_api_lists_adds_and_changes_webhooks(world, client, receiver):
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}/webhooks"
    made = client.post(
        base, {"url": receiver.url, "events": ["member.added"]}, content_type="application/json", **headers
    )
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    hook_id = made.json()["id"]
    changed = client.patch(f"{base}/{hook_id}", {"active": False}, content_type="application/json", **headers)
    assert changed.json()["active"] is False
    assert [h["id"] for h in client.get(base, **headers).json()["items"]] == [hook_id]
    tested = client.post(f"{base}/{hook_id}/test", **headers)
    assert tested.status_code == 202
    log = client.get(f"{base}/{hook_id}/deliveries", **headers).json()["items"]
    assert log[0]["event"] == "ping" and log[0]["status"] == "succeeded"
    bad = client.post(
        base, {"url": "ftp://x", "events": ["member.added"]}, content_type="application/json", **headers
    )
    assert bad.status_code == 422
