"""Locking and opening a year's membership strategies through the API, as the lock on the strategy
overview page: the cluster team only, audited, and a locked year refuses the companies' writes."""

from __future__ import annotations

from typing import Any

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.needs import services
from klyngekart.needs.models import StrategyYearLock
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory

pytestmark = pytest.mark.django_db


def _url(world: Any, action: str, year: int = THIS_YEAR) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/strategies/{year}/{action}"


def _locked(world: Any) -> set[int]:
    with scopes_disabled():
        return set(StrategyYearLock.objects.filter(cluster=world.cluster).values_list("year", flat=True))


def _audit() -> list[tuple[str, Any, Any]]:
    with scopes_disabled():
        return [
            (entry.action, entry.actor_id, entry.data)
            for entry in AuditLog.objects.filter(action__startswith="needs.year.").order_by("pk")
        ]


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_the_team_locks_and_opens_a_year_audited_as_on_the_page(client, world, bearer, role) -> None:
    user = world.users[role]
    headers = bearer(user)

    locked = client.post(_url(world, "lock"), **headers)

    assert (locked.status_code, locked.json()) == (200, {"year": THIS_YEAR, "locked": True})
    assert _locked(world) == {THIS_YEAR}
    listed = client.get(f"/api/v1/clusters/{world.cluster.slug}/strategies?year={THIS_YEAR}", **headers)
    assert all(item["locked"] for item in listed.json()["items"])
    opened = client.post(_url(world, "unlock"), **headers)
    assert (opened.status_code, opened.json()) == (200, {"year": THIS_YEAR, "locked": False})
    assert _locked(world) == set()
    assert _audit() == [
        ("needs.year.locked", user.pk, {"year": THIS_YEAR}),
        ("needs.year.unlocked", user.pk, {"year": THIS_YEAR}),
    ]


def test_a_locked_year_refuses_the_companys_strategy(client, world, bearer) -> None:
    MembershipStrategyFactory(membership=world.membership, year=THIS_YEAR)
    client.post(_url(world, "lock"), **bearer(world.users["manager"]))

    response = client.put(
        f"/api/v1/clusters/{world.cluster.slug}/members/{world.membership.company.org_number}/strategy/{THIS_YEAR}",
        {"goals_text": "Etter låsen"},
        content_type="application/json",
        **bearer(world.users["contact"]),
    )

    assert response.status_code == 409


def test_locking_a_locked_year_or_opening_an_open_one_changes_and_audits_nothing(
    client, world, bearer
) -> None:
    with scope(world.cluster):
        services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=None)
    headers = bearer(world.users["manager"])

    again = client.post(_url(world, "lock"), **headers)
    other_year = client.post(_url(world, "unlock", THIS_YEAR - 1), **headers)

    assert again.json() == {"year": THIS_YEAR, "locked": True}
    assert other_year.json() == {"year": THIS_YEAR - 1, "locked": False}
    assert _locked(world) == {THIS_YEAR}
    assert [action for action, _actor, _data in _audit()] == ["needs.year.locked"]


@pytest.mark.parametrize("action", ["lock", "unlock"])
@pytest.mark.parametrize("year", [1999, THIS_YEAR + 2])
def test_a_year_the_page_does_not_offer_is_a_422_at_the_year(client, world, bearer, action, year) -> None:
    response = client.post(_url(world, action, year), **bearer(world.users["manager"]))

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["path", "year"]]
    assert _locked(world) == set() and _audit() == []


def test_another_clusters_team_gets_404_and_changes_nothing(client, world, other_world, bearer) -> None:
    with scope(world.cluster):
        services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR - 1, actor=None)
    headers = bearer(other_world.users["manager"])

    lock = client.post(_url(world, "lock"), **headers)
    unlock = client.post(_url(world, "unlock", THIS_YEAR - 1), **headers)

    assert (lock.status_code, unlock.status_code) == (404, 404)
    assert lock.json() == unlock.json() == {"detail": "Not found."}
    assert _locked(world) == {THIS_YEAR - 1}
    assert len(_audit()) == 1


@pytest.mark.parametrize("role", ["advisor", "board", "contact", "member"])
def test_roles_below_the_team_cannot_lock_or_open(client, world, bearer, role) -> None:
    with scope(world.cluster):
        services.strategy_year_lock(cluster=world.cluster, year=THIS_YEAR - 1, actor=None)
    headers = bearer(world.users[role])

    lock = client.post(_url(world, "lock"), **headers)
    unlock = client.post(_url(world, "unlock", THIS_YEAR - 1), **headers)

    assert (lock.status_code, unlock.status_code) == (403, 403)
    assert _locked(world) == {THIS_YEAR - 1}
    assert len(_audit()) == 1
