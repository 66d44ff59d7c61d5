"""The partner API: the ranked list in the landscape's profile schema, and the settings (GET/PUT)."""

from __future__ import annotations

import pytest

from klyngekart.core.tenancy import scope
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.partners.tests.helpers import AI, AQUA, LEAN, even_round

pytestmark = pytest.mark.django_db


def test_partners_are_ranked_with_parts_and_reasons(client, world, bearer) -> None:
    with scope(world.cluster):
        even_round(world.cluster, {AQUA: 1.8, AI: 1.2})
    deep = make_profile(name="Havbruk Partner", country="DK", tags=[(TagKind.AREA, AQUA)])
    make_profile(name="Annen Klynge", country="SE")
    response = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/partners?limit=1", **bearer(world.users["board"])
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 1
    first = body[0]
    assert first["profile"]["id"] == deep.pk and first["profile"]["technology_areas"][0]["code"] == AQUA
    assert set(first["parts"]) == {"complementarity", "similarity", "maturity", "geography"}
    assert 0 < first["score"] <= 100
    assert "Their strength Automation and robotics meets your deepest need (gap 1.8)." in first["reasons"]
    same = client.get(f"/api/v1/landscape/clusters/{deep.pk}", **bearer(world.users["board"])).json()
    assert first["profile"] == same


def test_bad_query_is_a_422_with_the_field(client, world, bearer) -> None:
    response = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/partners?limit=0&label=platinum",
        **bearer(world.users["manager"]),
    )
    assert response.status_code == 422
    assert {tuple(item["loc"]) for item in response.json()["detail"]} == {
        ("query", "limit"),
        ("query", "label"),
    }


def test_settings_read_and_write(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    url = f"/api/v1/clusters/{world.cluster.slug}/partners/settings"
    body = client.get(url, **headers).json()
    assert body["published"] is False and body["profile_id"] is None and body["strengths"] == []
    payload = {
        "published": True,
        "geography": "nearby",
        "strengths": [{"area": AQUA, "depth": 3}, {"area": LEAN, "depth": 1}],
    }
    response = client.put(url, payload, content_type="application/json", **headers)
    assert response.status_code == 200
    body = response.json()
    profile = ClusterProfile.objects.get(source_cluster=world.cluster)
    assert body["profile_id"] == profile.pk and body["geography"] == "nearby"
    assert [(item["area"], item["depth"]) for item in body["strengths"]] == [(AQUA, 3), (LEAN, 1)]
    # Only the fields given change.
    body = client.put(url, {"region": "Innlandet"}, content_type="application/json", **headers).json()
    assert body["published"] and body["region"] == "Innlandet" and len(body["strengths"]) == 2


def test_settings_errors_name_the_field(client, world, bearer) -> None:
    url = f"/api/v1/clusters/{world.cluster.slug}/partners/settings"
    payload = {"strengths": [{"area": "no-such-area", "depth": 2}]}
    response = client.put(url, payload, content_type="application/json", **bearer(world.users["manager"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "strengths"]


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_writes_the_settings(client, world, bearer, role) -> None:
    url = f"/api/v1/clusters/{world.cluster.slug}/partners/settings"
    response = client.put(
        url, {"published": True}, content_type="application/json", **bearer(world.users[role])
    )
    assert response.status_code == 403
    assert not ClusterProfile.objects.filter(source_cluster=world.cluster).exists()


def test_another_cluster_is_a_404(client, world, other_world, bearer) -> None:
    headers = bearer(other_world.users["manager"])
    for url in (
        f"/api/v1/clusters/{world.cluster.slug}/partners",
        f"/api/v1/clusters/{world.cluster.slug}/partners/settings",
    ):
        assert client.get(url, **headers).status_code == 404
    response = client.put(
        f"/api/v1/clusters/{world.cluster.slug}/partners/settings",
        {"published": True},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
