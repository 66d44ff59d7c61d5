"""GET /api/v1/barometer and its CSV: a token, or nothing when the barometer is public; the
filters' refusals in the API's 422 shape; the responses as the OpenAPI document describes them."""

from __future__ import annotations

from typing import Any

import pytest

from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.barometer import services
from klyngekart.barometer.models import BarometerSite
from klyngekart.barometer.tests.factories import AREAS, installation

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return document


@pytest.fixture
def figures() -> None:
    for made in installation(5):
        services.facts_refresh(made.round.cluster)
    services.edition_build()


def test_the_barometer_needs_a_token_until_it_is_public(client, world, bearer, spec, figures) -> None:
    response = client.get("/api/v1/barometer")
    assert response.status_code == 401
    assert response_problems(spec, "get", "/api/v1/barometer", response) == []
    with_token = client.get("/api/v1/barometer", **bearer(world.users["member"]))
    assert with_token.status_code == 200
    BarometerSite.objects.create(pk=1, public=True)
    assert client.get("/api/v1/barometer").status_code == 200


def test_the_figures_as_the_document_says(client, world, bearer, spec, figures) -> None:
    response = client.get(f"/api/v1/barometer?area={AREAS[0]}", **bearer(world.users["manager"]))
    assert response.status_code == 200
    assert response_problems(spec, "get", "/api/v1/barometer", response) == []
    body = response.json()
    assert body["k"] == 5 and body["clusters"] == 5
    (figure,) = body["figures"]
    assert figure["shown"] and figure["companies"] == 25 and figure["mean_gap"] == 2.0
    assert figure["dimension"] == "all"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sector=C&size=small", "size"),
        ("sector=Q9", "sector"),
        ("area=nowhere", "area"),
        ("year=soon", "year"),
    ],
)
def test_a_filter_it_cannot_answer_is_a_422_naming_the_filter(
    client, world, bearer, spec, query, field
) -> None:
    response = client.get(f"/api/v1/barometer?{query}", **bearer(world.users["manager"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]
    assert response_problems(spec, "get", "/api/v1/barometer", response) == []


def test_the_csv_has_the_same_rows(client, world, bearer, figures) -> None:
    response = client.get(f"/api/v1/barometer.csv?area={AREAS[0]}", **bearer(world.users["manager"]))
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("year,area,area_name") and len(lines) == 2
