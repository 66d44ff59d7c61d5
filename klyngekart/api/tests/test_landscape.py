"""The cluster landscape's API: search, one profile, and the import with its ownership rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.landscape.models import ClusterProfile, Label
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db
LIST = "/api/v1/landscape/clusters"
IMPORT = "/api/v1/landscape/import"


@pytest.fixture
def spec(client):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/openapi.json").json()


def test_any_signed_in_user_searches_and_reads_a_profile(client, world, bearer, spec) -> None:
    headers = bearer(world.users["member"])
    gold = make_profile(
        name="Arctic Cluster", country="NO", label=Label.GOLD, label_valid_until=date(2020, 1, 1),
        tags=[("category", "fishing"), ("area", "green-renewable-energy")],
    )  # fmt: skip
    make_profile(name="Danish Food Cluster", country="DK", tags=[("category", "food")])

    response = client.get(LIST, {"q": "arctic"}, **headers)
    assert response_problems(spec, "get", LIST, response) == []
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["label_state"] == "expired"
    assert client.get(LIST, {"sector": "fishing", "country": "NO"}, **headers).json()["count"] == 1
    assert client.get(LIST, {"label": "expired"}, **headers).json()["count"] == 1
    assert client.get(LIST, {"country": "SE"}, **headers).json()["count"] == 0

    detail = client.get(f"{LIST}/{gold.pk}", **headers)
    assert response_problems(spec, "get", LIST + "/{profile_id}", detail) == []
    assert detail.json()["sectors"][0]["name"] == "Fishing and fishing products"
    assert detail.json()["technology_areas"][0]["code"] == "green-renewable-energy"
    missing = client.get(f"{LIST}/999999", **headers)
    assert (
        missing.status_code == 404 and response_problems(spec, "get", LIST + "/{profile_id}", missing) == []
    )


def test_a_request_without_a_token_is_refused(client) -> None:
    assert client.get(LIST).status_code == 401


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("clusters.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_manager_imports_for_the_cluster_and_cannot_change_anothers_records(
    client, shared_worlds, bearer, spec
) -> None:
    home, away = shared_worlds.a, shared_worlds.b
    theirs = make_profile(name="Away's", website="https://away.example", owner_cluster=away.cluster)
    headers = bearer(home.users["manager"])

    dry = client.post(IMPORT, {"file": _file("name;country;website\nNew;NO;new.example\n")}, **headers)
    assert response_problems(spec, "post", IMPORT, dry) == []
    assert dry.json() == {"ok": True, "created": 1, "updated": 0, "errors": []}
    assert not ClusterProfile.objects.filter(name="New").exists()

    done = client.post(
        f"{IMPORT}?dry_run=false", {"file": _file("name;country;website\nNew;NO;new.example\n")}, **headers
    )
    assert done.json()["ok"] is True
    assert ClusterProfile.objects.get(name="New").owner_cluster == home.cluster

    refused = client.post(
        f"{IMPORT}?dry_run=false",
        {"file": _file("name;country;website\nHijacked;NO;away.example\n")},
        **headers,
    )
    assert refused.json()["ok"] is False and refused.json()["errors"][0]["row"] == 2
    theirs.refresh_from_db()
    assert theirs.name == "Away's"
    # Naming the other cluster is the same 404 as naming one that does not exist.
    other = client.post(
        f"{IMPORT}?cluster={away.cluster.slug}", {"file": _file("name;country\nX;NO\n")}, **headers
    )
    assert other.status_code == 404


def test_only_managers_and_platform_admins_import(client, world, bearer) -> None:
    for role in ("staff", "advisor", "board", "contact", "member"):
        response = client.post(
            f"{IMPORT}?cluster={world.cluster.slug}",
            {"file": _file("name;country\nX;NO\n")},
            **bearer(world.users[role]),
        )
        assert response.status_code in {403, 422}, role
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = client.post(
        f"{IMPORT}?dry_run=false", {"file": _file("name;country\nPlatform Cluster;NO\n")}, **bearer(admin)
    )
    assert response.json()["ok"] is True
    assert ClusterProfile.objects.get(name="Platform Cluster").owner_cluster is None
