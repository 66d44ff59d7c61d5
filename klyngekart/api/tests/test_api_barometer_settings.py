"""Taking part in the national barometer through the API, as the cluster's barometer settings page
(the manager, audited), and the installation's public switch, as the platform admin's switch on
the barometer page (404 for anyone else)."""

from __future__ import annotations

from typing import Any

import pytest

from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.barometer.models import BarometerParticipation, BarometerSite
from klyngekart.barometer.services import participation_set
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db
SITE = "/api/v1/barometer/settings"


def _url(world: Any) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/barometer/settings"


def _opted_in(world: Any) -> bool | None:
    with scopes_disabled():
        row = BarometerParticipation.objects.filter(cluster=world.cluster).first()
    return row.opted_in if row else None


def _audit() -> list[tuple[str, Any]]:
    with scopes_disabled():
        return list(
            AuditLog.objects.filter(action__startswith="barometer.")
            .order_by("pk")
            .values_list("action", "actor")
        )


def test_the_manager_joins_reads_it_back_and_leaves_audited_as_on_the_page(client, world, bearer) -> None:
    manager = world.users["manager"]
    headers = bearer(manager)
    assert client.get(_url(world), **headers).json() == {"opted_in": False}

    joined = client.patch(_url(world), {"opted_in": True}, content_type="application/json", **headers)

    assert (joined.status_code, joined.json()) == (200, {"opted_in": True})
    assert _opted_in(world) is True
    assert client.get(_url(world), **headers).json() == {"opted_in": True}
    left = client.patch(_url(world), {"opted_in": False}, content_type="application/json", **headers)
    assert left.json() == {"opted_in": False} and _opted_in(world) is False
    assert _audit() == [("barometer.joined", manager.pk), ("barometer.left", manager.pk)]


def test_the_same_choice_again_changes_and_audits_nothing(client, world, bearer) -> None:
    participation_set(cluster=world.cluster, opted_in=True, actor=None)

    response = client.patch(
        _url(world), {"opted_in": True}, content_type="application/json", **bearer(world.users["manager"])
    )

    assert response.json() == {"opted_in": True}
    assert _audit() == [("barometer.joined", None)]


def test_a_choice_that_is_not_yes_or_no_is_a_422_at_its_field(client, world, bearer) -> None:
    response = client.patch(
        _url(world),
        {"opted_in": "perhaps"},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "payload", "opted_in"]]
    assert _opted_in(world) is None and _audit() == []


def test_another_clusters_manager_gets_404_and_changes_nothing(client, world, other_world, bearer) -> None:
    headers = bearer(other_world.users["manager"])

    read = client.get(_url(world), **headers)
    write = client.patch(_url(world), {"opted_in": True}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (404, 404)
    assert write.json() == {"detail": "Not found."}
    assert _opted_in(world) is None and _audit() == []


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_reads_or_changes_the_participation(client, world, bearer, role) -> None:
    headers = bearer(world.users[role])

    read = client.get(_url(world), **headers)
    write = client.patch(_url(world), {"opted_in": True}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (403, 403)
    assert _opted_in(world) is None and _audit() == []


def test_the_participation_always_needs_a_token_even_when_the_barometer_is_public(client, world) -> None:
    BarometerSite.objects.create(pk=1, public=True)

    assert client.get(_url(world)).status_code == 401
    assert client.patch(_url(world), {"opted_in": True}, content_type="application/json").status_code == 401
    assert _opted_in(world) is None


def test_the_platform_admin_opens_and_closes_the_barometer(client, world, bearer) -> None:
    admin = UserFactory(is_superuser=True)
    headers = bearer(admin)
    assert client.get(SITE, **headers).json() == {"public": False}

    opened = client.patch(SITE, {"public": True}, content_type="application/json", **headers)

    assert (opened.status_code, opened.json()) == (200, {"public": True})
    site = BarometerSite.objects.get(pk=1)
    assert site.public and site.updated_by == admin
    assert client.get("/api/v1/barometer").status_code == 200  # open without a token now
    closed = client.patch(SITE, {"public": False}, content_type="application/json", **headers)
    assert closed.json() == {"public": False} and not BarometerSite.objects.get(pk=1).public


@pytest.mark.parametrize("role", ["manager", "staff", "advisor", "board", "contact", "member"])
def test_anyone_but_the_platform_admin_gets_404_for_the_switch(client, world, bearer, role) -> None:
    headers = bearer(world.users[role])

    read = client.get(SITE, **headers)
    write = client.patch(SITE, {"public": True}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (404, 404)
    assert write.json() == {"detail": "Not found."}
    assert not BarometerSite.objects.filter(public=True).exists()
