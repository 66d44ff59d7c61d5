from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.models import AreaAggregate, Round, RoundCompany, SegmentCount
from klyngekart.surveys.tests.factories import (
    RoundCompanyFactory,
    RoundFactory,
    SurveyFactory,
    SurveyVersionFactory,
)
from klyngekart.surveys.tests.results_world import mark_released
from klyngekart.taxonomy.models import TaxonomyVersion
from klyngekart.taxonomy.tests.factories import CompetenceAreaFactory, TaxonomyVersionFactory

AREA_CODES = ("digital-ai", "green-energy", "lean", "export", "leadership", "hse", "robotics")


@pytest.fixture
def areas(world) -> list[Any]:  # type: ignore[no-untyped-def]
    """The cluster's current taxonomy: a version with a few areas (one hidden)."""
    version = TaxonomyVersionFactory(cluster=world.cluster, number=1)
    made = [CompetenceAreaFactory(version=version, cluster=world.cluster, code=code) for code in AREA_CODES]
    CompetenceAreaFactory(version=version, cluster=world.cluster, code="hidden-area", hidden=True)
    return made


def mapping(
    world: Any,
    *,
    n: int,
    gaps: dict[str, tuple[int, int]],
    status: str = "closed",
    opens_on: dt.date | None = None,
) -> Any:
    """A round in which ``world.membership``'s company has ``n`` respondents and, per area code,
    (respondents who rated it, sum of their gaps) in the aggregates; released when it is closed
    (an open or draft round's rows stand for what a release would hold, and must never be read)."""
    cluster = world.cluster
    with scopes_disabled():
        taxonomy = TaxonomyVersion.objects.filter(cluster=cluster).order_by("-number").first()
    version = SurveyVersionFactory(survey=SurveyFactory(cluster=cluster), cluster=cluster)
    round_: Round = RoundFactory(  # type: ignore[assignment]
        cluster=cluster,
        survey_version=version,
        taxonomy_version=taxonomy or TaxonomyVersionFactory(cluster=cluster),
        status=status,
        opens_on=opens_on or timezone.localdate() - dt.timedelta(days=10),
    )
    round_company: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=round_, cluster=world.cluster, membership=world.membership
    )
    with scopes_disabled():
        SegmentCount.objects.create(cluster=world.cluster, round=round_, round_company=round_company, n=n)
        for code, (count, sum_gap) in gaps.items():
            AreaAggregate.objects.create(
                cluster=world.cluster,
                round=round_,
                round_company=round_company,
                area_code=code,
                n=count,
                sum_gap=sum_gap,
            )
    if status == "closed":
        mark_released(round_)
    return round_


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The needs figures are cached by the release's name. These tests write aggregates directly
    (no submission), so each starts from an empty cache."""
    cache.clear()
