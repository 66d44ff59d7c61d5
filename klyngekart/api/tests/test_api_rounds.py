"""The rounds API: create, open, close, links and progress, with the same rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.tenancy import scope
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.rounds.services import invitations_add
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of, published_version
from klyngekart.taxonomy.tests.factories import TaxonomyVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world):
    def call(role: str, method: str, path: str, body: dict | None = None):
        _token, secret = api_token_create(user=world.users[role], name="test")
        url = f"/api/v1/clusters/{world.cluster.slug}/rounds{path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}
        if method == "get":
            return client.get(url, **headers)
        send = client.patch if method == "patch" else client.post
        return send(url, body or {}, content_type="application/json", **headers)

    return call


def _body(world, **overrides):
    today = timezone.localdate()
    return {
        "survey": published_version(world).pk,
        "title": "Kartlegging 2026",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=20)).isoformat(),
        "audience": "employees",
        "companies": "all",
        "reminder_days": [7, 3],
    } | overrides


def test_create_open_and_close_a_round(world, api) -> None:
    TaxonomyVersionFactory(cluster=world.cluster, number=4)
    created = api("manager", "post", "", _body(world, companies=[world.other_membership.company.org_number]))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "draft" and data["reminder_days"] == [3, 7] and data["taxonomy_version"] == 4
    assert data["companies"] == [world.other_membership.company.org_number]
    opened = api("staff", "post", f"/{data['id']}/open")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert api("staff", "post", f"/{data['id']}/open").json()["status"] == "open"
    closed = api("staff", "post", f"/{data['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    reopened = api("manager", "post", f"/{data['id']}/open")
    assert reopened.status_code == 422
    assert reopened.json()["detail"][0]["loc"] == ["path", "id"]


def test_create_points_at_what_is_wrong(world, other_world, api) -> None:
    TaxonomyVersionFactory(cluster=world.cluster)
    unknown = api(
        "manager", "post", "", _body(world, companies=[world.membership.company.org_number, "999999999"])
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "companies", 1]
    foreign = api("manager", "post", "", _body(world, survey=published_version(other_world).pk))
    assert foreign.status_code == 422 and foreign.json()["detail"][0]["loc"] == ["body", "payload", "survey"]
    late = api("manager", "post", "", _body(world, reminder_days=[30]))
    assert late.status_code == 422 and late.json()["detail"][0]["loc"] == ["body", "payload", "reminder_days"]
    with scope(world.cluster):
        assert not Round.objects.exists()


def test_links_and_progress_for_the_cluster_and_for_a_contact(world, api, settings) -> None:
    # The API answers on the host it was asked on; SITE_URL is for mails.
    settings.SITE_URL = "https://mail.example.no"
    round_ = draft_round(world)
    invitations_add(
        round_company=part_of(round_, world),
        actor=world.users["contact"],
        emails=["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no", "lise@bedrift.no"],
        language="nb",
    )
    with scope(world.cluster):
        RoundCompany.objects.filter(company=world.membership.company).update(
            started_count=3, completed_count=1
        )
    own = part_of(round_, world)

    # Open links are off until turned on: none are listed.
    assert api("manager", "get", f"/{round_.pk}/links").json() == []
    for membership in (world.membership, world.other_membership):
        turned = api(
            "manager", "patch", f"/{round_.pk}/companies/{membership.company.org_number}", {"open_link": True}
        )
        assert turned.status_code == 200 and turned.json()["open_link"] is True
    links = api("manager", "get", f"/{round_.pk}/links").json()
    assert {link["org_number"] for link in links} == {
        world.membership.company.org_number,
        world.other_membership.company.org_number,
    }
    mine = api("contact", "get", f"/{round_.pk}/links").json()
    assert mine == [
        {
            "org_number": world.membership.company.org_number,
            "token": own.link_token,
            "url": f"http://testserver/s/{own.link_token}/",
        }
    ]
    progress = api("board", "get", f"/{round_.pk}/progress")
    assert progress.status_code == 200
    rows = {row["org_number"]: row for row in progress.json()}
    # Counts from 1 to k - 1 are "under k", and so is the rate they would give.
    assert rows[world.membership.company.org_number] | {"name": ""} == {
        "org_number": world.membership.company.org_number,
        "name": "",
        "invited": 4,
        "started": None,
        "completed": None,
        "under_k": True,
        "response_rate": None,
    }
    with scope(world.cluster):
        RoundCompany.objects.filter(company=world.membership.company).update(
            started_count=6, completed_count=5
        )
    rows = {row["org_number"]: row for row in api("board", "get", f"/{round_.pk}/progress").json()}
    mine = rows[world.membership.company.org_number]
    assert (mine["started"], mine["completed"], mine["under_k"]) == (6, 5, False)
    # Counts only: no address of an invited person anywhere in what the cluster reads.
    assert "bedrift.no" not in progress.content.decode()
    contact_rows = api("contact", "get", f"/{round_.pk}/progress").json()
    assert [row["org_number"] for row in contact_rows] == [world.membership.company.org_number]


def test_roles_and_rounds_out_of_reach(world, api) -> None:
    round_ = draft_round(world, companies=[world.other_membership])
    assert api("board", "get", f"/{round_.pk}/links").status_code == 403
    assert api("advisor", "post", f"/{round_.pk}/open").status_code == 403
    # The contact's company is not in this round: the same 404 as a missing round.
    assert api("contact", "get", f"/{round_.pk}/progress").json() == {"detail": "Not found."}
    assert api("contact", "get", "/999999/progress").json() == {"detail": "Not found."}
