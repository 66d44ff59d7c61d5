"""GET /api/v1/clusters/{slug}/taxonomy: the contract outside tools rely on."""

from __future__ import annotations

import pytest

from klyngekart.core.tenancy import scope
from klyngekart.taxonomy.defaults import default_areas
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.services import area_hide, area_move, area_update, taxonomy_current

pytestmark = pytest.mark.django_db


def test_lists_the_current_visible_areas_in_order(client, world, bearer):
    response = client.get("/api/v1/clusters/alfa/taxonomy", **bearer(world.users["contact"]))

    assert response.status_code == 200
    body = response.json()
    assert len(body) == len(default_areas())
    assert body[0] == {
        "code": "digital-data-analytics",
        "group": "digital",
        "name": {"nb": "Dataanalyse", "en": "Data analytics"},
        "description": default_areas()[0]["description"],
        "esco": default_areas()[0]["esco"],
    }
    for item in body:
        assert set(item) == {"code", "group", "name", "description", "esco"}
        assert set(item["name"]) == {"nb", "en"}
        assert all(uri.startswith("http://data.europa.eu/esco/skill/") for uri in item["esco"])


def test_follows_the_clusters_edits(client, world, bearer):
    actor = world.users["manager"]
    with scope(world.cluster):
        version = taxonomy_current(cluster=world.cluster)
        area_hide(
            area=CompetenceArea.objects.get(version=version, code="digital-data-analytics"), actor=actor
        )
        area_update(
            area=CompetenceArea.objects.get(version=version, code="digital-cyber-security"),
            actor=actor,
            data={"name_nb": "Cybersikkerhet"},
        )
        area_move(
            area=CompetenceArea.objects.get(version=version, code="digital-iot-sensors"),
            actor=actor,
            position=0,
        )

    body = client.get("/api/v1/clusters/alfa/taxonomy", **bearer(world.users["staff"])).json()

    codes = [item["code"] for item in body]
    assert "digital-data-analytics" not in codes and codes[0] == "digital-iot-sensors"
    cyber = next(item for item in body if item["code"] == "digital-cyber-security")
    assert cyber["name"] == {"nb": "Cybersikkerhet", "en": "Cyber security"}


def test_a_member_user_may_not_read_it(client, world, bearer):
    response = client.get("/api/v1/clusters/alfa/taxonomy", **bearer(world.users["member"]))
    assert response.status_code == 403


def test_another_cluster_is_not_found(client, world, other_world, bearer):
    response = client.get("/api/v1/clusters/beta/taxonomy", **bearer(world.users["manager"]))
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
