"""Reads of the collaboration pipeline: the board, the filtered list, an opportunity's history and
the overdue next steps. A few queries per page whatever the number of opportunities: partners and
members are prefetched, and a company role's prefetch holds only its own companies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from klyngekart.accounts.access import ClusterAccess
from klyngekart.collaborations.access import visible_opportunities
from klyngekart.collaborations.models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Opportunity,
    OpportunityEvent,
    Stage,
)
from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.reference import country_name
from klyngekart.members.models import Membership

# A closed column of the board shows its latest cards; the list has them all.
CLOSED_ON_BOARD = 8


@dataclass(frozen=True)
class Filters:
    stage: str = ""
    country: str = ""
    overdue: bool = False

    @property
    def active(self) -> bool:
        return bool(self.stage or self.country or self.overdue)


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Opportunity] = field(default_factory=list)
    count: int = 0

    @property
    def closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def _with_related(access: ClusterAccess, queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    members = Membership.objects.filter(cluster=access.cluster).select_related("company").order_by("name")
    if access.is_company_role:
        # Another member company's part in an opportunity is the cluster's business, not theirs.
        members = members.filter(company_id__in=access.company_ids)
    return queryset.select_related("responsible").prefetch_related(
        Prefetch("partners", queryset=ClusterProfile.objects.order_by("name")),
        Prefetch("members", queryset=members),
    )


def opportunity_list(
    access: ClusterAccess, filters: Filters | None = None, today: dt.date | None = None
) -> QuerySet[Opportunity]:
    """The opportunities the role may see: the open ones first, the nearest next step first (those
    without one after), then the completed and dropped ones."""
    filters = filters or Filters()
    queryset = visible_opportunities(access)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.country:
        queryset = queryset.filter(
            pk__in=Opportunity.partners.through.objects.filter(
                clusterprofile__country=filters.country
            ).values("opportunity_id")
        )
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    closed = Case(When(stage__in=CLOSED_STAGES, then=Value(1)), default=Value(0), output_field=IntegerField())
    return _with_related(access, queryset).order_by(
        closed, F("next_step_on").asc(nulls_last=True), "-updated_at", "-id"
    )


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(next_step_on__lt=today or timezone.localdate()) & ~Q(stage__in=CLOSED_STAGES)


def board(access: ClusterAccess) -> list[Column]:
    """One column per stage, in the pipeline's order. Open stages show every card (the nearest
    next step first); a closed stage its latest few."""
    columns = {stage: Column(stage=stage, label=str(label)) for stage, label in Stage.choices}
    for opportunity in opportunity_list(access):
        column = columns[opportunity.stage]
        column.count += 1
        column.cards.append(opportunity)
    for stage in CLOSED_STAGES:
        column = columns[stage]
        column.cards = sorted(column.cards, key=lambda o: o.updated_at, reverse=True)[:CLOSED_ON_BOARD]
    return list(columns.values())


def partner_countries(access: ClusterAccess) -> list[tuple[str, str]]:
    """(code, name) of the countries of the partners of the opportunities the role sees."""
    codes = (
        Opportunity.partners.through.objects.filter(opportunity__in=visible_opportunities(access))
        .values_list("clusterprofile__country", flat=True)
        .distinct()
    )
    return sorted(((code, country_name(code)) for code in set(codes)), key=lambda pair: pair[1])


def history(opportunity: Opportunity) -> QuerySet[OpportunityEvent]:
    return OpportunityEvent.objects.filter(opportunity=opportunity).select_related("actor")


def overdue_steps(access: ClusterAccess, today: dt.date | None = None, limit: int = 5) -> list[Opportunity]:
    """Open opportunities whose next step's date has passed, the oldest first (the home page)."""
    return list(
        visible_opportunities(access)
        .filter(overdue_q(today))
        .select_related("responsible")
        .order_by("next_step_on", "pk")[:limit]
    )


def open_count(access: ClusterAccess) -> int:
    return visible_opportunities(access).filter(stage__in=OPEN_STAGES).count()
