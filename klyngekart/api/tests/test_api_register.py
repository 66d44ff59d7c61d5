"""Enhetsregisteret through the API, against the recorded answers (members/tests/data/brreg)."""

import pytest

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, RegisterStatus
from klyngekart.members.tests.conftest import brreg, make_company, make_membership  # noqa: F401

pytestmark = pytest.mark.django_db


def lookup_url(slug: str, org_number: str) -> str:
    return f"/api/v1/clusters/{slug}/company-register?org_number={org_number}"


def refresh_url(slug: str, org_number: str) -> str:
    return f"/api/v1/clusters/{slug}/members/{org_number}/register-refresh"


def test_lookup_answers_the_register_facts_and_status(client, world, bearer, brreg):  # noqa: F811
    response = client.get(lookup_url("alfa", "912 345 661"), **bearer(world.users["staff"]))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_on"]) == ("bankrupt", "2026-10-02")
    assert (body["name"], body["municipality"], body["region"]) == (
        "Vestlandske Ingeniører AS",
        "Bergen",
        "46",
    )


def test_lookup_of_unknown_invalid_and_unavailable_numbers(client, world, bearer, brreg, settings):  # noqa: F811
    headers = bearer(world.users["staff"])

    assert client.get(lookup_url("alfa", "987654325"), **headers).status_code == 404
    invalid = client.get(lookup_url("alfa", "912345654"), **headers)
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["query", "org_number"]
    settings.KLYNGEKART_BRREG_ENABLED = False
    off = client.get(lookup_url("alfa", "912345653"), **{**headers, "HTTP_ACCEPT_LANGUAGE": "nb"})
    assert off.status_code == 503
    assert off.json()["detail"] == "Enhetsregisteret svarer ikke nå; fyll inn selv."


def test_refresh_dry_run_lists_the_differences_and_writes_nothing(client, world, bearer, brreg):  # noqa: F811
    company = make_company(org_number="912345653", name="Havbruksteknikk AS")
    make_membership(world.cluster, company=company, name="Havbruk T", employees=3)

    response = client.post(
        refresh_url("alfa", "912345653"),
        {"dry_run": True},
        content_type="application/json",
        **bearer(world.users["staff"]),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is False and body["changed"] == {}
    fields = {row["field"]: row for row in body["differences"]}
    assert fields["name"]["current"] == "Havbruk T" and fields["name"]["in_register"] == "Havbruksteknikk AS"
    assert body["member"]["name"] == "Havbruk T"
    company.refresh_from_db()
    assert company.register_status == ""


def test_refresh_applies_the_chosen_facts_and_the_status(client, world, bearer, brreg):  # noqa: F811
    company = make_company(org_number="912345661", name="Vestlandske Ingeniører AS")
    membership = make_membership(world.cluster, company=company, name="VI", employees=40, municipality="Os")

    response = client.post(
        refresh_url("alfa", "912345661"),
        {"fields": ["employees"]},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["applied"] is True
    assert body["changed"] == {"employees": [40, 12]}
    assert (body["member"]["name"], body["member"]["employees"]) == ("VI", 12)
    assert body["member"]["register_status"] == "bankrupt"
    with scopes_disabled():
        membership.refresh_from_db()
    assert membership.municipality == "Os"
    assert Company.objects.get(pk=company.pk).register_status == RegisterStatus.BANKRUPT


@pytest.mark.parametrize("role", ["advisor", "board", "contact"])
def test_refresh_needs_the_cluster_team(client, world, bearer, brreg, role):  # noqa: F811
    response = client.post(
        refresh_url("alfa", world.membership.company.org_number),
        {},
        content_type="application/json",
        **bearer(world.users[role]),
    )

    assert response.status_code in (403, 404)
    assert brreg.requests == []
