"""Every collection in one page shape, and the lists and reads issue 16 added: rounds, surveys and
their versions, measures, registrations, strategies and one webhook, each with its page's filters
and each role's view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.api.tests.openapi_check import response_problems
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.measures.tests.factories import make_measure
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.tests.factories import RoundCompanyFactory, RoundFactory, gap_survey
from klyngekart.webhooks.models import Webhook

pytestmark = pytest.mark.django_db
PAGE = {"items", "count", "page", "page_size"}
# GETs that answer a list rather than a page: a document or figures rather than a collection, or a
# shape an issue fixed (issue 3: a round's links; issue 14: the member survey's services), kept
# as they are so their clients keep working.
NOT_PAGED = {
    "/api/v1/clusters/{slug}/taxonomy",  # the taxonomy version in use, one document
    "/api/v1/clusters/{slug}/rounds/{id}/links",  # issue 3's contract
    "/api/v1/clusters/{slug}/rounds/{id}/progress",  # a round's counts per company, as links
    "/api/v1/clusters/{slug}/rounds/{id}/held",  # counts per company, reason and day
    "/api/v1/clusters/{slug}/rounds/{id}/companies/{org_number}/invitations",  # one company's own
    "/api/v1/clusters/{slug}/member-survey/{round_id}/services",  # issue 14's contract: figures
    "/api/v1/clusters/{slug}/partners",  # issue 15's contract: the ranked list, `limit` long
    "/api/v1/clusters/{slug}/activity-feedback",  # released figures per kind of activity
    "/api/v1/clusters/{slug}/needs",  # the ranking of released figures
}


def _url(world: Any, rest: str) -> str:
    return f"/api/v1/clusters/{world.cluster.slug}/{rest}"


def test_every_collection_is_a_page_of_one_shape(client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    pages = []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        schema = body.get("schema", {})
        if schema.get("type") == "array":
            assert path in NOT_PAGED, f"{path} answers a bare list: make it a page"
            continue
        name = schema.get("$ref", "").removeprefix("#/components/schemas/")
        if "items" not in schemas.get(name, {}).get("properties", {}):
            continue
        pages.append(path)
        assert set(schemas[name]["properties"]) == PAGE, path
        params = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert {"page", "page_size"} <= params, path
    assert len(pages) >= 15


def test_a_page_past_the_end_is_empty_and_a_bad_page_size_is_a_422(client, world, bearer) -> None:
    headers = bearer(world.users["manager"])
    for index in range(3):
        make_measure(cluster=world.cluster, title=f"Kurs {index}")
    first = client.get(_url(world, "measures"), {"page_size": 2}, **headers).json()
    second = client.get(_url(world, "measures"), {"page": 2, "page_size": 2}, **headers).json()
    past = client.get(_url(world, "measures"), {"page": 3, "page_size": 2}, **headers).json()
    assert (first["count"], len(first["items"]), len(second["items"]), past["items"]) == (3, 2, 1, [])
    assert {item["id"] for item in first["items"]}.isdisjoint(item["id"] for item in second["items"])
    refused = client.get(_url(world, "rounds"), {"page_size": 201}, **headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "page_size"]


# --- rounds ---------------------------------------------------------------------------------------


def test_rounds_list_with_filters_and_read_one(client, world, bearer) -> None:
    spring = gap_survey(world.cluster)
    RoundCompanyFactory(round=spring["round"], cluster=world.cluster, membership=world.membership)
    last_year: Any = RoundFactory(
        survey_version=spring["version"],
        cluster=world.cluster,
        status="closed",
        opens_on=dt.date(THIS_YEAR - 1, 3, 1),
        closes_on=dt.date(THIS_YEAR - 1, 4, 1),
    )
    headers = bearer(world.users["board"])
    everything = client.get(_url(world, "rounds"), **headers).json()
    assert everything["count"] == 2
    closed = client.get(_url(world, "rounds"), {"status": "closed"}, **headers).json()
    assert [item["id"] for item in closed["items"]] == [last_year.pk]
    of_year = client.get(_url(world, "rounds"), {"year": THIS_YEAR - 1}, **headers).json()
    assert [item["id"] for item in of_year["items"]] == [last_year.pk]
    other = gap_survey(world.cluster)["version"].survey_id
    assert client.get(_url(world, "rounds"), {"survey": other}, **headers).json()["count"] == 1
    item = closed["items"][0]
    assert (item["survey_id"], item["companies"], item["completed"]) == (spring["version"].survey_id, 0, 0)

    one = client.get(_url(world, f"rounds/{spring['round'].pk}"), **headers)
    assert one.status_code == 200
    assert one.json()["companies"] == [world.membership.company.org_number]
    assert client.get(_url(world, "rounds"), {"status": "ajar"}, **headers).status_code == 422


def test_a_company_contact_sees_only_its_rounds_and_its_own_company_in_them(client, world, bearer) -> None:
    made = gap_survey(world.cluster)
    RoundCompanyFactory(round=made["round"], cluster=world.cluster, membership=world.membership)
    RoundCompanyFactory(round=made["round"], cluster=world.cluster, membership=world.other_membership)
    elsewhere = gap_survey(world.cluster)["round"]
    RoundCompanyFactory(round=elsewhere, cluster=world.cluster, membership=world.other_membership)
    headers = bearer(world.users["contact"])

    listed = client.get(_url(world, "rounds"), **headers).json()
    assert [item["id"] for item in listed["items"]] == [made["round"].pk]
    assert listed["items"][0]["companies"] == 1
    one = client.get(_url(world, f"rounds/{made['round'].pk}"), **headers).json()
    assert one["companies"] == [world.membership.company.org_number]
    assert client.get(_url(world, f"rounds/{elsewhere.pk}"), **headers).status_code == 404
    assert client.get(_url(world, "rounds"), **bearer(world.users["member"])).status_code == 403


# --- surveys ---------------------------------------------------------------------------------------


def test_surveys_list_read_and_versions_as_the_builder_shows_them(client, world, bearer) -> None:
    pulse = survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    headers = bearer(world.users["advisor"])

    listed = client.get(_url(world, "surveys"), {"kind": "pulse"}, **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pulse.pk
    assert client.get(_url(world, "surveys"), {"kind": "custom"}, **headers).json()["count"] == 0
    one = client.get(_url(world, f"surveys/{pulse.pk}"), **headers).json()
    assert one["title"] == {"nb": "Pulsmåling", "en": "Pulse check"}
    versions = client.get(_url(world, f"surveys/{pulse.pk}/versions"), **headers).json()
    assert [version["number"] for version in versions["items"]] == [1]

    version = client.get(_url(world, f"surveys/{pulse.pk}/versions/1"), **headers).json()
    questions = [question for section in version["sections"] for question in section["questions"]]
    assert version["status"] == "published" and version["problems"] == []
    assert len(questions) == version["questions"] == 3
    assert {question["type"] for question in questions} >= {"nps", "text"}
    assert all(set(question["text"]) == {"nb", "en"} for question in questions)
    assert client.get(_url(world, f"surveys/{pulse.pk}/versions/9"), **headers).status_code == 404


def test_surveys_are_changed_versioned_and_published_through_the_builder(client, world, bearer) -> None:
    pulse = survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    headers = bearer(world.users["staff"])
    base = _url(world, f"surveys/{pulse.pk}")

    renamed = client.patch(base, {"title_en": "Pulse"}, content_type="application/json", **headers)
    assert renamed.status_code == 200 and renamed.json()["title"]["en"] == "Pulse"
    refused = client.patch(
        base + "/versions/1", {"intro_en": "x"}, content_type="application/json", **headers
    )
    assert refused.status_code == 422  # published: never changes

    draft = client.post(base + "/versions", **headers)
    assert draft.status_code == 201 and (draft.json()["number"], draft.json()["status"]) == (2, "draft")
    assert client.post(base + "/versions", **headers).status_code == 422  # one draft at a time
    intro = client.patch(base + "/versions/2", {"intro_en": "Hi"}, content_type="application/json", **headers)
    assert intro.json()["intro"]["en"] == "Hi"
    published = client.post(base + "/versions/2/publish", **headers)
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = client.post(base + "/versions/2/publish", **headers)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["path", "number"]
    advisor = bearer(world.users["advisor"])
    assert (
        client.patch(base, {"title_en": "x"}, content_type="application/json", **advisor).status_code == 403
    )


# --- measures ----------------------------------------------------------------------------------------


def test_measures_list_with_the_pages_filters(client, world, bearer) -> None:
    made = gap_survey(world.cluster)
    planned = make_measure(cluster=world.cluster, status="planned", source_round=made["round"])
    make_measure(cluster=world.cluster, status="idea")
    headers = bearer(world.users["staff"])

    assert client.get(_url(world, "measures"), **headers).json()["count"] == 2
    by_status = client.get(_url(world, "measures"), {"status": "planned"}, **headers).json()
    assert [item["id"] for item in by_status["items"]] == [planned.pk]
    by_round = client.get(_url(world, "measures"), {"round": made["round"].pk}, **headers).json()
    assert [item["id"] for item in by_round["items"]] == [planned.pk]
    unknown = client.get(_url(world, "measures"), {"round": 999999}, **headers)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["query", "round"]

    # A contact sees what its page shows: never the team's ideas.
    contact = client.get(_url(world, "measures"), **bearer(world.users["contact"])).json()
    assert [item["id"] for item in contact["items"]] == [planned.pk]
    assert client.get(_url(world, "measures"), **bearer(world.users["member"])).status_code == 403


# --- registrations -------------------------------------------------------------------------------------


def test_registrations_as_each_role_sees_them(client, world, bearer) -> None:
    activity = make_activity(cluster=world.cluster)
    own = make_registration(activity=activity, email=world.users["member"].email, membership=world.membership)
    colleague = make_registration(activity=activity, membership=world.membership)
    stranger = make_registration(
        activity=activity, membership=world.other_membership, status="waitlisted", position=1
    )
    base = _url(world, f"activities/{activity.pk}/registrations")

    def ids(role: str, **query: Any) -> list[int]:
        body = client.get(base, query, **bearer(world.users[role])).json()
        return sorted(item["id"] for item in body["items"])

    assert ids("staff") == sorted([own.pk, colleague.pk, stranger.pk])
    assert ids("advisor", status="waitlisted") == [stranger.pk]
    assert ids("contact") == sorted([own.pk, colleague.pk])
    assert ids("member") == [own.pk]
    assert ids("board") == []

    one = client.get(f"{base}/{own.pk}", **bearer(world.users["member"]))
    assert one.status_code == 200
    assert (one.json()["org_number"], one.json()["company"]) == (
        world.membership.company.org_number,
        world.membership.name,
    )
    assert client.get(f"{base}/{stranger.pk}", **bearer(world.users["member"])).status_code == 404
    assert client.get(base, {"status": "maybe"}, **bearer(world.users["staff"])).status_code == 422


# --- strategies ---------------------------------------------------------------------------------------


def test_strategies_overview_for_the_team_and_own_company_for_a_contact(client, world, bearer) -> None:
    MembershipStrategyFactory(membership=world.membership, year=THIS_YEAR, status="submitted")
    third = MembershipFactory(cluster=world.cluster)
    MembershipStrategyFactory(membership=third, year=THIS_YEAR)  # a draft
    url = _url(world, "strategies")

    overview = client.get(url, {"year": THIS_YEAR}, **bearer(world.users["board"])).json()
    statuses = {item["company"]: item["status"] for item in overview["items"]}
    assert statuses == {
        world.membership.name: "submitted",
        world.other_membership.name: "missing",
        third.name: "draft",
    }
    missing = client.get(url, {"status": "missing"}, **bearer(world.users["staff"])).json()
    assert [item["company"] for item in missing["items"]] == [world.other_membership.name]

    mine = client.get(url, **bearer(world.users["contact"])).json()
    assert [(item["org_number"], item["status"]) for item in mine["items"]] == [
        (world.membership.company.org_number, "submitted")
    ]
    assert client.get(url, **bearer(world.users["member"])).status_code == 403
    assert client.get(url, {"year": 1900}, **bearer(world.users["staff"])).status_code == 422


# --- webhooks --------------------------------------------------------------------------------------------


def test_one_webhook_for_its_manager_only(client, world, other_world, bearer) -> None:
    with scopes_disabled():
        hook = Webhook.objects.create(
            cluster=world.cluster, url="http://127.0.0.1:9/x", events=["member.added"]
        )
        foreign = Webhook.objects.create(
            cluster=other_world.cluster, url="http://127.0.0.1:9/y", events=["member.added"]
        )
    headers = bearer(world.users["manager"])
    one = client.get(_url(world, f"webhooks/{hook.pk}"), **headers)
    assert one.status_code == 200 and one.json()["events"] == ["member.added"]
    assert client.get(_url(world, f"webhooks/{foreign.pk}"), **headers).status_code == 404
    assert client.get(_url(world, f"webhooks/{hook.pk}"), **bearer(world.users["staff"])).status_code == 403
    listed = client.get(_url(world, "webhooks"), **headers).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, hook.pk)


def test_the_new_reads_send_what_the_document_says(client, world, bearer) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    pulse = survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    made = gap_survey(world.cluster)
    activity = make_activity(cluster=world.cluster, starts_at=timezone.now() + dt.timedelta(days=3))
    make_registration(activity=activity, membership=world.membership)
    MembershipStrategyFactory(membership=world.membership, year=THIS_YEAR)
    make_measure(cluster=world.cluster)
    headers = bearer(world.users["manager"])

    reads = [
        ("rounds", "rounds"),
        ("rounds/{id}", f"rounds/{made['round'].pk}"),
        ("surveys", "surveys"),
        ("surveys/{survey_id}", f"surveys/{pulse.pk}"),
        ("surveys/{survey_id}/versions", f"surveys/{pulse.pk}/versions"),
        ("surveys/{survey_id}/versions/{number}", f"surveys/{pulse.pk}/versions/1"),
        ("measures", "measures"),
        ("activities", "activities"),
        ("activities/{activity_id}/registrations", f"activities/{activity.pk}/registrations"),
        ("strategies", "strategies"),
        ("services", "services"),
        ("webhooks", "webhooks"),
        ("people", "people"),
        ("invitations", "invitations"),
        ("reports", "reports"),
    ]
    for template, rest in reads:
        response = client.get(_url(world, rest), **headers)
        assert response.status_code == 200, rest
        assert response_problems(spec, "get", "/api/v1/clusters/{slug}/" + template, response) == [], rest
