from __future__ import annotations

import pytest

from klyngekart.accounts.tests.factories import ClusterRoleFactory, CompanyRoleFactory
from klyngekart.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_me_lists_the_users_clusters_and_companies(client, world, other_world, bearer):
    user = world.users["manager"]
    user.full_name = "Kari Nordmann"
    user.language = "en"
    user.save()
    ClusterRoleFactory(cluster=other_world.cluster, user=user, role="board")
    company = other_world.membership.company
    CompanyRoleFactory(cluster=other_world.cluster, company=company, user=user, role="contact")

    response = client.get("/api/v1/me", **bearer(user))

    assert response.status_code == 200
    body = response.json()
    assert body.pop("calendar_feed").startswith("http://testserver/calendar/")
    assert body == {
        "email": "manager@alfa.example.no",
        "name": "Kari Nordmann",
        "language": "en",
        "clusters": [
            {"slug": "alfa", "name": "Klynge alfa", "role": "manager"},
            {"slug": "beta", "name": "Klynge beta", "role": "board"},
        ],
        "companies": [
            {"cluster": "beta", "org_number": company.org_number, "name": company.name, "role": "contact"}
        ],
    }


def test_me_for_a_company_contact_shows_the_clusters_the_company_is_active_in(
    client, world, other_world, bearer
):
    contact = world.users["contact"]
    company = world.membership.company
    # The same company is a member of beta too, but has left: no access there.
    MembershipFactory(cluster=other_world.cluster, company=company, status="left")

    body = client.get("/api/v1/me", **bearer(contact)).json()

    assert body["clusters"] == [{"slug": "alfa", "name": "Klynge alfa", "role": "contact"}]
    assert body["companies"] == [
        {"cluster": "alfa", "org_number": company.org_number, "name": company.name, "role": "contact"}
    ]


def test_me_lists_a_company_role_only_in_the_cluster_that_granted_it(client, shared_worlds, bearer):
    """The company is an active member of both clusters; A's contact has a role in A only."""
    a = shared_worlds.a
    body = client.get("/api/v1/me", **bearer(a.users["contact"])).json()
    assert body["clusters"] == [{"slug": "alfa", "name": "Klynge alfa", "role": "contact"}]
    assert [(row["cluster"], row["role"]) for row in body["companies"]] == [("alfa", "contact")]
