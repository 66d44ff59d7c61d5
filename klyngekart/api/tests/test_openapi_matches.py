"""The published OpenAPI document describes what the endpoints really send. Real responses,
success and error, are checked against /api/v1/openapi.json (api/tests/openapi_check.py), so
a schema that drifts from its endpoint, or two schemas that share a name and overwrite each
other in the document, fail here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from ninja import Schema

from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.measures.tests.factories import make_measure
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.tests.answering import build_mapping
from klyngekart.surveys.tests.results_world import build_round, fill, release

pytestmark = pytest.mark.django_db
BASE = "/api/v1/clusters/{slug}"


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return document


def _check(spec: dict[str, Any], method: str, template: str, response: Any, status: int) -> None:
    assert response.status_code == status, (template, response.content[:300])
    assert response_problems(spec, method, template, response) == []


def test_the_cluster_endpoints_send_what_the_document_says(client, world, bearer, spec) -> None:
    headers = bearer(world.users["manager"])
    slug = world.cluster.slug
    survey_create_from_template(cluster=world.cluster, actor=world.users["manager"], template_key="pulse")
    measure = make_measure(cluster=world.cluster, description="Tre dager")
    org_number = world.membership.company.org_number
    calls = [
        ("/api/v1/me", "/api/v1/me"),
        (BASE + "/taxonomy", f"/api/v1/clusters/{slug}/taxonomy"),
        (BASE + "/surveys", f"/api/v1/clusters/{slug}/surveys"),
        (BASE + "/members", f"/api/v1/clusters/{slug}/members"),
        (BASE + "/members/{org_number}", f"/api/v1/clusters/{slug}/members/{org_number}"),
        (BASE + "/measures/{measure_id}", f"/api/v1/clusters/{slug}/measures/{measure.pk}"),
    ]
    for template, url in calls:
        _check(spec, "get", template, client.get(url, **headers), 200)
    # The errors every endpoint documents.
    _check(spec, "get", BASE + "/taxonomy", client.get(f"/api/v1/clusters/{slug}/taxonomy"), 401)
    _check(spec, "get", BASE + "/taxonomy", client.get("/api/v1/clusters/nowhere/taxonomy", **headers), 404)
    refused = client.patch(
        f"/api/v1/clusters/{slug}/measures/{measure.pk}",
        {"funding_share": "2"},
        content_type="application/json",
        **headers,
    )
    _check(spec, "patch", BASE + "/measures/{measure_id}", refused, 422)


def test_the_taxonomy_has_its_descriptions_in_both_languages(client, world, bearer, spec) -> None:
    areas = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/taxonomy", **bearer(world.users["staff"])
    ).json()
    assert areas and all(set(area["description"]) == {"nb", "en"} for area in areas)
    assert any(area["description"]["nb"] for area in areas)


def test_the_needs_ranking_and_its_refusals(client, world, bearer, spec) -> None:
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 6)
    headers = bearer(world.users["manager"])
    url = f"/api/v1/clusters/{world.cluster.slug}/needs?round={made.round.pk}"
    _check(spec, "get", BASE + "/needs", client.get(url, **headers), 409)  # open: nothing yet
    release(made.round)
    _check(spec, "get", BASE + "/needs", client.get(url, **headers), 200)
    for query, field in (
        ("&segment=colour", "segment"),
        ("&segment=size", "value"),
        ("&threshold=9", "threshold"),
        ("&threshold=lots", "threshold"),
    ):
        response = client.get(url + query, **headers)
        _check(spec, "get", BASE + "/needs", response, 422)
        assert response.json()["detail"][0]["loc"] == ["query", field], query


def test_the_public_survey_is_its_own_schema(client, world, spec) -> None:
    mapping = build_mapping(world.membership)
    response = client.get(f"/api/v1/public/surveys/{mapping.token}")
    _check(spec, "get", "/api/v1/public/surveys/{token}", response, 200)


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    """The document keys its schemas by class name: a second SurveyOut replaced the first."""
    import klyngekart.api

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(klyngekart.api.__path__, "klyngekart.api."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert len(seen) > 30
    assert clashes == []
