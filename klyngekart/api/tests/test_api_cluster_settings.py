"""The cluster's settings through the API: what the manager's settings page reads and changes, with
its rules (k never below the installation's floor) and its audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


def _url(world: Any) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/settings"


def _as_stored(cluster: Cluster) -> dict[str, Any]:
    return dict(Cluster.objects.values().get(pk=cluster.pk))


def _audit() -> list[AuditLog]:
    with scopes_disabled():
        return list(AuditLog.objects.filter(action="core.cluster.updated"))


def test_the_manager_reads_what_the_settings_page_shows(client, world, bearer) -> None:
    response = client.get(_url(world), **bearer(world.users["manager"]))

    assert response.status_code == 200
    assert response.json() == {
        "name": world.cluster.name,
        "short_name": world.cluster.short_name,
        "description": world.cluster.description,
        "website": world.cluster.website,
        "city": world.cluster.city,
        "anonymity_threshold": 5,
        "minimum_anonymity_threshold": settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD,
        "require_mfa": False,
    }


def test_a_change_is_saved_read_back_and_audited_as_on_the_page(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    change = {"city": "  Ålesund ", "anonymity_threshold": 7, "website": "https://klynge.no"}

    response = client.patch(_url(world), change, content_type="application/json", **headers)

    assert response.status_code == 200
    world.cluster.refresh_from_db()
    assert (world.cluster.city, world.cluster.anonymity_threshold, world.cluster.website) == (
        "Ålesund",
        7,
        "https://klynge.no",
    )
    assert client.get(_url(world), **headers).json() == response.json()
    [entry] = _audit()
    assert entry.actor == world.users["manager"] and entry.cluster == world.cluster
    assert entry.data["changes"] == {
        "city": ["", "Ålesund"],
        "anonymity_threshold": [5, 7],
        "website": ["", "https://klynge.no"],
    }


def test_fields_left_out_stay_and_null_clears_a_text(client, world, bearer) -> None:
    Cluster.objects.filter(pk=world.cluster.pk).update(short_name="KA", city="Raufoss")

    response = client.patch(
        _url(world), {"short_name": None}, content_type="application/json", **bearer(world.users["manager"])
    )

    assert response.status_code == 200
    assert (response.json()["short_name"], response.json()["city"]) == ("", "Raufoss")


def test_k_below_the_installation_floor_is_refused_at_its_field_and_nothing_is_written(
    client, world, bearer
) -> None:
    before = _as_stored(world.cluster)
    floor = settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD

    response = client.patch(
        _url(world),
        {"anonymity_threshold": floor - 1, "city": "Ålesund"},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "payload", "anonymity_threshold"]
    assert f"cannot be lower than {floor}" in problem["msg"]
    assert _as_stored(world.cluster) == before
    assert _audit() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"anonymity_threshold": 51}, "anonymity_threshold"),
        ({"website": "not an address"}, "website"),
        ({"name": " "}, "name"),
    ],
)
def test_a_value_the_page_refuses_is_a_422_at_its_field(client, world, bearer, change, field) -> None:
    before = _as_stored(world.cluster)

    response = client.patch(
        _url(world), change, content_type="application/json", **bearer(world.users["manager"])
    )

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "payload", field]]
    assert _as_stored(world.cluster) == before
    assert _audit() == []


def test_another_clusters_manager_gets_404_and_changes_nothing(client, world, other_world, bearer) -> None:
    headers = bearer(other_world.users["manager"])
    before = _as_stored(world.cluster)

    read = client.get(_url(world), **headers)
    write = client.patch(_url(world), {"city": "Betaby"}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (404, 404)
    assert write.json() == {"detail": "Not found."}
    assert _as_stored(world.cluster) == before
    assert _audit() == []


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_reads_or_changes_the_settings(client, world, bearer, role) -> None:
    headers = bearer(world.users[role])
    before = _as_stored(world.cluster)

    read = client.get(_url(world), **headers)
    write = client.patch(_url(world), {"city": "Gjøvik"}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (403, 403)
    assert _as_stored(world.cluster) == before
    assert _audit() == []
