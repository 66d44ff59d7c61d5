"""Clusters that take part in the barometer, each with a released mapping round whose sums are
written the way the submit service writes them (``tally_only``), then marked released."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from klyngekart.barometer.models import BarometerParticipation
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.models import Round
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, mark_released, tally_only

# Three of the shipped default areas: the barometer counts only those.
AREAS = ("digital-data-analytics", "green-energy-efficiency", "operations-lean")
YEAR = 2026


@dataclass(frozen=True)
class Company:
    """One company in a made-up round: its segment values and how many people answer."""

    sector: str = "C"
    region: str = "46"
    size: str = "small"
    people: int = 5
    level: int = 2  # every answer: importance 4, this level (gap 4 - level)
    company: Any = None  # a members.Company to use (a member of several clusters); new when None


def cluster_round(
    cluster: Cluster | None = None,
    companies: list[Company] | None = None,
    *,
    year: int = YEAR,
    opted_in: bool = True,
    released: bool = True,
    anonymity_threshold: int = 5,
) -> ResultsRound:
    """A cluster (made when not given) with one mapping round closing in ``year`` over
    ``companies`` (five plain ones by default), released unless ``released=False``."""
    if cluster is None:
        cluster = ClusterFactory(anonymity_threshold=anonymity_threshold)  # type: ignore[assignment]
    made = build_round(cluster, area_codes=AREAS)
    for spec in companies if companies is not None else [Company()] * 5:
        extra = {"company": spec.company} if spec.company is not None else {}
        membership: Any = MembershipFactory(cluster=cluster, **extra)
        with scopes_disabled():
            Membership.objects.filter(pk=membership.pk).update(
                nace_section=spec.sector, region=spec.region, size_class=spec.size
            )
        company = made.add_company(membership)
        if not made.questions_list:
            with scopes_disabled():
                made.questions_list = list(made.round.survey_version.questions.all())
        for _person in range(spec.people):
            raw: dict[str, Any] = {
                "gaps": {code: {"importance": 4, "level": spec.level} for code in AREAS},
            }
            tally_only(company, made.questions_list, raw)
    with scopes_disabled():
        Round.objects.filter(pk=made.round.pk).update(
            opens_on=datetime.date(year, 3, 1), closes_on=datetime.date(year, 3, 21)
        )
        made.round.refresh_from_db()
        if opted_in:
            BarometerParticipation.objects.update_or_create(cluster=cluster, defaults={"opted_in": True})
    if released:
        mark_released(made.round)
    return made


def installation(clusters: int = 5, **kwargs: Any) -> list[ResultsRound]:
    return [cluster_round(**kwargs) for _index in range(clusters)]
