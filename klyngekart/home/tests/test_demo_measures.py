"""The demo's joint measures: made from last year's top needs, at every stage, with interest."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from klyngekart.accounts.models import CompanyRole, User
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.home.demo_mapping import round_title
from klyngekart.home.demo_measures import PLANS
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo, run_demo
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.measures.selectors import (
    companies_with_need,
    company_need_areas,
    measure_costs,
    measure_impact,
)
from klyngekart.members.models import Membership
from klyngekart.needs.analysis import needs_analysis
from klyngekart.surveys.models import Round

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]  # the module fixture, imported to be used here

CONTACT = "contact@demo.klyngekart.no"


@pytest.fixture
def demo(built_demo: BuiltDemo) -> Cluster:
    return Cluster.objects.get(slug="demo")


def _last_years_round(cluster: Cluster) -> Round:
    return Round.objects.select_related("cluster").get(
        cluster=cluster, title=round_title(timezone.localdate().year - 1)
    )


# The lean programme two years ago, made for the demo's impact (see test_the_lean_programme_...).
EARLIER = {plan.title for plan in PLANS if plan.earlier}


def _measures(cluster: Cluster) -> list[Measure]:
    """The measures made from last year's needs."""
    return list(Measure.objects.filter(cluster=cluster).exclude(title__in=EARLIER).order_by("title"))


def _contacts_membership(cluster: Cluster) -> Membership:
    company = CompanyRole.objects.get(cluster=cluster, user__email=CONTACT).company
    return Membership.objects.select_related("company").get(cluster=cluster, company=company)


def test_the_measures_answer_last_years_top_needs_at_every_stage(demo):
    with scope(demo):
        round_ = _last_years_round(demo)
        top = {row.code for row in needs_analysis(round=round_).ranking[:10]}
        fish_health = {area for m in _measures(demo) for area in m.areas if area.startswith("fish-health")}
        measures = _measures(demo)
    assert len(measures) == len(PLANS) - len(EARLIER)
    assert {m.status for m in measures} >= {"idea", "proposed", "planned", "running", "completed"}
    for measure in measures:
        assert measure.source_round_id == round_.pk
        assert measure.areas and set(measure.areas) <= top | fish_health, measure.title
        assert Decimal("80000") <= measure.fixed_cost <= Decimal("450000")
        assert Decimal("0") <= measure.cost_per_participant <= Decimal("6000")
        assert Decimal("0") <= measure.funding_share <= Decimal("0.5")
        assert measure.capacity
        if measure.starts_on and measure.ends_on:
            assert measure.starts_on <= measure.ends_on
    assert fish_health, "the cluster's own fish health area has a measure"
    today = timezone.localdate()
    dates = {m.status: (m.starts_on or today, m.ends_on or today) for m in measures}
    assert dates["completed"][1] < today
    assert dates["running"][0] <= today <= dates["running"][1]
    assert dates["planned"][0] > today


def test_two_to_six_companies_with_the_need_sign_up_within_capacity(demo):
    with scope(demo):
        round_ = _last_years_round(demo)
        contact = _contacts_membership(demo)
        for measure in _measures(demo):
            costs = measure_costs(measure)
            companies = {i.membership_id for i in costs.interests}
            assert 2 <= len(companies) <= 6, measure.title
            assert costs.table.participants <= (measure.capacity or 0)
            with_need = {m.pk for m in companies_with_need(round_=round_, areas=measure.areas)}
            assert companies - {contact.pk} <= with_need, measure.title
            assert all(row.saving > 0 and row.shared < row.alone for row in costs.table.rows)
            # Exact fractions: a third of a krone has no finite decimal.
            assert Fraction(costs.table.shared) == sum(
                (row.shared_exact for row in costs.table.rows), Fraction(0)
            )


def test_the_contacts_company_is_interested_in_a_proposed_measure_it_needs(demo, client):
    with scope(demo):
        contact = _contacts_membership(demo)
        joined = list(
            MeasureInterest.objects.filter(membership=contact, measure__status="proposed").select_related(
                "measure"
            )
        )
        needs = company_need_areas(membership=contact)
    assert joined, "the contact's company signs up for a proposed measure"
    measure = joined[0].measure
    assert needs is not None and needs.intersection(measure.areas)
    assert joined[0].registered_by is not None and joined[0].registered_by.email == CONTACT

    client.force_login(User.objects.get(email=CONTACT))
    listing = client.get("/c/demo/measures/")
    assert listing.status_code == 200 and measure.title in listing.content.decode()
    page = client.get(f"/c/demo/measures/{measure.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    # The company sees its own row of the cost table, not the other companies'.
    assert contact.company.name in body
    with scope(demo):
        others = [
            i.membership.company.name
            for i in measure_costs(measure).interests
            if i.membership_id != contact.pk
        ]
    assert others and not any(name in body for name in others)


def test_the_measures_audit_trail_lies_in_the_past(demo):
    now = timezone.now()
    with scope(demo):
        entries = list(AuditLog.objects.filter(cluster=demo, action__startswith="measures."))
    actions = {entry.action for entry in entries}
    assert {
        "measures.measure.created",
        "measures.interest.registered",
        "measures.measure.status_changed",
    } <= actions
    assert all(entry.created_at <= now for entry in entries)
    assert len({entry.created_at.date() for entry in entries}) > 3


def test_a_second_run_adds_no_measures(demo):
    def counts() -> tuple[int, int, int]:
        with scopes_disabled():
            return (
                Measure.objects.count(),
                MeasureInterest.objects.count(),
                AuditLog.objects.filter(action__startswith="measures.").count(),
            )

    before = counts()
    output = run_demo()
    assert counts() == before
    assert "0 measures" in output and "0 interests" in output


def test_the_lean_programme_shows_its_impact_against_last_years_round(demo, client):
    """The completed programme two years ago: its participants' gap in lean closed more by last
    year's round than the other companies' did, and every group reaches k."""
    with scope(demo):
        measure = Measure.objects.get(title__in=EARLIER)
        impact = measure_impact(measure)
        last_year = _last_years_round(demo)
    assert measure.status == "completed" and impact is not None
    assert impact.after == last_year and impact.before == measure.source_round
    (row,) = impact.areas
    assert not row.suppressed, row.reason
    assert row.did.value is not None and row.did.value < Decimal("-0.3")
    client.force_login(User.objects.get(email="manager@demo.klyngekart.no"))
    page = client.get("/c/demo/measures/impact/", follow=True).content.decode()
    assert measure.title in page and str(row.did.value) in page
