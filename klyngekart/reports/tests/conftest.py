"""A mapping round whose aggregates hide some figures: the reports must never print them.

Three companies answer about one area ("digital-ai"). The big one has its own cell; the middle
one and the small one are below what may stand alone in the heatmap, so they are pooled. Their
own means, 4.5 and 3.5, may therefore appear nowhere; the report tests look for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.models import AreaAggregate, Round, RoundCompany, SegmentCount
from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey
from klyngekart.surveys.tests.results_world import mark_released

CODES = ("digital-ai", "green-energy", "lean")
HIDDEN_MEANS = ("4,5", "3,5", "4.5", "3.5")


@dataclass
class ReportRound:
    round: Round
    big: RoundCompany
    middle: RoundCompany
    small: RoundCompany


def add_company(round_: Round, n: int, gaps: dict[str, tuple[int, int]]) -> RoundCompany:
    """A company in the round with ``n`` respondents and, per area, (answers, sum of gaps)."""
    membership: Any = MembershipFactory(cluster=round_.cluster)
    with scopes_disabled():
        # One size, industry and region for all: no segment can single out a company.
        Company.objects.filter(pk=membership.company_id).update(
            size_class="small", nace_code="25.110", region=""
        )
    part: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=round_, cluster=round_.cluster, membership=membership
    )
    with scopes_disabled():
        SegmentCount.objects.create(cluster=round_.cluster, round=round_, round_company=part, n=n)
        for code, (count, sum_gap) in gaps.items():
            AreaAggregate.objects.create(
                cluster=round_.cluster,
                round=round_,
                round_company=part,
                area_code=code,
                n=count,
                sum_gap=sum_gap,
            )
    return part


def make_round(cluster: Any) -> Round:
    """A closed round with its results released; the tests then write the aggregates the release
    holds (``add_company``), so that they know each figure exactly."""
    made = gap_survey(cluster, area_codes=CODES)
    mark_released(made["round"])
    with scopes_disabled():
        return Round.objects.select_related("cluster").get(pk=made["round"].pk)


@pytest.fixture
def report_round(world: Any) -> ReportRound:
    round_ = make_round(world.cluster)
    big = add_company(round_, 8, {"digital-ai": (8, 13)})
    middle = add_company(round_, 6, {"digital-ai": (6, 27)})
    small = add_company(round_, 2, {"digital-ai": (2, 7)})
    return ReportRound(round=round_, big=big, middle=middle, small=small)


@pytest.fixture
def thin_round(world: Any) -> Round:
    """A round with fewer than k answers in the whole cluster."""
    round_ = make_round(world.cluster)
    add_company(round_, 3, {"digital-ai": (3, 6)})
    return round_
