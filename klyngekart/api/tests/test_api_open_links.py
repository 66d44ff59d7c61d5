"""The API for open links and held answers: the same services and rules as the round pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import HeldBatch, Response, RoundCompany
from klyngekart.surveys.tests.answering import build_mapping, full_answers
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


@pytest.fixture
def api(client, world):  # type: ignore[no-untyped-def]
    def call(role: str, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        _token, secret = api_token_create(user=world.users[role], name="test")
        url = f"/api/v1/clusters/{world.cluster.slug}/rounds{path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if method == "get":
            return client.get(url, **headers)
        return getattr(client, method)(url, body or {}, content_type="application/json", **headers)

    return call


def test_the_team_or_the_companys_contact_turns_an_open_link_on_and_off(world, api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mail.example.no"
    round_ = draft_round(world)
    own, neighbour = part_of(round_, world), part_of(round_, world, own=False)
    path = f"/{round_.pk}/companies/{own.company.org_number}"
    on = api("contact", "patch", path, {"open_link": True})
    assert on.status_code == 200
    body = on.json()
    assert body["open_link"] is True and body["url"] == f"http://testserver/s/{own.link_token}/"
    assert "subtract them" in body["warning"]
    assert [link["org_number"] for link in api("contact", "get", f"/{round_.pk}/links").json()] == [
        own.company.org_number
    ]
    # A contact reaches only its own company: another company is the same 404 as a missing one.
    other = api(
        "contact", "patch", f"/{round_.pk}/companies/{neighbour.company.org_number}", {"open_link": True}
    )
    missing = api("contact", "patch", f"/{round_.pk}/companies/999999999", {"open_link": True})
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()
    assert api("advisor", "patch", path, {"open_link": False}).status_code == 403
    off = api("manager", "patch", path, {"open_link": False})
    assert off.json() == {
        "org_number": own.company.org_number,
        "open_link": False,
        "url": None,
        "warning": None,
    }
    assert api("manager", "get", f"/{round_.pk}/links").json() == []
    with scope(world.cluster):
        assert not RoundCompany.objects.filter(open_link_enabled=True).exists()
        assert AuditLog.objects.filter(action__startswith="surveys.open_link").count() == 2


def test_a_closed_rounds_link_cannot_be_turned_on(world, api) -> None:  # type: ignore[no-untyped-def]
    round_ = draft_round(world)
    with scope(world.cluster):
        round_.status = "closed"
        round_.save()
    reply = api(
        "manager",
        "patch",
        f"/{round_.pk}/companies/{world.membership.company.org_number}",
        {"open_link": True},
    )
    assert reply.status_code == 422 and reply.json()["detail"][0]["loc"] == ["body", "payload", "open_link"]


def test_held_answers_are_listed_by_link_count_and_day_then_approved_or_rejected(world, api) -> None:  # type: ignore[no-untyped-def]
    mapping = build_mapping(world.membership)
    with scope(world.cluster):
        for number, hold in enumerate([None, "burst", "burst", "repeat"]):
            response_submit(
                round_company=mapping.company,
                raw_answers=full_answers(),
                submission_key=f"k{number}",
                language="nb",
                hold=hold,
            )
    path = f"/{mapping.round.pk}/held"
    listed = api("staff", "get", path)
    assert listed.status_code == 200
    rows = {row["reason"]: row for row in listed.json()}
    assert set(rows) == {"burst", "repeat"}
    assert set(rows["burst"]) == {"id", "org_number", "company", "reason", "held_on", "count"}
    assert rows["burst"]["count"] == 2 and rows["burst"]["org_number"] == world.membership.company.org_number
    assert api("contact", "get", path).status_code == 403
    unknown = api(
        "manager",
        "post",
        f"{path}/approve",
        {"ids": [rows["burst"]["id"], "00000000-0000-4000-8000-000000000000"]},
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "payload", "ids"]
    approved = api("manager", "post", f"{path}/approve", {"ids": [rows["burst"]["id"]]})
    assert approved.json() == {"batches": 1, "responses": 2}
    rejected = api("manager", "post", f"{path}/reject", {"ids": [rows["repeat"]["id"]]})
    assert rejected.json() == {"batches": 1, "responses": 1}
    with scope(world.cluster):
        assert Response.objects.count() == 3 and not Response.objects.filter(held__isnull=False).exists()
        assert not HeldBatch.objects.exists()
    assert api("manager", "get", path).json() == []


def test_the_api_gives_links_on_the_host_and_port_it_was_called_on(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mail.example.no"
    settings.ALLOWED_HOSTS = ["api.example.no"]
    round_ = draft_round(world)
    own = part_of(round_, world)
    _token, secret = api_token_create(user=world.users["contact"], name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_HOST": "api.example.no:8443", "secure": True}
    url = f"/api/v1/clusters/{world.cluster.slug}/rounds/{round_.pk}"
    on = client.patch(
        f"{url}/companies/{own.company.org_number}",
        {"open_link": True},
        content_type="application/json",
        **headers,
    )
    expected = f"https://api.example.no:8443/s/{own.link_token}/"
    assert on.json()["url"] == expected
    assert [link["url"] for link in client.get(f"{url}/links", **headers).json()] == [expected]
