"""How the engagement score is made, from raw rows: one definition for the kept table, the nightly
rebuild and the benchmark's baseline.

For one active membership and a period of twelve months ending at ``end``:

- strategy written: 1 with a submitted membership strategy for the year of ``end`` or the year
  before, else 0;
- response rate in mapping rounds: completed over audience, from the counters of the mapping rounds
  opened in the period (surveys/rounds/rates.py); left out when there was no such round;
- activities registered for: registrations made in the period and not cancelled, over a target;
- activities attended: registrations checked in on a day in the period, over a target;
- feedback given: answers completed in activity feedback, member survey and pulse rounds opened in
  the period (each round's counter), over a target;
- measures joined: interest registered in joint measures in the period, over a target.

A count over its target gives at most 1 (the cluster sets the targets; settings in models.py).

A round's completed counter counts only as the round's progress shows it (``shown_count``): nought,
or k and more. A company's round with 1 to k - 1 answers adds nothing to its response rate, its
feedback or its last participation, so no figure here says more than the progress page does.
The score is ``100 × Σ(weight × part) / Σ(weight)`` over the parts that apply, rounded. The counts come
from registrations, check-ins, interests, strategies and round counters. No survey answer is read:
a company's response rate is what its row in the round's progress already shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Max

from klyngekart.activities.models import Attendance, Registration, RegistrationStatus
from klyngekart.core.models import Cluster
from klyngekart.core.privacy import k_threshold
from klyngekart.measures.models import MeasureInterest
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.needs.models import MembershipStrategy, StrategyStatus
from klyngekart.surveys.models import RoundCompany, RoundStatus, SurveyKind
from klyngekart.surveys.rounds.rates import audience_size, response_rate
from klyngekart.surveys.rounds.selectors import shown_count

PERIOD = dt.timedelta(days=365)
# "Six months ago": the score before, and no participation for this long puts a member at risk.
HALF_YEAR = dt.timedelta(days=182)
PARTS = ("strategy", "response", "registered", "attended", "feedback", "measures")
MAPPING_KINDS = (SurveyKind.EMPLOYEE_MAPPING,)
FEEDBACK_KINDS = (SurveyKind.ACTIVITY_FEEDBACK, SurveyKind.ANNUAL_MEMBER, SurveyKind.PULSE)
# A champion is in the top tenth of the cluster's scores (ties included) and scores at least this.
CHAMPION_MIN = 70


class Weights(Protocol):
    """What the score needs of a cluster's settings (EngagementSettings)."""

    weight_strategy: int
    weight_response: int
    weight_registered: int
    weight_attended: int
    weight_feedback: int
    weight_measures: int
    target_registered: int
    target_attended: int
    target_feedback: int
    target_measures: int
    falling_points: int


@dataclass
class Inputs:
    """The raw counts of one membership in one period."""

    strategy: bool = False
    invited: int = 0
    completed: int = 0
    response_rate: Decimal | None = None
    registered: int = 0
    attended: int = 0
    feedback: int = 0
    measures: int = 0
    last_participation: dt.date | None = None

    def saw(self, day: dt.date | dt.datetime | None) -> None:
        if day is None:
            return
        if isinstance(day, dt.datetime):
            day = day.date()
        if self.last_participation is None or day > self.last_participation:
            self.last_participation = day


def saturating(count: int, target: int) -> float:
    """A count as a part from 0 to 1: full at ``target``, never more."""
    if target <= 0:
        return 1.0 if count > 0 else 0.0
    return min(count / target, 1.0)


def parts_of(inputs: Inputs, weights: Weights) -> dict[str, float | None]:
    return {
        "strategy": 1.0 if inputs.strategy else 0.0,
        "response": None if inputs.response_rate is None else float(inputs.response_rate),
        "registered": saturating(inputs.registered, weights.target_registered),
        "attended": saturating(inputs.attended, weights.target_attended),
        "feedback": saturating(inputs.feedback, weights.target_feedback),
        "measures": saturating(inputs.measures, weights.target_measures),
    }


def weight_of(weights: Weights, part: str) -> int:
    return int(getattr(weights, f"weight_{part}"))


def score_of(parts: Mapping[str, float | None], weights: Weights) -> int:
    """0 to 100: the weighted mean of the parts that apply (weights normalised by their sum)."""
    total = 0.0
    weight_sum = 0
    for name in PARTS:
        value = parts.get(name)
        if value is None:
            continue
        weight = weight_of(weights, name)
        total += weight * value
        weight_sum += weight
    if weight_sum == 0:
        return 0
    return int(round(100 * total / weight_sum))


def is_at_risk(
    *, score: int, score_before: int | None, last_participation: dt.date | None, today: dt.date, falling: int
) -> bool:
    """No participation for six months, or a score that fell by more than ``falling`` points."""
    if last_participation is None or last_participation < today - HALF_YEAR:
        return True
    return score_before is not None and score_before - score > falling


def is_champion(score: int, cutoff: int | None) -> bool:
    return cutoff is not None and score >= cutoff


def champion_cutoff(tenth: int | None) -> int | None:
    """The lowest score a champion may have: the score at the end of the cluster's top tenth
    (``tenth``; None for a cluster without scores), and never below CHAMPION_MIN."""
    if tenth is None:
        return None
    return max(CHAMPION_MIN, tenth)


class _Part:
    """A round's company as rates.response_rate needs it."""

    def __init__(self, completed: int, audience: int | None) -> None:
        self.completed_count = completed
        self.audience_size = audience


def compute_inputs(
    cluster: Cluster, *, end: dt.datetime, membership_ids: Iterable[int] | None = None
) -> dict[int, Inputs]:
    """The raw counts of the cluster's active memberships (or only ``membership_ids``) over the
    twelve months up to ``end``: a handful of grouped queries, whatever the number of members.
    Runs inside the cluster's scope."""
    start = end - PERIOD
    memberships = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)
    if membership_ids is not None:
        memberships = memberships.filter(pk__in=list(membership_ids))
    ids = list(memberships.values_list("pk", flat=True))
    inputs: dict[int, Inputs] = {pk: Inputs() for pk in ids}
    if not ids:
        return inputs
    some = membership_ids is not None

    def only(queryset: Any, field_name: str = "membership_id") -> Any:
        return queryset.filter(**{f"{field_name}__in": ids}) if some else queryset

    strategies = only(
        MembershipStrategy.objects.filter(
            status=StrategyStatus.SUBMITTED, year__in=[end.year, end.year - 1], submitted_at__lte=end
        )
    ).values_list("membership_id", "submitted_at")
    for membership_id, submitted_at in strategies:
        if membership_id in inputs:
            inputs[membership_id].strategy = True
            if submitted_at is not None and submitted_at >= start:
                inputs[membership_id].saw(submitted_at)

    rounds = only(
        RoundCompany.objects.filter(
            round__status__in=[RoundStatus.OPEN, RoundStatus.CLOSED],
            round__opens_on__gte=start.date(),
            round__opens_on__lte=end.date(),
            round__survey_version__survey__kind__in=[*MAPPING_KINDS, *FEEDBACK_KINDS],
        )
    ).values_list(
        "membership_id",
        "round__survey_version__survey__kind",
        "round__opens_on",
        "invited_count",
        "completed_count",
        "open_link_enabled",
        "membership__employees",
    )
    k = k_threshold(cluster)
    mapping: dict[int, list[_Part]] = defaultdict(list)
    for membership_id, kind, opens_on, invited, counted, open_link, employees in rounds:
        item = inputs.get(membership_id)
        if item is None:
            continue
        if kind in MAPPING_KINDS:
            item.invited += invited  # the company's own invitations: always shown
        completed = shown_count(counted, k)
        if completed is None:
            continue
        if completed:
            item.saw(opens_on)
        if kind in MAPPING_KINDS:
            item.completed += completed
            mapping[membership_id].append(
                _Part(completed, audience_size(invited=invited, employees=employees, open_link=open_link))
            )
        else:
            item.feedback += completed
    for membership_id, parts in mapping.items():
        inputs[membership_id].response_rate = response_rate(parts)

    registrations = (
        only(Registration.objects.filter(created_at__gte=start, created_at__lte=end))
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("membership_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by()
    )
    for row in registrations:
        item = inputs.get(row["membership_id"])
        if item is not None:
            item.registered = row["n"]
            item.saw(row["last"])

    attendance = (
        only(
            Attendance.objects.filter(day__gte=start.date(), day__lte=end.date()),
            "registration__membership_id",
        )
        .values("registration__membership_id")
        .annotate(n=Count("registration_id", distinct=True), last=Max("day"))
        .order_by()
    )
    for row in attendance:
        item = inputs.get(row["registration__membership_id"])
        if item is not None:
            item.attended = row["n"]
            item.saw(row["last"])

    interests = (
        only(MeasureInterest.objects.filter(created_at__gte=start, created_at__lte=end))
        .values("membership_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by()
    )
    for row in interests:
        item = inputs.get(row["membership_id"])
        if item is not None:
            item.measures = row["n"]
            item.saw(row["last"])
    return inputs
