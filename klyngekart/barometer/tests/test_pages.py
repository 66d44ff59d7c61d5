"""The barometer's pages: who may read them, the filters and their refusals, the CSV, the platform
admin's public switch and the manager's choice to take part."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.barometer import services
from klyngekart.barometer.models import BarometerSite
from klyngekart.barometer.tests.factories import AREAS, Company, cluster_round, installation
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_clusters() -> None:
    rounds = installation(5, companies=[Company(sector="C")] * 5 + [Company(sector="F", level=1)] * 5)
    rounds.append(cluster_round(companies=[Company(sector="J")] * 3))
    for made in rounds:
        services.facts_refresh(made.round.cluster)
    services.edition_build()


def test_the_page_is_for_signed_in_users_until_the_admin_makes_it_public(
    client, five_clusters, english
) -> None:
    url = reverse("barometer:page")
    assert client.get(url).status_code == 302
    assert client.get(reverse("barometer:csv")).status_code == 302
    BarometerSite.objects.create(pk=1, public=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "National competence barometer" in page.content.decode()


def test_the_page_shows_figures_counts_and_hidden_cells_with_the_reason(
    login, five_clusters, english
) -> None:
    client = login(UserFactory())
    page = client.get(reverse("barometer:page"), {"sector": "J"}).content.decode()
    assert "Hidden: Fewer than k" in page
    page = client.get(reverse("barometer:page")).content.decode()
    assert "6 clusters take part" in page
    assert "top-chart" in page and "kk-table-wrap" in page


def test_the_csv_is_exactly_the_table_of_the_page(login, five_clusters, english) -> None:
    client = login(UserFactory())
    response = client.get(reverse("barometer:csv"), {"area": AREAS[0]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["shown"] == "True"
    assert rows[0]["companies"] == "53" and rows[0]["clusters"] == "6"
    hidden = list(
        csv.DictReader(io.StringIO(client.get(reverse("barometer:csv"), {"sector": "J"}).content.decode()))
    )
    assert hidden and all(row["mean_gap"] == "" and row["hidden_reason"] for row in hidden)


def test_two_filters_at_once_come_back_with_the_reason_and_what_was_chosen(
    login, five_clusters, english
) -> None:
    client = login(UserFactory())
    response = client.get(reverse("barometer:page"), {"sector": "C", "size": "small"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose one of sector, county and size at a time" in body
    assert '<option value="C" selected>' in body
    assert client.get(reverse("barometer:csv"), {"sector": "C", "size": "small"}).status_code == 400


def test_only_a_platform_admin_turns_the_public_switch(client, login) -> None:
    url = reverse("barometer:public")
    assert login(UserFactory()).post(url, {"public": "1"}).status_code == 404
    assert not BarometerSite.objects.filter(public=True).exists()
    admin = UserFactory(is_superuser=True)
    assert login(admin).post(url, {"public": "1"}).status_code == 302
    assert BarometerSite.objects.get(pk=1).public


def test_the_manager_opts_the_cluster_in_and_out_audited(
    world, login, english, django_capture_on_commit_callbacks
) -> None:
    url = reverse("cluster_barometer:settings", args=[world.cluster.slug])
    client = login(world.users["manager"])
    assert "does not take part" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"opted_in": "on"}).status_code == 302
    assert services.is_participating(world.cluster)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {})
    assert not services.is_participating(world.cluster)
    with scopes_disabled():
        actions = list(AuditLog.objects.filter(cluster=world.cluster).values_list("action", flat=True))
    assert "barometer.joined" in actions and "barometer.left" in actions


@pytest.mark.parametrize("role", ["staff", "advisor", "board"])
def test_no_one_but_the_manager_changes_the_choice(world, login, role: str) -> None:
    url = reverse("cluster_barometer:settings", args=[world.cluster.slug])
    client = login(world.users[role])
    assert client.post(url, {"opted_in": "on"}).status_code == 403
    assert not services.is_participating(world.cluster)


def test_the_public_switch_shows_to_the_platform_admin_only(login, english) -> None:
    assert "Make it public" not in login(UserFactory()).get(reverse("barometer:page")).content.decode()
    admin = UserFactory(is_superuser=True)
    assert "Make it public" in login(admin).get(reverse("barometer:page")).content.decode()
