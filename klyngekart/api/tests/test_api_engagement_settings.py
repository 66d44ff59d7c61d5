"""The engagement score's weights and targets through the API: read as the engagement page shows
them, changed by the manager as on the weights page, audited, and the scores worked out again."""

from __future__ import annotations

from typing import Any

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.engagement import scoring, services
from klyngekart.engagement.models import EngagementScore, EngagementSettings
from klyngekart.engagement.tests.factories import strategy

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "weight_strategy": 15,
    "weight_response": 20,
    "weight_registered": 15,
    "weight_attended": 25,
    "weight_feedback": 10,
    "weight_measures": 15,
    "target_registered": 4,
    "target_attended": 3,
    "target_feedback": 3,
    "target_measures": 1,
    "falling_points": 15,
}


def _url(world: Any) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/engagement/settings"


def _stored(world: Any) -> dict[str, Any] | None:
    with scopes_disabled():
        return EngagementSettings.objects.filter(cluster=world.cluster).values(*DEFAULTS).first()


def _audit() -> list[AuditLog]:
    with scopes_disabled():
        return list(AuditLog.objects.filter(action="engagement.settings.changed"))


@pytest.mark.parametrize("role", ["manager", "staff", "advisor"])
def test_the_team_reads_the_weights_the_engagement_page_shows(client, world, bearer, role) -> None:
    response = client.get(_url(world), **bearer(world.users[role]))

    assert response.status_code == 200
    assert response.json() == DEFAULTS


def test_the_manager_changes_weights_read_back_audited_and_rescored(
    client, world, bearer, django_capture_on_commit_callbacks
) -> None:
    strategy(world.membership)
    headers = bearer(world.users["manager"])
    change = {f"weight_{part}": 0 for part in scoring.PARTS} | {"weight_strategy": 5, "falling_points": 20}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(_url(world), change, content_type="application/json", **headers)

    assert response.status_code == 200
    assert response.json() == DEFAULTS | change
    assert _stored(world) == DEFAULTS | change
    assert client.get(_url(world), **headers).json() == DEFAULTS | change
    [entry] = _audit()
    assert entry.actor == world.users["manager"] and entry.cluster == world.cluster
    assert entry.data["weight_strategy"] == 5 and entry.data["falling_points"] == 20
    assert set(entry.data["fields"]) == {
        "weight_response",
        "weight_registered",
        "weight_attended",
        "weight_feedback",
        "weight_measures",
        "weight_strategy",
        "falling_points",
    }
    with scopes_disabled():
        # Only the submitted strategy counts now: the score was worked out again with the new weights.
        assert EngagementScore.objects.get(membership=world.membership).score == 100


def test_fields_left_out_stay_as_they_are(client, world, bearer) -> None:
    with scope(world.cluster):
        services.engagement_settings_update(cluster=world.cluster, actor=None, data={"target_measures": 2})

    response = client.patch(
        _url(world), {"falling_points": 30}, content_type="application/json", **bearer(world.users["manager"])
    )

    assert response.status_code == 200
    assert _stored(world) == DEFAULTS | {"target_measures": 2, "falling_points": 30}


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"target_attended": 0}, ["body", "payload", "target_attended"]),
        ({"weight_feedback": 101}, ["body", "payload", "weight_feedback"]),
        ({"falling_points": None}, ["body", "payload", "falling_points"]),
        ({f"weight_{part}": 0 for part in scoring.PARTS}, ["body", "payload"]),
    ],
)
def test_a_value_the_page_refuses_is_a_422_at_its_field_and_nothing_is_written(
    client, world, bearer, change, loc
) -> None:
    response = client.patch(
        _url(world), change, content_type="application/json", **bearer(world.users["manager"])
    )

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [loc]
    assert _stored(world) is None
    assert _audit() == []


def test_another_clusters_manager_gets_404_and_changes_nothing(client, world, other_world, bearer) -> None:
    headers = bearer(other_world.users["manager"])

    read = client.get(_url(world), **headers)
    write = client.patch(_url(world), {"falling_points": 40}, content_type="application/json", **headers)

    assert (read.status_code, write.status_code) == (404, 404)
    assert write.json() == {"detail": "Not found."}
    assert _stored(world) is None
    assert _audit() == []


@pytest.mark.parametrize("role", ["staff", "advisor", "board", "contact", "member"])
def test_only_the_manager_changes_the_weights(client, world, bearer, role) -> None:
    response = client.patch(
        _url(world), {"falling_points": 40}, content_type="application/json", **bearer(world.users[role])
    )

    assert response.status_code == 403
    assert _stored(world) is None
    assert _audit() == []


@pytest.mark.parametrize("role", ["board", "contact", "member"])
def test_roles_without_the_engagement_page_cannot_read_the_weights(client, world, bearer, role) -> None:
    assert client.get(_url(world), **bearer(world.users[role])).status_code == 403
