from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from klyngekart.accounts.services import cluster_update
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled


def settings_url(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("cluster:settings", args=[world.cluster.slug])


def form_data(cluster: Cluster, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "name": cluster.name,
        "short_name": cluster.short_name,
        "description": cluster.description,
        "website": cluster.website,
        "city": cluster.city,
        "anonymity_threshold": cluster.anonymity_threshold,
    }
    if cluster.require_mfa:
        data["require_mfa"] = "on"
    data.update(changes)
    return data


def test_manager_changes_settings_with_audit(world, login):
    client = login(world.users["manager"])
    page = client.get(settings_url(world))
    assert page.status_code == 200
    assert b'name="anonymity_threshold"' in page.content
    response = client.post(
        settings_url(world),
        form_data(
            world.cluster,
            city="Ålesund",
            anonymity_threshold=7,
            require_mfa="on",
            website="https://klynge.no",
        ),
    )
    assert response.status_code == 302
    world.cluster.refresh_from_db()
    assert (world.cluster.city, world.cluster.anonymity_threshold, world.cluster.require_mfa) == (
        "Ålesund",
        7,
        True,
    )
    with scopes_disabled():
        entry = AuditLog.objects.get(action="core.cluster.updated")
    assert entry.actor == world.users["manager"]
    assert entry.data["changes"]["anonymity_threshold"] == [5, 7]
    assert set(entry.data["changes"]) == {"city", "anonymity_threshold", "require_mfa", "website"}


def test_threshold_below_the_floor_is_refused(world, login):
    client = login(world.users["manager"])
    response = client.post(
        settings_url(world),
        form_data(world.cluster, anonymity_threshold=settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD - 1),
    )
    assert response.status_code == 400
    assert b"ds-validation-message" in response.content
    world.cluster.refresh_from_db()
    assert world.cluster.anonymity_threshold == 5


def test_service_refuses_threshold_below_floor_and_unknown_fields(world):
    with pytest.raises(ValidationError):
        cluster_update(cluster=world.cluster, actor=None, data={"anonymity_threshold": 2})
    assert world.cluster.anonymity_threshold == 5
    with pytest.raises(ValidationError):
        cluster_update(cluster=world.cluster, actor=None, data={"slug": "ny-adresse"})


def test_service_restores_the_instance_when_invalid(world):
    with pytest.raises(ValidationError):
        cluster_update(cluster=world.cluster, actor=None, data={"name": "", "city": "Bergen"})
    assert world.cluster.city == ""
    assert world.cluster.name == "Klynge alfa"


def test_nothing_changed_writes_no_audit(world):
    cluster_update(cluster=world.cluster, actor=None, data={"name": world.cluster.name})
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="core.cluster.updated").exists()


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_reaches_settings(world, login, role):
    assert login(world.users[role]).get(settings_url(world)).status_code == 403


def test_other_clusters_manager_gets_404(world, other_world, login):
    assert login(other_world.users["manager"]).get(settings_url(world)).status_code == 404
