"""A completed measure's impact (the page section, the cluster's impact page and the API) and
interest registered by the cluster team on a company's behalf."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.measures.models import MeasureInterest
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure
from klyngekart.surveys.tests.results_world import answer_gaps, dated_round

pytestmark = pytest.mark.django_db

AREA = "digital-ai"


@pytest.fixture
def completed(world) -> Any:  # type: ignore[no-untyped-def]
    """A completed measure in 2025 between two released rounds; companies 0 and 1 took part and
    closed their gap (2 → 0), the others halved theirs (2 → 1)."""
    before = dated_round(world.cluster, datetime.date(2025, 1, 10))
    with scopes_disabled():
        memberships = [company.membership for company in before.companies]
    after = dated_round(world.cluster, datetime.date(2026, 1, 10), memberships)
    for index in range(4):
        answer_gaps(before, index, 5, level=2, areas=(AREA,))
        answer_gaps(after, index, 5, level=4 if index < 2 else 3, areas=(AREA,))
    measure = make_measure(
        cluster=world.cluster,
        title="Digitalt løft",
        status="completed",
        areas=[AREA],
        source_round=before.round,
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 6, 1),
    )
    for membership in memberships[:2]:
        MeasureInterestFactory(measure=measure, membership=membership, cluster=world.cluster, participants=3)
    return measure


def _api(client, user):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_measure_page_and_the_impact_page_show_the_difference_in_differences(
    world, completed, login, english
) -> None:
    client = login(world.users["manager"])
    page = client.get(reverse("measures:detail", args=[world.cluster.slug, completed.pk])).content.decode()
    assert "Impact" in page and "-1.00" in page and "2.00" in page
    # The old address leads to the cluster's impact view (measures and activities, on the activities floor).
    page = client.get(reverse("measures:impact", args=[world.cluster.slug]), follow=True).content.decode()
    assert "Digitalt løft" in page and "-1.00" in page and 'data-chart="impact-chart"' in page
    # A contact sees the measure, but no cross-company impact.
    contact = login(world.users["contact"])
    page = contact.get(reverse("measures:detail", args=[world.cluster.slug, completed.pk])).content.decode()
    assert "-1.00" not in page
    assert contact.get(reverse("measures:impact", args=[world.cluster.slug])).status_code == 403


def test_the_api_gives_the_figures_with_counts_and_filters_by_area(world, completed, client) -> None:
    headers = _api(client, world.users["board"])
    url = f"/api/v1/clusters/{world.cluster.slug}/impact"
    body = client.get(url + f"?area={AREA}", **headers).json()
    (item,) = body["measures"]
    (row,) = item["areas"]
    assert row["difference_in_differences"] == "-1.00"
    assert row["before_participants"] == {"companies": 2, "respondents": 10, "mean_gap": "2.00"}
    assert row["after_others"]["mean_gap"] == "1.00" and row["hidden_reason"] == ""
    assert client.get(url + "?area=lean", **headers).json()["measures"] == []
    assert client.get(url, **_api(client, world.users["contact"])).status_code == 403


def test_a_second_measure_differing_by_a_company_of_k_people_leaves_both_shown(
    world, completed, client
) -> None:
    with scopes_disabled():
        ids = list(MeasureInterest.objects.filter(measure=completed).values_list("membership_id", flat=True))
        from klyngekart.members.models import Membership

        small = Membership.objects.get(pk=ids[0])
    # The same participants but one company (5 people: reaches k). Differing by fewer than k hides
    # both (surveys/tests/test_results_impact.py); differing by k does not.
    twin = make_measure(
        cluster=world.cluster,
        title="Tvilling",
        status="completed",
        areas=[AREA],
        source_round=completed.source_round,
        starts_on=completed.starts_on,
        ends_on=completed.ends_on,
    )
    MeasureInterestFactory(measure=twin, membership=small, cluster=world.cluster, participants=1)
    body = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/impact", **_api(client, world.users["manager"])
    ).json()
    assert all(m["areas"][0]["difference_in_differences"] is not None for m in body["measures"])


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_the_cluster_team_registers_and_withdraws_on_a_companys_behalf(world, login, role) -> None:
    measure = make_measure(cluster=world.cluster, status="proposed")
    client = login(world.users[role])
    page = client.get(reverse("measures:detail", args=[world.cluster.slug, measure.pk])).content.decode()
    assert 'id="on-behalf"' in page
    url = reverse("measures:interest", args=[world.cluster.slug, measure.pk])
    client.post(url, {"membership": world.other_membership.pk, "participants": 4})
    with scopes_disabled():
        interest = MeasureInterest.objects.get(measure=measure)
        assert (interest.membership, interest.participants) == (world.other_membership, 4)
        entry = AuditLog.objects.get(action="measures.interest.registered")
        assert entry.actor == world.users[role]
        assert entry.data["on_behalf"] is True and entry.data["company"] == world.other_membership.name
    client.post(
        reverse("measures:withdraw", args=[world.cluster.slug, measure.pk]),
        {"membership": world.other_membership.pk},
    )
    with scopes_disabled():
        assert not MeasureInterest.objects.filter(measure=measure).exists()
        assert AuditLog.objects.get(action="measures.interest.withdrawn").data["on_behalf"] is True


def test_a_contact_still_registers_only_its_own_company(world, login) -> None:
    measure = make_measure(cluster=world.cluster, status="proposed")
    client = login(world.users["contact"])
    page = client.get(reverse("measures:detail", args=[world.cluster.slug, measure.pk])).content.decode()
    assert 'id="on-behalf"' not in page
    url = reverse("measures:interest", args=[world.cluster.slug, measure.pk])
    assert client.post(url, {"membership": world.other_membership.pk, "participants": 2}).status_code == 404
    client.post(url, {"membership": world.membership.pk, "participants": 2})
    with scopes_disabled():
        assert list(MeasureInterest.objects.values_list("membership", flat=True)) == [world.membership.pk]
        assert "on_behalf" not in AuditLog.objects.get(action="measures.interest.registered").data


@pytest.mark.parametrize("role", ["advisor", "board"])
def test_advisors_and_the_board_cannot_register_for_anyone(world, login, role) -> None:
    measure = make_measure(cluster=world.cluster, status="proposed")
    client = login(world.users[role])
    url = reverse("measures:interest", args=[world.cluster.slug, measure.pk])
    assert client.post(url, {"membership": world.membership.pk, "participants": 2}).status_code == 403
    with scopes_disabled():
        assert not MeasureInterest.objects.exists()


def test_the_api_takes_an_org_number_from_the_cluster_team(world, other_world, client) -> None:
    measure = make_measure(cluster=world.cluster, status="planned")
    url = f"/api/v1/clusters/{world.cluster.slug}/measures/{measure.pk}/interest"
    staff = _api(client, world.users["staff"])
    body = {"org_number": world.other_membership.company.org_number, "participants": 3}
    response = client.post(url, body, content_type="application/json", **staff)
    assert response.status_code == 200 and response.json()["participants"] == 3
    with scopes_disabled():
        assert AuditLog.objects.get(action="measures.interest.registered").data["on_behalf"] is True
    # Another cluster's company is as missing as one that does not exist.
    foreign = {"org_number": other_world.other_membership.company.org_number, "participants": 1}
    assert client.post(url, foreign, content_type="application/json", **staff).status_code == 404
    # A contact: its own company only.
    contact = _api(client, world.users["contact"])
    assert client.post(url, body, content_type="application/json", **contact).status_code == 404
    own = {"org_number": world.membership.company.org_number, "participants": 1}
    assert client.post(url, own, content_type="application/json", **contact).status_code == 200


def test_the_impact_page_reads_each_round_once_however_many_measures(world, completed) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from klyngekart.core.tenancy import scope
    from klyngekart.measures.selectors import cluster_impact

    def queries() -> int:
        with scope(world.cluster), CaptureQueriesContext(connection) as captured:
            found = cluster_impact()
        assert all(item.impact.before is not None for item in found)
        return len(captured.captured_queries)

    one = queries()
    for title in ("Andre", "Tredje"):
        make_measure(
            cluster=world.cluster,
            title=title,
            status="completed",
            areas=[AREA, "lean"],
            source_round=completed.source_round,
            starts_on=completed.starts_on,
            ends_on=completed.ends_on,
        )
    assert queries() <= one + 4


def test_the_impact_page_filters_by_area(world, completed, login, english) -> None:
    make_measure(
        cluster=world.cluster,
        title="Lean-kurs",
        status="completed",
        areas=["lean"],
        source_round=completed.source_round,
        starts_on=completed.starts_on,
        ends_on=completed.ends_on,
    )
    client = login(world.users["advisor"])
    url = reverse("measures:impact", args=[world.cluster.slug])
    page = client.get(url, follow=True).content.decode()
    assert "Digitalt løft" in page and "Lean-kurs" in page and 'name="area"' in page
    page = client.get(url + "?area=lean", follow=True).content.decode()
    assert "Lean-kurs" in page and "Digitalt løft" not in page
    # An area no completed measure targeted is no filter.
    assert "Digitalt løft" in client.get(url + "?area=nothing", follow=True).content.decode()
