from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.audit import audit_log
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Contact, Membership
from klyngekart.members.tests.factories import CompanyFactory, ContactFactory, MembershipFactory

pytestmark = pytest.mark.django_db

DASHBOARD_ROLES = ["manager", "staff", "advisor", "board"]


def home(world, login, role: str):  # type: ignore[no-untyped-def]
    return login(world.users[role]).get(f"/c/{world.cluster.slug}/")


@pytest.mark.parametrize("role", DASHBOARD_ROLES)
def test_cluster_roles_see_key_figures_and_three_charts(world, login, role):
    response = home(world, login, role)
    assert response.status_code == 200
    body = response.content.decode()
    for chart in ("size-chart", "section-chart", "region-chart"):
        assert f'data-chart="{chart}"' in body
        assert f'<script id="{chart}" type="application/json">' in body
    assert world.cluster.name in body
    assert response.context["figures"].active == 2


@pytest.mark.parametrize("role", ["contact", "member"])
def test_company_roles_get_a_welcome_panel_and_no_dashboards(world, login, role):
    response = home(world, login, role)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="size-chart"' not in body
    assert "figures" not in response.context
    assert world.membership.company.name in body
    assert 'id="kk-welcome"' in body


def test_the_welcome_panel_points_company_roles_to_their_own_company(world, login):
    url = reverse("members:my_company", args=[world.cluster.slug])
    body = home(world, login, "contact").content.decode()
    assert f'href="{url}"' in body


def test_a_member_user_gets_no_company_link_their_role_cannot_open(world, login):
    url = reverse("members:my_company", args=[world.cluster.slug])
    body = home(world, login, "member").content.decode()
    assert f'href="{url}"' not in body
    assert login(world.users["member"]).get(url).status_code == 403


def test_key_figures_count_this_years_arrivals_and_departures_and_the_sme_share(world, login):
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    MembershipFactory(cluster=world.cluster, joined_on=start, company=CompanyFactory(employees=400))
    MembershipFactory(
        cluster=world.cluster, status="left", joined_on=start.replace(year=start.year - 3), left_on=start
    )
    MembershipFactory(cluster=world.cluster, status="paused")
    figures = home(world, login, "manager").context["figures"]
    assert figures.active == 3
    assert figures.paused == 1
    assert figures.left == 1
    assert figures.new_this_year == 1
    assert figures.left_this_year == 1
    # Two of the three active members have 25 employees, one has 400.
    assert figures.sme_share == 67


def test_members_by_region_names_the_counties(world, login):
    MembershipFactory(cluster=world.cluster, company=CompanyFactory(region="15"))
    response = home(world, login, "manager")
    rows = {row.label: row.count for row in response.context["by_region"]}
    assert rows == {"Vestland": 2, "Møre og Romsdal": 1}
    assert "Møre og Romsdal" in response.content.decode()


def test_recent_changes_read_as_sentences_for_the_cluster_team(world, login):
    with scope(world.cluster):
        audit_log(
            cluster=world.cluster,
            actor=world.users["manager"],
            action="members.membership.created",
            target=world.membership,
            data={"company": world.membership.company.org_number},
        )
    manager = world.users["manager"]
    body = home(world, login, "manager").content.decode()
    assert f"{manager.full_name} added {world.membership.company.name} as a member" in body
    assert "members.membership.created" not in body
    assert f'href="/c/{world.cluster.slug}/changes/"' in body


@pytest.mark.parametrize("role", ["advisor", "board", "contact"])
def test_recent_changes_are_only_for_the_cluster_team(world, login, role):
    assert "recent_changes" not in home(world, login, role).context


def test_the_home_page_runs_a_bounded_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.users["manager"])
    client.get(f"/c/{world.cluster.slug}/")  # warm the session and caches
    for index in range(30):
        membership = cast(
            Membership,
            MembershipFactory(cluster=world.cluster, company=CompanyFactory(region="11", nace_code="03.211")),
        )
        contact = cast(Contact, ContactFactory(membership=membership))
        with scope(world.cluster):
            audit_log(
                cluster=world.cluster,
                actor=world.users["staff"],
                action="members.contact.created",
                target=contact,
                data={"membership": membership.pk},
            )
            if index % 2:
                audit_log(
                    cluster=world.cluster, actor=None, action="members.membership.created", target=membership
                )
    # 12 for the dashboards and the change log, 4 for the next steps (open and draft rounds,
    # released rounds, measures open for interest, overdue collaborations), whatever the number
    # of members.
    with django_assert_max_num_queries(16):
        response = client.get(f"/c/{world.cluster.slug}/")
    assert response.status_code == 200
    assert response.context["figures"].active == 32


def test_another_clusters_home_is_not_found(world, other_world, login):
    response = login(world.users["manager"]).get(f"/c/{other_world.cluster.slug}/")
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    response = client.get(f"/c/{world.cluster.slug}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_contact_reaches_inviting_employees_in_one_click_while_a_round_is_open(world, login):
    from klyngekart.surveys.rounds.services import round_close, round_open
    from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

    round_ = draft_round(world, title="Kartlegging 2026")
    part = part_of(round_, world)
    invite = reverse("rounds:invite", args=[world.cluster.slug, round_.pk, part.pk])
    # A draft is not yet a next step.
    assert invite not in home(world, login, "contact").content.decode()
    round_open(round_=round_, actor=world.users["manager"])
    body = home(world, login, "contact").content.decode()
    assert f'href="{invite}"' in body and "Kartlegging 2026" in body
    assert login(world.users["contact"]).get(invite).status_code == 200
    # Not offered to a member user (they cannot invite), nor to the cluster team on this panel.
    assert invite not in home(world, login, "member").content.decode()
    assert invite not in home(world, login, "staff").content.decode()
    # Another company's part is never offered.
    neighbour = part_of(round_, world, own=False)
    other = reverse("rounds:invite", args=[world.cluster.slug, round_.pk, neighbour.pk])
    assert other not in body
    round_close(round_=round_, actor=world.users["manager"])
    assert invite not in home(world, login, "contact").content.decode()
