"""Setup for the partner tests: released mapping rounds written as their aggregates (as the needs
tests do), published profiles and directory records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.models import AreaAggregate, Round, RoundCompany, SegmentCount
from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey
from klyngekart.surveys.tests.results_world import mark_released

AQUA = "technology-automation-robotics"
AI = "digital-ai-machine-learning"
ENERGY = "green-renewable-energy"
LEAN = "operations-lean"
EXPORT = "market-internationalisation"
CODES = (AQUA, AI, ENERGY, LEAN, EXPORT)

# (respondents, {area: (answers, sum of gaps)}) per company.
Company = tuple[int, dict[str, tuple[int, int]]]


def mapping_round(
    cluster: Any,
    companies: list[Company],
    *,
    release: bool = True,
    opens_on: dt.date | None = None,
    area_codes: tuple[str, ...] = CODES,
) -> Round:
    """A mapping round of ``cluster`` whose companies have these released sums (released unless
    ``release`` is False: then the rows stand for what a release would hold and must never be read)."""
    made = gap_survey(cluster, area_codes=area_codes)
    round_: Round = made["round"]
    with scopes_disabled():
        if opens_on is not None:
            Round.objects.filter(pk=round_.pk).update(opens_on=opens_on)
        for n, gaps in companies:
            membership = MembershipFactory(cluster=cluster)
            part: RoundCompany = RoundCompanyFactory(round=round_, cluster=cluster, membership=membership)  # type: ignore[assignment]
            SegmentCount.objects.create(cluster=cluster, round=round_, round_company=part, n=n)
            for code, (count, sum_gap) in gaps.items():
                AreaAggregate.objects.create(
                    cluster=cluster,
                    round=round_,
                    round_company=part,
                    area_code=code,
                    n=count,
                    sum_gap=sum_gap,
                )
        round_ = Round.objects.select_related("cluster").get(pk=round_.pk)
    if release:
        mark_released(round_)
        with scopes_disabled():
            round_ = Round.objects.select_related("cluster").get(pk=round_.pk)
    cache.clear()
    return round_


def even_round(
    cluster: Any, gaps: dict[str, float], *, companies: int = 6, people: int = 5, release: bool = True
) -> Round:
    """``companies`` companies of ``people`` respondents each, every one rating every area of
    ``gaps`` with that mean gap (in whole steps of the sum)."""
    per_company = {code: (people, round(gap * people)) for code, gap in gaps.items()}
    return mapping_round(
        cluster,
        [(people, dict(per_company)) for _index in range(companies)],
        release=release,
        opens_on=timezone.localdate() - dt.timedelta(days=30),
    )
