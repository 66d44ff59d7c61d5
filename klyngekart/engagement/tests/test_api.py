"""GET /api/v1/clusters/{slug}/engagement: the kept scores with their parts, paginated, filtered
like the page, described truly by the OpenAPI document."""

from __future__ import annotations

import pytest

from klyngekart.accounts.tokens import api_token_create
from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.core.tenancy import scope
from klyngekart.engagement import services
from klyngekart.engagement.tests.factories import member, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer():
    def _bearer(user):
        _token, secret = api_token_create(user=user, name="Tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    return _bearer


def test_the_list_carries_score_parts_and_flags(client, world, bearer):
    registration(world.membership, days=5, attended=True)
    with scope(world.cluster):
        services.scores_rebuild(cluster=world.cluster)
    spec = client.get("/api/v1/openapi.json").json()
    response = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/engagement", **bearer(world.users["manager"])
    )
    assert response.status_code == 200
    assert response_problems(spec, "get", "/api/v1/clusters/{slug}/engagement", response) == []
    body = response.json()
    assert body["count"] == 2 and body["page"] == 1
    first = body["items"][0]
    assert first["org_number"] == world.membership.company.org_number
    assert set(first["parts"]) == {"strategy", "response", "registered", "attended", "feedback", "measures"}
    assert first["counts"]["attended"] == 1
    assert first["at_risk"] is False and first["champion"] is False
    assert body["items"][1]["at_risk"] is True


def test_filters_and_pages(client, world, bearer):
    for _ in range(5):
        member(world.cluster)
    registration(world.membership, days=5)
    with scope(world.cluster):
        services.scores_rebuild(cluster=world.cluster)
    headers = bearer(world.users["advisor"])
    url = f"/api/v1/clusters/{world.cluster.slug}/engagement"
    at_risk = client.get(url + "?show=at_risk&page_size=2", **headers).json()
    assert at_risk["count"] == 6 and len(at_risk["items"]) == 2
    assert client.get(url + "?sort=sideways", **headers).status_code == 422
    assert client.get(url, **bearer(world.users["board"])).status_code == 403
