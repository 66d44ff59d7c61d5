from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership
from klyngekart.members.tests.factories import (
    CompanyFactory,
    ContactFactory,
    MembershipFactory,
    valid_org_number,
)

pytestmark = pytest.mark.django_db


def members_url(slug: str, suffix: str = "") -> str:
    return f"/api/v1/clusters/{slug}/members{suffix}"


# Listing


def test_list_returns_every_field_of_the_members(client, world, bearer):
    membership = world.membership
    with scopes_disabled():
        Membership.objects.filter(pk=membership.pk).update(
            tier="Gull", annual_fee=Decimal("25000.00"), joined_on=datetime.date(2021, 3, 1)
        )
    company = membership.company

    response = client.get(members_url("alfa"), **bearer(world.users["manager"]))

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 50)
    item = next(item for item in body["items"] if item["org_number"] == company.org_number)
    assert item == {
        "org_number": company.org_number,
        "foreign_id": "",
        "country": "NO",
        "name": company.name,
        "nace_code": "62.100",
        "nace_section": company.nace_section,
        "size_class": "small",
        "employees": 25,
        "municipality": "",
        "region": "46",
        "website": "",
        "status": "active",
        "tier": "Gull",
        "annual_fee": "25000.00",
        "joined_on": "2021-03-01",
        "left_on": None,
        "register_status": "",
        "register_status_on": None,
    }
    assert company.nace_section


def test_list_is_paginated(client, world, bearer, django_assert_max_num_queries):
    for _ in range(5):
        MembershipFactory(cluster=world.cluster)
    headers = bearer(world.users["staff"])
    names = sorted(m.company.name for m in _all_memberships(world))

    first = client.get(members_url("alfa"), {"page_size": 3}, **headers).json()
    # Auth, cluster, role (three queries), count, page; no query per item.
    with django_assert_max_num_queries(9):
        last = client.get(members_url("alfa"), {"page": 3, "page_size": 3}, **headers).json()
    past = client.get(members_url("alfa"), {"page": 4, "page_size": 3}, **headers).json()

    assert first["count"] == last["count"] == 7
    assert [item["name"] for item in first["items"]] == names[:3]
    assert [item["name"] for item in last["items"]] == names[6:]
    assert (last["page"], last["page_size"]) == (3, 3)
    assert past["items"] == [] and past["count"] == 7


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 201}, {"page": "x"}])
def test_list_rejects_bad_paging(client, world, bearer, params):
    response = client.get(members_url("alfa"), params, **bearer(world.users["manager"]))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", next(iter(params))]


def test_list_filters_and_sorts(client, world, bearer):
    big: Membership = MembershipFactory(  # type: ignore[assignment]
        cluster=world.cluster,
        company=CompanyFactory(name="Aker Stor ASA", employees=900, region="03", nace_code="10.110"),
    )
    paused: Membership = MembershipFactory(  # type: ignore[assignment]
        cluster=world.cluster, status="paused", company=CompanyFactory(name="Pause AS")
    )
    headers = bearer(world.users["advisor"])

    def names(**params: str) -> list[str]:
        response = client.get(members_url("alfa"), params, **headers)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names(status="paused") == ["Pause AS"]
    assert names(size_class="large") == ["Aker Stor ASA"]
    assert names(region="03") == ["Aker Stor ASA"]
    assert names(nace_section=big.company.nace_section) == ["Aker Stor ASA"]
    assert names(q="stor") == ["Aker Stor ASA"]
    assert names(q=str(big.company.org_number)) == ["Aker Stor ASA"]
    assert names(sort="-employees")[0] == "Aker Stor ASA"
    assert names(sort="-name")[-1] == "Aker Stor ASA"
    assert len(names(status="")) == 4
    assert paused.company.name in names()


@pytest.mark.parametrize(
    "param, value",
    [("status", "gone"), ("size_class", "huge"), ("region", "77"), ("nace_section", "Z"), ("sort", "fee")],
)
def test_list_rejects_unknown_filter_values(client, world, bearer, param, value):
    response = client.get(members_url("alfa"), {param: value}, **bearer(world.users["manager"]))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", param]


@pytest.mark.parametrize("role", ["board", "contact", "member"])
def test_list_is_403_for_roles_without_member_access(client, world, bearer, role):
    response = client.get(members_url("alfa"), **bearer(world.users[role]))

    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def test_another_clusters_slug_is_404_like_a_missing_one(client, world, other_world, bearer):
    headers = bearer(world.users["manager"])

    foreign = client.get(members_url("beta"), **headers)
    missing = client.get(members_url("no-such-cluster"), **headers)

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert foreign.json() == {"detail": "Not found."}


# Detail


def test_detail_includes_the_contacts_main_contact_first(client, world, bearer):
    membership = world.membership
    ContactFactory(membership=membership, name="Berit Berg", title="HR-leder", phone="+47 900 00 000")
    ContactFactory(membership=membership, name="Anders And", is_primary=True, email="anders@example.no")
    ContactFactory(membership=world.other_membership, name="Someone Else")

    response = client.get(
        members_url("alfa", f"/{membership.company.org_number}"), **bearer(world.users["manager"])
    )

    assert response.status_code == 200
    body = response.json()
    assert body["org_number"] == membership.company.org_number
    assert body["status"] == "active"
    # Each contact carries its id, for PATCH and DELETE .../contacts/{contact_id}.
    assert all(isinstance(contact.pop("id"), int) for contact in body["contacts"])
    assert body["contacts"] == [
        {"name": "Anders And", "email": "anders@example.no", "phone": "", "title": "", "is_primary": True},
        {
            "name": "Berit Berg",
            "email": body["contacts"][1]["email"],
            "phone": "+47 900 00 000",
            "title": "HR-leder",
            "is_primary": False,
        },
    ]


def test_detail_accepts_an_org_number_written_with_spaces(client, world, bearer):
    number = world.membership.company.org_number
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"

    response = client.get(members_url("alfa", f"/{spaced}"), **bearer(world.users["staff"]))

    assert response.status_code == 200
    assert response.json()["org_number"] == number


def test_company_contact_reads_its_own_company_only(client, world, bearer):
    headers = bearer(world.users["contact"])

    own = client.get(members_url("alfa", f"/{world.membership.company.org_number}"), **headers)
    other = client.get(members_url("alfa", f"/{world.other_membership.company.org_number}"), **headers)
    missing = client.get(members_url("alfa", f"/{valid_org_number(7_000_001)}"), **headers)

    assert own.status_code == 200
    assert own.json()["name"] == world.membership.company.name
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


@pytest.mark.parametrize("role", ["board", "member"])
def test_detail_is_403_for_roles_that_cannot_read_members(client, world, bearer, role):
    response = client.get(
        members_url("alfa", f"/{world.membership.company.org_number}"), **bearer(world.users[role])
    )

    assert response.status_code == 403


def test_org_number_from_another_cluster_is_the_same_404_as_a_foreign_slug(
    client, world, other_world, bearer
):
    headers = bearer(world.users["manager"])
    foreign_company = other_world.membership.company.org_number

    in_other_cluster = client.get(members_url("alfa", f"/{foreign_company}"), **headers)
    foreign_slug = client.get(members_url("beta", f"/{foreign_company}"), **headers)
    unknown = client.get(members_url("alfa", "/123"), **headers)

    assert in_other_cluster.status_code == foreign_slug.status_code == unknown.status_code == 404
    assert in_other_cluster.content == foreign_slug.content == unknown.content


# Creating


def test_create_makes_a_member_with_contacts_and_audits_it(client, world, bearer):
    number = valid_org_number(6_000_001)
    payload = {
        "org_number": f"{number[:3]} {number[3:6]} {number[6:]}",
        "name": "Fjordfisk AS",
        "nace_code": "10.201",
        "employees": 8,
        "municipality": "Ålesund",
        "region": "15",
        "website": "https://fjordfisk.example.no",
        "tier": "Sølv",
        "annual_fee": "12000",
        "joined_on": "2024-01-15",
        "contacts": [{"name": "Ola Fisk", "email": "ola@fjordfisk.example.no", "is_primary": True}],
    }

    response = client.post(
        members_url("alfa"), payload, content_type="application/json", **bearer(world.users["staff"])
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org_number"] == number
    assert body["size_class"] == "micro"
    assert body["annual_fee"] == "12000.00"
    assert body["joined_on"] == "2024-01-15"
    assert body["status"] == "active"
    assert all(isinstance(contact.pop("id"), int) for contact in body["contacts"])
    assert body["contacts"] == [
        {
            "name": "Ola Fisk",
            "email": "ola@fjordfisk.example.no",
            "phone": "",
            "title": "",
            "is_primary": True,
        }
    ]
    with scopes_disabled():
        membership = Membership.objects.get(cluster=world.cluster, company__org_number=number)
        assert membership.tier == "Sølv"
        entry = AuditLog.objects.get(action="members.membership.created", object_id=str(membership.pk))
    assert entry.actor == world.users["staff"]
    assert entry.cluster == world.cluster


def test_create_of_another_clusters_member_carries_none_of_its_facts(client, world, other_world, bearer):
    """B adds one of A's member companies by org number (issue 12): the company is the same one
    (no duplicate), but B's 201 carries only what B posted, nothing that A recorded about it, and
    A's record is as it was."""
    company = other_world.membership.company
    with scopes_disabled():
        theirs = Membership.objects.values().get(pk=other_world.membership.pk)
    assert theirs["website"] == "" and theirs["employees"] == 25  # what the factory recorded in A

    response = client.post(
        members_url("alfa"),
        {"org_number": company.org_number, "name": "Another name"},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Another name"
    assert (body["employees"], body["size_class"], body["nace_code"], body["region"]) == (None, "", "", "")
    assert Company.objects.filter(org_number=company.org_number).count() == 1
    with scopes_disabled():
        assert Membership.objects.values().get(pk=other_world.membership.pk) == theirs


@pytest.mark.parametrize(
    "payload, loc, kind",
    [
        ({"org_number": "123456789", "name": "X AS"}, ["body", "payload", "org_number"], None),
        ({"org_number": "12345", "name": "X AS"}, ["body", "payload", "org_number"], None),
        ({"name": "X AS"}, ["body", "payload", "org_number"], None),
        (
            {"org_number": "__NEW__", "name": "X AS", "nace_code": "99.999"},
            ["body", "payload", "nace_code"],
            None,
        ),
        ({"org_number": "__NEW__", "name": "X AS", "status": "gone"}, ["body", "payload", "status"], None),
        ({"org_number": "__NEW__"}, ["body", "payload", "name"], "missing"),
        ({"org_number": "__NEW__", "name": "X AS", "employees": -1}, ["body", "payload", "employees"], None),
        (
            {
                "org_number": "__NEW__",
                "name": "X AS",
                "contacts": [{"name": "A"}, {"name": "B", "email": "nope"}],
            },
            ["body", "payload", "contacts", 1, "email"],
            None,
        ),
        ({"org_number": "__MEMBER__", "name": "X AS"}, ["body", "payload", "org_number"], None),
    ],
)
def test_create_rejects_bad_data_with_field_errors_and_writes_nothing(
    client, world, bearer, payload, loc, kind
):
    replacements = {"__NEW__": valid_org_number(6_100_001), "__MEMBER__": world.membership.company.org_number}
    payload = {
        key: replacements.get(value, value) if isinstance(value, str) else value
        for key, value in payload.items()
    }
    companies_before = Company.objects.count()

    response = client.post(
        members_url("alfa"),
        payload,
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    assert errors[0]["loc"] == loc
    assert errors[0]["msg"]
    if kind:
        assert errors[0]["type"] == kind
    assert Company.objects.count() == companies_before
    with scopes_disabled():
        assert Membership.objects.filter(cluster=world.cluster).count() == 2


def test_already_member_message_names_the_company(client, world, bearer):
    company = world.membership.company

    response = client.post(
        members_url("alfa"),
        {"org_number": company.org_number, "name": company.name},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.json()["detail"][0]["msg"] == f"{company.name} is already a member of this cluster."


@pytest.mark.parametrize("role", ["advisor", "board", "contact"])
def test_create_is_403_for_roles_that_cannot_change_members(client, world, bearer, role):
    response = client.post(
        members_url("alfa"),
        {"org_number": valid_org_number(6_200_001), "name": "X AS"},
        content_type="application/json",
        **bearer(world.users[role]),
    )

    assert response.status_code == 403
    assert not Company.objects.filter(name="X AS").exists()


def test_create_in_another_cluster_is_404(client, world, other_world, bearer):
    response = client.post(
        members_url("beta"),
        {"org_number": valid_org_number(6_300_001), "name": "X AS"},
        content_type="application/json",
        **bearer(world.users["manager"]),
    )

    assert response.status_code == 404
    assert not Company.objects.filter(name="X AS").exists()


def _all_memberships(world):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return list(Membership.objects.filter(cluster=world.cluster).select_related("company"))
