"""The pipeline's API: list with the page's filters and the project's pages, create, read with the
history, patch every kind of change, errors in the one shape, and what each role gets. Every
answer is checked against the OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.collaborations.models import Opportunity, Stage
from klyngekart.collaborations.tests.factories import make_opportunity
from klyngekart.conftest import SharedWorlds, World
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db
BASE = "/api/v1/clusters/{slug}/collaborations"
ONE = BASE + "/{opportunity_id}"


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return document


def _ok(spec: dict[str, Any], method: str, template: str, response: Any, status: int) -> Any:
    assert response.status_code == status, response.content[:400]
    assert response_problems(spec, method, template, response) == []
    return response.json()


def test_create_read_patch_and_list(client, world: World, bearer, spec) -> None:
    headers = bearer(world.users["manager"])
    slug = world.cluster.slug
    partner = make_profile(name="Basque Energy Cluster", country="ES")
    due = timezone.localdate() + dt.timedelta(days=4)
    body = {
        "title": "Havvind i Biscaya",
        "partners": [partner.pk],
        "members": [world.membership.company.org_number],
        "next_step": "Første møte",
        "next_step_on": due.isoformat(),
        "responsible": world.users["staff"].email,
    }
    created = _ok(
        spec,
        "post",
        BASE,
        client.post(
            f"/api/v1/clusters/{slug}/collaborations", body, content_type="application/json", **headers
        ),
        201,
    )
    assert created["partners"] == [{"id": partner.pk, "name": "Basque Energy Cluster", "country": "ES"}]
    assert created["members"] == [
        {"org_number": world.membership.company.org_number, "name": world.membership.name}
    ]
    assert created["responsible"]["email"] == world.users["staff"].email
    assert [event["kind"] for event in created["history"]] == ["created"]
    url = f"/api/v1/clusters/{slug}/collaborations/{created['id']}"

    patched = _ok(
        spec,
        "patch",
        ONE,
        client.patch(
            url, {"stage": "contacted", "note": "Svarte raskt."}, content_type="application/json", **headers
        ),
        200,
    )
    assert patched["stage"] == "contacted"
    assert [event["kind"] for event in patched["history"]] == ["note", "stage", "created"]
    assert patched["history"][1]["from_stage"] == "idea" and patched["history"][1]["to_stage"] == "contacted"
    cleared = _ok(
        spec,
        "patch",
        ONE,
        client.patch(url, {"responsible": None, "members": []}, content_type="application/json", **headers),
        200,
    )
    assert cleared["responsible"] is None and cleared["members"] == []
    assert cleared["history"][0]["fields"] == ["responsible", "members"]

    read = _ok(spec, "get", ONE, client.get(url, **headers), 200)
    assert read["id"] == created["id"] and len(read["history"]) == 4
    listed = _ok(spec, "get", BASE, client.get(f"/api/v1/clusters/{slug}/collaborations", **headers), 200)
    assert (listed["count"], listed["page"], listed["page_size"]) == (1, 1, 50)
    assert listed["items"][0]["id"] == created["id"]


def test_errors_have_the_one_shape(client, world: World, bearer, spec) -> None:
    headers = bearer(world.users["manager"])
    slug = world.cluster.slug
    url = f"/api/v1/clusters/{slug}/collaborations"

    def refused(body: dict[str, Any]) -> list[Any]:
        response = client.post(url, body, content_type="application/json", **headers)
        return [item["loc"] for item in _ok(spec, "post", BASE, response, 422)["detail"]]

    partner = make_profile()
    assert refused({"title": "Uten partner", "partners": []}) == [["body", "payload", "partners"]]
    assert refused({"title": "Ukjent", "partners": [partner.pk + 999]}) == [["body", "payload", "partners"]]
    assert refused({"title": "X", "partners": [partner.pk], "members": ["999999999"]}) == [
        ["body", "payload", "members"]
    ]
    assert refused({"title": "X", "partners": [partner.pk], "responsible": world.users["board"].email}) == [
        ["body", "payload", "responsible"]
    ]
    assert refused(
        {"title": "X", "partners": [partner.pk], "next_step_on": "2001-01-01", "next_step": "Y"}
    ) == [["body", "payload", "next_step_on"]]
    opportunity = make_opportunity(cluster=world.cluster)
    one = f"{url}/{opportunity.pk}"
    response = client.patch(one, {"stage": None}, content_type="application/json", **headers)
    _ok(spec, "patch", ONE, response, 422)
    response = client.patch(
        one, {"stage": "completed", "next_step": "Z"}, content_type="application/json", **headers
    )
    assert _ok(spec, "patch", ONE, response, 422)["detail"][0]["loc"] == ["body", "payload", "next_step"]
    _ok(spec, "get", ONE, client.get(f"{url}/{opportunity.pk + 999}", **headers), 404)
    board = bearer(world.users["board"])
    _ok(
        spec,
        "patch",
        ONE,
        client.patch(one, {"stage": "meeting"}, content_type="application/json", **board),
        403,
    )
    with scopes_disabled():
        assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.IDEA


def test_the_list_filters_and_pages(client, world: World, bearer, spec) -> None:
    today = timezone.localdate()
    norwegian, german = make_profile(country="NO"), make_profile(country="DE")
    late = make_opportunity(
        cluster=world.cluster,
        partners=[german],
        stage=Stage.MEETING,
        next_step="Møte",
        next_step_on=today - dt.timedelta(days=1),
    )
    for _ in range(3):
        make_opportunity(cluster=world.cluster, partners=[norwegian])
    headers = bearer(world.users["board"])
    url = f"/api/v1/clusters/{world.cluster.slug}/collaborations"

    def ids(query: str) -> list[int]:
        return [
            item["id"] for item in _ok(spec, "get", BASE, client.get(url + query, **headers), 200)["items"]
        ]

    assert ids("?overdue=true") == [late.pk]
    assert ids("?country=de") == [late.pk]
    assert ids("?stage=meeting") == [late.pk]
    assert len(ids("?stage=idea")) == 3
    page = _ok(spec, "get", BASE, client.get(url + "?page_size=2&page=2", **headers), 200)
    assert (page["count"], len(page["items"]), page["page"]) == (4, 2, 2)
    assert client.get(url + "?stage=sideways", **headers).status_code == 422


def test_a_company_role_reads_its_own_company_only(client, shared_worlds: SharedWorlds, bearer, spec) -> None:
    a, b = shared_worlds.a, shared_worlds.b
    mine = make_opportunity(cluster=a.cluster, members=[a.membership, a.other_membership], title="Alfa og to")
    make_opportunity(cluster=a.cluster, members=[a.other_membership], title="Bare naboen")
    headers = bearer(a.users["contact"])
    url = f"/api/v1/clusters/{a.cluster.slug}/collaborations"
    listed = _ok(spec, "get", BASE, client.get(url, **headers), 200)
    assert [item["id"] for item in listed["items"]] == [mine.pk]
    assert listed["items"][0]["members"] == [
        {"org_number": a.membership.company.org_number, "name": a.membership.name}
    ]
    read = _ok(spec, "get", ONE, client.get(f"{url}/{mine.pk}", **headers), 200)
    assert read["history"] == []
    # B's contact for the same company reaches nothing of A's.
    other = bearer(b.users["contact"])
    assert client.get(f"{url}/{mine.pk}", **other).status_code == 404
    b_url = f"/api/v1/clusters/{b.cluster.slug}/collaborations"
    assert _ok(spec, "get", BASE, client.get(b_url, **other), 200)["items"] == []
    assert client.get(f"{b_url}/{mine.pk}", **other).status_code == 404
    assert (
        client.post(
            url, {"title": "X", "partners": []}, content_type="application/json", **headers
        ).status_code
        == 403
    )
