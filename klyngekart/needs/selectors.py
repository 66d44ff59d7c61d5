"""Reads over membership strategies: a company's strategies, the cluster's overview for a year,
and the priority areas suggested from a company's own mapping.

Suggestions come from the company's latest released round, through the read side in surveys
(results_membership), only when the company's respondents reach the cluster's k.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from klyngekart.core.models import Cluster
from klyngekart.members.models import Membership
from klyngekart.needs.models import GoalCategory, MembershipStrategy, StrategyStatus, StrategyYearLock
from klyngekart.surveys.results import membership as released
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.selectors import visible_areas
from klyngekart.taxonomy.services import taxonomy_current


def current_areas(cluster: Cluster) -> list[CompetenceArea]:
    """The visible areas of the cluster's current taxonomy version, in its order (the default set
    is loaded on first use, as everywhere else)."""
    return list(visible_areas(version=taxonomy_current(cluster=cluster)))


def area_names(cluster: Cluster) -> dict[str, str]:
    """Area code -> name in the reader's language, from the newest version that has the code."""
    names: dict[str, str] = {}
    areas = CompetenceArea.objects.filter(cluster=cluster).order_by("-version__number")
    for area in areas.only("code", "name_nb", "name_en"):
        names.setdefault(area.code, area.name)
    return names


def company_strategies(*, membership: Membership) -> list[MembershipStrategy]:
    return list(MembershipStrategy.objects.filter(membership=membership).order_by("-year"))


def strategy_for(*, membership: Membership, year: int) -> MembershipStrategy | None:
    return MembershipStrategy.objects.filter(membership=membership, year=year).first()


def locked_years(cluster: Cluster) -> set[int]:
    return set(StrategyYearLock.objects.filter(cluster=cluster).values_list("year", flat=True))


Suggestion = released.Suggestion


def suggested_areas(*, membership: Membership, area_codes: list[str] | None = None) -> Suggestion:
    """The areas with the largest mean gap in the company's latest released round (read side in
    surveys: its own figures, under the k rule)."""
    return released.suggested_areas(membership_id=membership.pk, area_codes=area_codes)


@dataclass
class OverviewRow:
    membership: Membership
    strategy: MembershipStrategy | None
    goals: list[str]
    areas: list[str]


@dataclass
class Overview:
    year: int
    locked: bool
    rows: list[OverviewRow]
    submitted: int
    drafts: int
    missing: int
    goal_counts: list[dict[str, Any]]
    area_counts: list[dict[str, Any]]


def strategy_overview(*, cluster: Cluster, year: int) -> Overview:
    """Every active member (and any other with a strategy for ``year``), its strategy and status;
    how many submitted strategies name each goal and each priority area."""
    memberships = (
        Membership.objects.filter(cluster=cluster)
        .filter(Q(status="active") | Q(strategies__year=year))
        .distinct()
        .select_related("company")
        .order_by("name", "pk")
    )
    strategies = {s.membership_id: s for s in MembershipStrategy.objects.filter(cluster=cluster, year=year)}
    goal_labels = dict(GoalCategory.choices)
    names = area_names(cluster)
    rows: list[OverviewRow] = []
    goals: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    for membership in memberships:
        strategy = strategies.get(membership.pk)
        rows.append(
            OverviewRow(
                membership=membership,
                strategy=strategy,
                goals=[str(goal_labels.get(g, g)) for g in (strategy.goal_categories if strategy else [])],
                areas=[names.get(code, code) for code in (strategy.priority_areas if strategy else [])],
            )
        )
        if strategy and strategy.status == StrategyStatus.SUBMITTED:
            goals.update(strategy.goal_categories)
            areas.update(strategy.priority_areas)
    submitted = sum(1 for s in strategies.values() if s.status == StrategyStatus.SUBMITTED)
    return Overview(
        year=year,
        locked=year in locked_years(cluster),
        rows=rows,
        submitted=submitted,
        drafts=len(strategies) - submitted,
        missing=sum(1 for row in rows if row.strategy is None),
        goal_counts=[
            {"code": code, "label": str(label), "count": goals.get(code, 0)}
            for code, label in goal_labels.items()
        ],
        area_counts=[
            {"code": code, "label": names.get(code, code), "count": count}
            for code, count in sorted(areas.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
        ],
    )
