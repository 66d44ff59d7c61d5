from __future__ import annotations

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.needs.models import MembershipStrategy
from klyngekart.needs.services import strategy_year_lock
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(db):  # type: ignore[no-untyped-def]
    from klyngekart.accounts.tokens import api_token_create

    def _bearer(user):  # type: ignore[no-untyped-def]
        _token, secret = api_token_create(user=user, name="Tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    return _bearer


def strategy_url(world, membership=None, year: int = THIS_YEAR) -> str:  # type: ignore[no-untyped-def]
    org_number = (membership or world.membership).company.org_number
    return f"/api/v1/clusters/{world.cluster.slug}/members/{org_number}/strategy/{year}"


def put(client, url: str, body: dict, headers: dict):  # type: ignore[no-untyped-def]
    return client.put(url, body, content_type="application/json", **headers)


def test_a_contact_gets_an_empty_draft_for_a_year_not_written_yet(client, world, bearer):
    response = client.get(strategy_url(world), **bearer(world.users["contact"]))

    assert response.status_code == 200
    body = response.json()
    assert body["exists"] is False and body["status"] == "draft" and body["locked"] is False
    assert body["goal_categories"] == [] and body["review_value"] is None
    assert body["org_number"] == world.membership.company.org_number and body["year"] == THIS_YEAR
    with scopes_disabled():
        assert not MembershipStrategy.objects.exists()


def test_the_team_reads_an_existing_strategy_and_gets_404_for_none(client, world, bearer):
    headers = bearer(world.users["advisor"])
    assert client.get(strategy_url(world), **headers).status_code == 404

    MembershipStrategyFactory(membership=world.membership, priority_areas=["lean"], review_value=4)
    body = client.get(strategy_url(world), **headers).json()

    assert body["exists"] is True
    assert body["goal_categories"] == ["competence", "network"]
    assert body["priority_areas"] == ["lean"] and body["review_value"] == 4


def test_a_board_viewer_may_not_read_a_members_strategy(client, world, bearer):
    MembershipStrategyFactory(membership=world.membership)
    assert client.get(strategy_url(world), **bearer(world.users["board"])).status_code == 403


def test_put_writes_the_given_fields_and_leaves_the_rest(client, world, bearer):
    MembershipStrategyFactory(membership=world.membership, goals_text="Beholdes")
    headers = bearer(world.users["contact"])

    response = put(
        client,
        strategy_url(world),
        {"expectations": "Flere kurs", "review_goals_reached": "yes", "review_value": 5},
        headers,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["goals_text"] == "Beholdes"
    assert (body["expectations"], body["review_goals_reached"], body["review_value"]) == (
        "Flere kurs",
        "yes",
        5,
    )
    with scopes_disabled():
        entry = AuditLog.objects.get(action="needs.strategy.updated")
    assert entry.actor == world.users["contact"]


def test_put_creates_and_submits(client, world, bearer):
    response = put(
        client,
        strategy_url(world),
        {"goal_categories": ["visibility", "network"], "status": "submitted"},
        bearer(world.users["contact"]),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "submitted" and body["submitted_at"]
    assert body["goal_categories"] == ["network", "visibility"]


def test_put_refuses_bad_values_with_422_per_field(client, world, bearer):
    headers = bearer(world.users["contact"])

    response = put(client, strategy_url(world), {"goal_categories": ["fame"]}, headers)
    assert response.status_code == 422

    response = put(client, strategy_url(world), {"priority_areas": ["no-such-area"]}, headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "priority_areas"]

    response = put(client, strategy_url(world), {"status": "submitted"}, headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "goal_categories"]

    response = put(client, strategy_url(world, year=1850), {"goals_text": "x"}, headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "year"]


def test_a_submitted_strategy_cannot_go_back_to_draft(client, world, bearer):
    MembershipStrategyFactory(membership=world.membership, status="submitted")
    response = put(client, strategy_url(world), {"status": "draft"}, bearer(world.users["contact"]))
    assert response.status_code == 422


def test_put_in_a_locked_year_is_409_and_changes_nothing(client, world, bearer):
    MembershipStrategyFactory(membership=world.membership, goals_text="Låst")
    strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=world.users["manager"])
    headers = bearer(world.users["contact"])

    response = put(client, strategy_url(world), {"goals_text": "Endret"}, headers)

    assert response.status_code == 409
    assert "locked" in response.json()["detail"]
    assert client.get(strategy_url(world), **headers).json()["locked"] is True
    with scopes_disabled():
        assert MembershipStrategy.objects.get().goals_text == "Låst"


def test_the_team_cannot_write_and_a_contact_cannot_reach_a_neighbour(client, world, bearer):
    MembershipStrategyFactory(membership=world.other_membership)
    assert (
        put(client, strategy_url(world), {"goals_text": "x"}, bearer(world.users["manager"])).status_code
        == 403
    )

    contact = bearer(world.users["contact"])
    neighbour = strategy_url(world, world.other_membership)
    assert client.get(neighbour, **contact).status_code == 404
    response = put(client, neighbour, {"goals_text": "x"}, contact)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
