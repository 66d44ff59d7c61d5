"""What each role's home page offers as the next step: the open round and its progress, the latest
released results, the top needs, the measures that wait for interest, the strategy to write.

Reads only, inside the cluster's scope. Figures from answers come through
``klyngekart.surveys.results`` (released rounds, the k rule); progress counts through the rounds'
own ``round_progress``, which shows small counts as "under k"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from klyngekart.accounts.access import ClusterAccess
from klyngekart.collaborations.models import Opportunity
from klyngekart.collaborations.selectors import overdue_steps
from klyngekart.measures.models import OPEN_FOR_INTEREST, Measure, MeasureInterest
from klyngekart.measures.selectors import measures_for_company
from klyngekart.members.models import Contact, Membership
from klyngekart.needs import analysis
from klyngekart.needs.analysis import NeedRow
from klyngekart.needs.models import MembershipStrategy, StrategyStatus
from klyngekart.needs.selectors import locked_years
from klyngekart.surveys import results
from klyngekart.surveys.models import Round, RoundCompany, RoundStatus
from klyngekart.surveys.rounds.selectors import Progress, round_progress

TOP_NEEDS = 5
MEASURES_SHOWN = 5


@dataclass(frozen=True)
class RoundStep:
    """An open round with the progress the viewer may see, and (for a company role) its own
    companies' parts in it, so that the contact can invite its employees."""

    round: Round
    progress: Progress
    parts: list[RoundCompany] = field(default_factory=list)


@dataclass(frozen=True)
class WaitingMeasure:
    """A proposed or planned measure with the interest registered so far."""

    measure: Measure
    companies: int
    participants: int


@dataclass(frozen=True)
class StrategyStep:
    """A company's membership strategy for the year: missing, a draft, or submitted."""

    membership: Membership
    year: int
    strategy: MembershipStrategy | None
    locked: bool

    @property
    def submitted(self) -> bool:
        return self.strategy is not None and self.strategy.status == StrategyStatus.SUBMITTED


@dataclass(frozen=True)
class NextSteps:
    open_rounds: list[RoundStep] = field(default_factory=list)
    draft_rounds: list[Round] = field(default_factory=list)
    # The newest round whose results are released, and the newest closed one still being released.
    released_round: Round | None = None
    pending_release: Round | None = None
    top_needs: list[NeedRow] = field(default_factory=list)
    measures_waiting: list[WaitingMeasure] = field(default_factory=list)
    measures_total: int = 0
    # A company contact: measures its company may sign up for, and those it has signed up for.
    measures_to_join: list[Measure] = field(default_factory=list)
    measures_joined: list[Measure] = field(default_factory=list)
    strategies: list[StrategyStep] = field(default_factory=list)
    # A member user: the rounds its company takes part in, and whom to ask about them.
    company_rounds: list[Round] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    # Those who work the collaboration pipeline: the next steps whose date has passed.
    overdue_collaborations: list[Opportunity] = field(default_factory=list)


def _open_rounds(access: ClusterAccess) -> list[RoundStep]:
    rounds = Round.objects.filter(cluster=access.cluster, status=RoundStatus.OPEN)
    if access.is_company_role:
        rounds = rounds.filter(companies__company_id__in=access.company_ids).distinct()
    steps = []
    for round_ in rounds.select_related("cluster", "survey_version__survey").order_by("closes_on", "id"):
        progress = round_progress(round_=round_, access=access)
        parts = [row.part for row in progress.rows] if access.is_company_role else []
        steps.append(RoundStep(round=round_, progress=progress, parts=parts))
    return steps


def _released(access: ClusterAccess) -> tuple[Round | None, Round | None]:
    """The newest round with released results, and a newer closed one whose release is not ready."""
    pending = None
    for round_ in results.results_rounds(access=access).filter(status=RoundStatus.CLOSED)[:10]:
        if results.is_released(round_):
            return round_, pending
        pending = pending or round_
    return None, pending


def _top_needs(round_: Round) -> list[NeedRow]:
    try:
        ranking = analysis.needs_ranking(round_)
    except results.NotReleased:
        return []
    return [row for row in ranking if row.priority is not None][:TOP_NEEDS]


def _waiting_measures(limit: int) -> tuple[list[WaitingMeasure], int]:
    measures = (
        Measure.objects.filter(status__in=OPEN_FOR_INTEREST)
        .annotate(companies=Count("interests"), participants=Sum("interests__participants"))
        .order_by("companies", "starts_on", "title")
    )
    # One query: a cluster has tens of measures open for interest at most, not thousands.
    rows = list(measures)
    return (
        [
            WaitingMeasure(measure=m, companies=m.companies, participants=m.participants or 0)  # type: ignore[attr-defined]
            for m in rows[:limit]
        ],
        len(rows),
    )


def _own_memberships(access: ClusterAccess) -> list[Membership]:
    return list(
        Membership.objects.filter(cluster=access.cluster, company_id__in=access.company_ids, status="active")
        .select_related("company")
        .order_by("name")
    )


def _strategies(access: ClusterAccess, memberships: list[Membership], year: int) -> list[StrategyStep]:
    by_membership = {
        strategy.membership_id: strategy
        for strategy in MembershipStrategy.objects.filter(membership__in=memberships, year=year)
    }
    locked = year in locked_years(access.cluster)
    return [
        StrategyStep(membership=m, year=year, strategy=by_membership.get(m.pk), locked=locked)
        for m in memberships
    ]


def _contact_measures(memberships: list[Membership]) -> tuple[list[Measure], list[Measure]]:
    joined_ids = set(
        MeasureInterest.objects.filter(membership__in=memberships).values_list("measure_id", flat=True)
    )
    to_join: dict[int, Measure] = {}
    joined: dict[int, Measure] = {}
    for membership in memberships:
        for measure in measures_for_company(membership=membership):
            if measure.pk in joined_ids:
                joined.setdefault(measure.pk, measure)
            elif not measure.is_closed:
                to_join.setdefault(measure.pk, measure)
    return list(to_join.values())[:MEASURES_SHOWN], list(joined.values())[:MEASURES_SHOWN]


def next_steps(*, access: ClusterAccess, today: date) -> NextSteps:
    """The work the viewer's role has in the cluster right now."""
    if access.role == "member":
        memberships = _own_memberships(access)
        return NextSteps(
            company_rounds=list(
                Round.objects.filter(
                    cluster=access.cluster,
                    status=RoundStatus.OPEN,
                    companies__company_id__in=access.company_ids,
                )
                .distinct()
                .order_by("closes_on", "id")
            ),
            contacts=list(
                Contact.objects.filter(membership__in=memberships)
                .filter(~Q(email=""))
                .select_related("membership")
                .order_by("-is_primary", "name")[:3]
            ),
        )
    steps: dict = {}
    if access.can("rounds.view_own"):
        steps["open_rounds"] = _open_rounds(access)
    if access.can("rounds.change"):
        steps["draft_rounds"] = list(
            Round.objects.filter(cluster=access.cluster, status=RoundStatus.DRAFT).order_by("opens_on", "id")
        )
    if access.can("results.cluster") or access.can("results.company"):
        released, pending = _released(access)
        steps.update(released_round=released, pending_release=pending)
        if released is not None and access.can("needs.view"):
            steps["top_needs"] = _top_needs(released)
    if access.can("measures.view") and not access.is_company_role:
        steps["measures_waiting"], steps["measures_total"] = _waiting_measures(MEASURES_SHOWN)
    if access.can("collaborations.manage"):
        steps["overdue_collaborations"] = overdue_steps(access, today)
    if access.is_company_role:
        memberships = _own_memberships(access)
        if access.can("measures.interest_own"):
            steps["measures_to_join"], steps["measures_joined"] = _contact_measures(memberships)
        if access.can("strategy.edit_own"):
            steps["strategies"] = _strategies(access, memberships, today.year)
    return NextSteps(**steps)
