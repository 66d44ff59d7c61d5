"""PATCH a member: what the member's edit page and the page that ends a membership change, through
the same services (audited), all or nothing, with the same roles as the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Membership

pytestmark = pytest.mark.django_db


def _patch(
    client: Any, world: Any, body: dict[str, Any], headers: dict[str, str], membership: Any = None
) -> Any:
    org_number = (membership or world.membership).company.org_number
    url = f"/api/v1/clusters/{world.cluster.slug}/members/{org_number}"
    return client.patch(url, body, content_type="application/json", **headers)


def _row(membership: Membership) -> dict[str, Any]:
    with scopes_disabled():
        return dict(Membership.objects.values().get(pk=membership.pk))


def test_the_team_changes_its_record_and_the_membership(client, world, bearer) -> None:
    response = _patch(
        client,
        world,
        {
            "name": "Nytt Navn AS",
            "employees": 60,
            "tier": "gull",
            "annual_fee": "12000.5",
            "notes": "Ny avtale",
        },
        bearer(world.users["staff"]),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["size_class"], body["tier"], body["annual_fee"]) == (
        "Nytt Navn AS",
        "medium",
        "gull",
        "12000.50",
    )
    row = _row(world.membership)
    assert (row["name"], row["employees"], row["notes"]) == ("Nytt Navn AS", 60, "Ny avtale")
    with scopes_disabled():
        actions = set(AuditLog.objects.filter(cluster=world.cluster).values_list("action", flat=True))
    assert {"members.company.updated", "members.membership.updated"} <= actions


def test_ending_a_membership_uses_the_pages_service_and_can_be_undone(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    ended = _patch(client, world, {"status": "left", "status_on": "2026-06-30"}, headers)
    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["left_on"]) == ("left", "2026-06-30")
    same = _patch(client, world, {"status": "left"}, headers)
    assert same.status_code == 422 and same.json()["detail"][0]["loc"] == ["body", "payload", "status"]
    back = _patch(client, world, {"status": "active"}, headers)
    assert (back.json()["status"], back.json()["left_on"]) == ("active", None)
    with scopes_disabled():
        actions = list(
            AuditLog.objects.filter(
                cluster=world.cluster, action__startswith="members.membership."
            ).values_list("action", flat=True)
        )
    assert sorted(actions) == ["members.membership.ended", "members.membership.reactivated"]


def test_a_refused_part_writes_nothing(client, world, bearer) -> None:
    world.membership.joined_on = datetime.date(2024, 1, 1)
    with scopes_disabled():
        world.membership.save()
    before = _row(world.membership)
    refused = _patch(
        client,
        world,
        {"name": "Skal ikke lagres AS", "status": "left", "status_on": "2023-12-31"},
        bearer(world.users["manager"]),
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "status_on"]
    after = _row(world.membership)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    for body, field in (
        ({"nace_code": "99.999"}, "nace_code"),
        ({"employees": -1}, "employees"),
        ({"status": "gone"}, "status"),
        ({"status_on": "2026-01-01"}, "status_on"),
    ):
        response = _patch(client, world, body, bearer(world.users["manager"]))
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"][-1] == field, body


def test_a_contact_states_its_own_companys_facts_only(client, world, bearer) -> None:
    headers = bearer(world.users["contact"])
    stated = _patch(client, world, {"website": "https://egen.example.no"}, headers)
    assert stated.status_code == 200 and stated.json()["website"] == "https://egen.example.no"
    assert _patch(client, world, {"tier": "gull"}, headers).status_code == 403
    assert _patch(client, world, {"status": "left"}, headers).status_code == 403
    assert (
        _patch(
            client, world, {"website": "https://x.example.no"}, headers, world.other_membership
        ).status_code
        == 404
    )
    assert (
        _patch(client, world, {"website": "https://x.example.no"}, bearer(world.users["member"])).status_code
        == 403
    )
    assert _patch(client, world, {"notes": "x"}, bearer(world.users["advisor"])).status_code == 403
    assert _row(world.membership)["tier"] == world.membership.tier


def test_a_patch_in_one_cluster_leaves_the_others_record_alone(client, shared_worlds, bearer) -> None:
    a, b = shared_worlds.a, shared_worlds.b
    before = _row(b.membership)
    response = _patch(
        client, a, {"name": "Bare Alfas Navn AS", "status": "paused"}, bearer(a.users["manager"])
    )
    assert response.status_code == 200
    assert _row(b.membership) == before
    assert _patch(client, b, {"name": "x"}, bearer(a.users["manager"])).status_code == 404


def test_the_team_adds_changes_and_removes_contact_people(client, world, other_world, bearer) -> None:
    headers = bearer(world.users["staff"])
    base = f"/api/v1/clusters/{world.cluster.slug}/members/{world.membership.company.org_number}/contacts"
    first = client.post(
        base, {"name": "Kari", "is_primary": True}, content_type="application/json", **headers
    )
    assert first.status_code == 201 and first.json()["is_primary"] is True
    second = client.post(
        base,
        {"name": "Ola", "email": "ola@example.no", "is_primary": True},
        content_type="application/json",
        **headers,
    )
    one = f"{base}/{first.json()['id']}"
    changed = client.patch(one, {"title": "Daglig leder"}, content_type="application/json", **headers)
    assert (changed.json()["title"], changed.json()["is_primary"]) == ("Daglig leder", False)
    bad = client.patch(one, {"email": "not-an-address"}, content_type="application/json", **headers)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "payload", "email"]
    url = f"/api/v1/clusters/{world.cluster.slug}/members/{world.membership.company.org_number}"
    shown = client.get(url, **headers).json()["contacts"]
    assert [(c["name"], c["is_primary"]) for c in shown] == [("Ola", True), ("Kari", False)]

    assert client.delete(f"{base}/{second.json()['id']}", **headers).status_code == 204
    assert client.delete(f"{base}/{second.json()['id']}", **headers).status_code == 404
    # Another member's contact through this member's address: the same 404.
    elsewhere = f"/api/v1/clusters/{world.cluster.slug}/members/{world.other_membership.company.org_number}"
    assert client.delete(f"{elsewhere}/contacts/{first.json()['id']}", **headers).status_code == 404
    contact = bearer(world.users["contact"])
    assert client.post(base, {"name": "X"}, content_type="application/json", **contact).status_code == 403
    with scopes_disabled():
        actions = list(
            AuditLog.objects.filter(cluster=world.cluster, action__startswith="members.contact.").values_list(
                "action", flat=True
            )
        )
    assert sorted(set(actions)) == [
        "members.contact.created",
        "members.contact.deleted",
        "members.contact.updated",
    ]
