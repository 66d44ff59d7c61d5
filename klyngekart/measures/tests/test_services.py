from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.measures import selectors, services
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure
from klyngekart.members.tests.factories import ContactFactory, MembershipFactory
from klyngekart.surveys.models import AreaAggregate, Round, RoundRelease, SegmentCount
from klyngekart.surveys.tests.factories import RoundCompanyFactory, RoundFactory
from klyngekart.surveys.tests.results_world import mark_released

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Lean for SMEs",
    "areas": ["lean"],
    "format": "course",
    "fixed_cost": Decimal("100000"),
    "cost_per_participant": Decimal("2000"),
    "funding_share": Decimal("0.4"),
    "capacity": 10,
    "status": "proposed",
}


def _gap(round_, membership, area: str, n: int, mean_gap: int) -> None:
    part: Any = RoundCompanyFactory(
        round=round_, cluster=round_.cluster, membership=membership, company=membership.company
    )
    with scopes_disabled():
        SegmentCount.objects.create(cluster=round_.cluster, round=round_, round_company=part, n=n)
        AreaAggregate.objects.create(
            cluster=round_.cluster,
            round=round_,
            round_company=part,
            segment="",
            area_code=area,
            n=n,
            sum_gap=n * mean_gap,
        )
    mark_released(round_)


def test_create_audits_and_refuses_bad_money(world) -> None:
    with scope(world.cluster):
        measure = services.measure_create(cluster=world.cluster, actor=world.users["manager"], data=VALID)
        assert AuditLog.objects.filter(action="measures.measure.created").count() == 1
        for bad in (
            {"fixed_cost": Decimal("-1")},
            {"fixed_cost": Decimal("1000000000")},
            {"funding_share": Decimal("1.5")},
            {"cost_per_participant": Decimal("-5")},
        ):
            with pytest.raises(ValidationError):
                services.measure_create(cluster=world.cluster, actor=None, data={**VALID, **bad})
        assert Measure.objects.count() == 1
        with pytest.raises(ValidationError):
            services.measure_create(
                cluster=world.cluster, actor=None, data={**VALID, "areas": ["nope"]}, area_codes=["lean"]
            )
        services.measure_update(measure=measure, actor=None, data={"status": "planned", "title": "Lean 2"})
        assert set(AuditLog.objects.values_list("action", flat=True)) == {
            "measures.measure.created",
            "measures.measure.updated",
            "measures.measure.status_changed",
        }


def test_interest_capacity_closed_and_withdraw(world, english) -> None:
    measure = make_measure(cluster=world.cluster, capacity=5)
    with scope(world.cluster):
        services.interest_register(measure=measure, membership=world.membership, participants=3, actor=None)
        # Changing one's own number does not count one's old places against oneself.
        services.interest_register(measure=measure, membership=world.membership, participants=4, actor=None)
        with pytest.raises(ValidationError, match="Only 1 place is left"):
            services.interest_register(
                measure=measure, membership=world.other_membership, participants=2, actor=None
            )
        with pytest.raises(ValidationError):
            services.interest_register(
                measure=measure, membership=world.other_membership, participants=0, actor=None
            )
        assert MeasureInterest.objects.count() == 1
        services.measure_set_status(measure=measure, actor=None, status="completed")
        with pytest.raises(ValidationError, match="no longer takes"):
            services.interest_register(
                measure=measure, membership=world.other_membership, participants=1, actor=None
            )
        with pytest.raises(ValidationError):
            services.interest_withdraw(measure=measure, membership=world.membership, actor=None)
        services.measure_set_status(measure=measure, actor=None, status="planned")
        assert services.interest_withdraw(measure=measure, membership=world.membership, actor=None)
        assert MeasureInterest.objects.count() == 0


def test_capacity_cannot_drop_below_taken_places(world) -> None:
    measure = make_measure(cluster=world.cluster, capacity=5)
    MeasureInterestFactory(measure=measure, membership=world.membership, participants=4)
    with scope(world.cluster), pytest.raises(ValidationError):
        services.measure_update(measure=measure, actor=None, data={"capacity": 3})


def test_companies_with_need_follow_the_k_rule(world) -> None:
    """A company counts only where the cluster team's results page shows its figure: at least k
    answers, and not needed to hide a pool of small companies (here the pool of 2 takes the
    5-answer company along, so "cluster minus the shown company" is 7, not 2)."""
    round_: Round = RoundFactory(cluster=world.cluster, status="closed")  # type: ignore[assignment]
    _gap(round_, world.membership, "lean", n=6, mean_gap=2)
    _gap(round_, world.other_membership, "lean", n=2, mean_gap=3)  # below k: not used
    _gap(round_, MembershipFactory(cluster=world.cluster), "lean", n=5, mean_gap=3)  # pooled with it
    with scope(world.cluster):
        assert selectors.companies_with_need(round_=round_, areas=["lean"]) == [world.membership]
        assert selectors.companies_with_need(round_=round_, areas=["digital-ai"]) == []


def test_a_round_without_a_release_names_no_company_with_a_need(world) -> None:
    """Which companies have a need is a figure of the answers too: nothing before the release,
    whatever rows exist (here written straight into the tables of a round that is still open)."""
    round_: Round = RoundFactory(cluster=world.cluster, status="open")  # type: ignore[assignment]
    _gap(round_, world.membership, "lean", n=6, mean_gap=2)
    with scopes_disabled():
        RoundRelease.objects.filter(round=round_).delete()
        Round.objects.filter(pk=round_.pk).update(status="open")
    with scope(world.cluster):
        assert selectors.companies_with_need(round_=round_, areas=["lean"]) == []


def test_invite_mails_the_companies_with_the_need(
    world, django_capture_on_commit_callbacks, settings
) -> None:
    settings.SITE_URL = "https://kart.example.no:8443/"
    round_: Round = RoundFactory(cluster=world.cluster, status="closed")  # type: ignore[assignment]
    _gap(round_, world.membership, "lean", n=6, mean_gap=2)
    ContactFactory(
        membership=world.membership, cluster=world.cluster, email="boss@example.no", is_primary=True
    )
    measure = make_measure(cluster=world.cluster, areas=["lean"], source_round=round_)
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        assert services.measure_invite_companies(measure=measure, actor=world.users["manager"]) == 1
    # One mail per person: the contact on the register and the company's contact user, each with a
    # link on the installation's SITE_URL.
    assert {message.to[0] for message in mail.outbox} == {"boss@example.no", "contact@alfa.example.no"}
    assert all(
        f"https://kart.example.no:8443/c/{world.cluster.slug}/measures/{measure.pk}/" in message.body
        for message in mail.outbox
    )


def test_costs_of_a_measure(world) -> None:
    measure = make_measure(cluster=world.cluster)
    MeasureInterestFactory(measure=measure, membership=world.membership, participants=3)
    MeasureInterestFactory(measure=measure, membership=world.other_membership, participants=1)
    with scope(world.cluster):
        costs = selectors.measure_costs(measure)
    assert costs.table.shared == Decimal("68000")
    assert costs.one_more is not None and costs.one_more_participants == 2
    assert all(
        new.shared_exact <= old.shared_exact
        for old, new in zip(costs.table.rows, costs.one_more.rows, strict=False)
    )
