from decimal import Decimal

import pytest

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure

pytestmark = pytest.mark.django_db


def _client(client, user):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def call(method: str, url: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    return call


def test_create_patch_and_bad_money(world, client) -> None:
    call = _client(client, world.users["manager"])
    base = f"/api/v1/clusters/{world.cluster.slug}/measures"
    body = {
        "title": "Lean",
        "format": "course",
        "fixed_cost": "100000",
        "cost_per_participant": "2000",
        "funding_share": "0.4",
        "capacity": 20,
    }
    for bad in (
        {"fixed_cost": "-1"},
        {"fixed_cost": "1e12"},
        {"funding_share": "1.2"},
        {"capacity": 0},
        {"areas": ["no-such-area"]},
    ):
        response = call("post", base, {**body, **bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"][-1] in bad
    with scopes_disabled():
        assert not Measure.objects.exists()
    response = call("post", base, body)
    assert response.status_code == 201
    data = response.json()
    assert Decimal(data["fixed_cost"]) == Decimal("100000") and data["status"] == "idea"
    response = call("patch", f"{base}/{data['id']}", {"status": "proposed", "funding_share": "0.5"})
    assert response.status_code == 200 and response.json()["status"] == "proposed"
    assert call("patch", f"{base}/{data['id']}", {"funding_share": "-0.1"}).status_code == 422
    with scopes_disabled():
        assert Measure.objects.get().funding_share == Decimal("0.5")


def test_patch_with_null_clears_a_text_and_refuses_what_cannot_be_empty(world, client) -> None:
    call = _client(client, world.users["manager"])
    measure = make_measure(cluster=world.cluster, description="Tre dager", provider="NTNU", capacity=10)
    url = f"/api/v1/clusters/{world.cluster.slug}/measures/{measure.pk}"

    response = call("patch", url, {"provider": None, "description": None, "capacity": None})

    assert response.status_code == 200, response.content
    assert (response.json()["provider"], response.json()["description"]) == ("", "")
    assert response.json()["capacity"] is None
    for field in ("title", "format", "status", "fixed_cost", "cost_per_participant", "funding_share"):
        refused = call("patch", url, {field: None})
        assert refused.status_code == 422, field
        assert refused.json()["detail"][0]["loc"][-1] == field
    with scopes_disabled():
        stored = Measure.objects.get()
    assert (stored.provider, stored.description, stored.title) == ("", "", measure.title)


def test_contact_registers_and_sees_only_its_own_row(world, client) -> None:
    measure = make_measure(cluster=world.cluster)
    MeasureInterestFactory(measure=measure, membership=world.other_membership, participants=1)
    call = _client(client, world.users["contact"])
    url = f"/api/v1/clusters/{world.cluster.slug}/measures/{measure.pk}"
    own = world.membership.company.org_number
    assert call("post", url + "/interest", {"org_number": own, "participants": 0}).status_code == 422
    neighbour = world.other_membership.company.org_number
    assert call("post", url + "/interest", {"org_number": neighbour, "participants": 2}).status_code == 404
    response = call("post", url + "/interest", {"org_number": own, "participants": 3})
    assert response.status_code == 200 and response.json()["participants"] == 3
    costs = call("get", url + "/costs").json()
    assert [row["org_number"] for row in costs["rows"]] == [own]
    row = costs["rows"][0]
    assert Decimal(row["cost_shared"]) == Decimal("51000") and Decimal(row["saving"]) == Decimal("55000")
    assert costs["totals"]["companies"] == 2 and Decimal(costs["totals"]["cost_shared"]) == Decimal("68000")
    manager = _client(client, world.users["manager"])
    assert len(manager("get", url + "/costs").json()["rows"]) == 2


def test_interest_after_close_is_422_and_writes_nothing(world, client) -> None:
    measure = make_measure(cluster=world.cluster, status="dropped")
    call = _client(client, world.users["contact"])
    url = f"/api/v1/clusters/{world.cluster.slug}/measures/{measure.pk}/interest"
    response = call("post", url, {"org_number": world.membership.company.org_number, "participants": 2})
    assert response.status_code == 422
    assert "no longer takes registrations" in response.json()["detail"][0]["msg"]
    with scopes_disabled():
        assert not MeasureInterest.objects.exists()
