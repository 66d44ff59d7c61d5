"""Released figures that other modules ask about one member company or one need: the areas where a
company has a need, the companies that have one, and the priorities suggested for a strategy.

Part of the read side (see results.py): only released rounds count, and each figure follows the same
rules as the results pages: a company's own figure for an area needs k answers for that area from k
respondents; in a cross-company answer ("which companies have this need") a company counts only where
the cluster team's results page shows its figure (the pooling of ``round_summary``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from klyngekart.core.privacy import k_threshold
from klyngekart.surveys.models import AreaAggregate, ReleaseStatus, Round, RoundCompany, SegmentCount
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.core import round_summary
from klyngekart.surveys.results.release import NotReleased

# How many areas to suggest for a strategy: enough to choose from, few enough to stay a priority list.
SUGGESTED_COUNT = 5


def _released_parts(membership_id: int) -> list[RoundCompany]:
    """The company's parts in released rounds, newest first."""
    return list(
        RoundCompany.objects.filter(membership_id=membership_id, round__release__status=ReleaseStatus.READY)
        .select_related("round", "round__cluster")
        .order_by("-round__opens_on", "-round_id")
    )


def _own_gaps(part: RoundCompany, k: int, codes: Iterable[str] | None = None) -> dict[str, Fraction] | None:
    """The company's mean gap per area in one released round, for the areas that k of its
    respondents rated; None when the company itself has fewer than k respondents."""
    n = (
        SegmentCount.objects.filter(round_company=part, segment=ALL).values_list("n", flat=True).first()
    ) or 0
    if n < k:
        return None
    rows = AreaAggregate.objects.filter(round_company=part, segment=ALL, n__gte=k)
    if codes is not None:
        rows = rows.filter(area_code__in=list(codes))
    return {
        code: Fraction(sum_gap, count)
        for code, count, sum_gap in rows.values_list("area_code", "n", "sum_gap")
    }


def company_need_areas(*, membership_id: int, threshold: Fraction) -> set[str] | None:
    """Areas where the company's mean gap reaches ``threshold`` in its latest released round with
    figures it may see, or None when no released round says (too few answers, or none yet)."""
    for part in _released_parts(membership_id):
        gaps = _own_gaps(part, k_threshold(part.round.cluster))
        if gaps:
            return {code for code, gap in gaps.items() if gap >= threshold}
    return None


def companies_with_need(*, round_: Round, areas: Iterable[str], threshold: Fraction) -> set[int]:
    """The memberships whose mean gap in any of ``areas`` reaches ``threshold`` in a released round,
    counting a company's area only where the cluster team's results page shows it. Raises
    NotReleased for a round whose results are not released."""
    k = k_threshold(round_.cluster)
    summary = round_summary(round_, k)
    codes = list(areas)
    rows = AreaAggregate.objects.filter(round=round_, segment=ALL, area_code__in=codes, n__gte=k).values_list(
        "round_company_id", "round_company__membership_id", "area_code", "n", "sum_gap"
    )
    return {
        membership_id
        for rc_id, membership_id, code, n, sum_gap in rows
        if summary.area_shown(rc_id, code) and Fraction(sum_gap, n) >= threshold
    }


@dataclass(frozen=True)
class Suggestion:
    """Priority areas suggested from the company's latest released mapping round.

    ``round`` is None when the company has no released mapping with competence gaps yet;
    ``too_few`` says that it has one but with fewer respondents than k, so nothing may be derived
    from it."""

    round: Round | None = None
    codes: list[str] = field(default_factory=list)
    too_few: bool = False


def suggested_areas(*, membership_id: int, area_codes: list[str] | None = None) -> Suggestion:
    """The areas with the largest positive mean gap in the company's latest released round that
    has gap-matrix figures, if its respondents there reach k (and each area k answers)."""
    for part in _released_parts(membership_id):
        if not AreaAggregate.objects.filter(round_company=part, segment=ALL).exists():
            continue
        gaps = _own_gaps(part, k_threshold(part.round.cluster), area_codes)
        if gaps is None:
            return Suggestion(round=part.round, too_few=True)
        ranked = sorted(
            ((gap, code) for code, gap in gaps.items() if gap > 0), key=lambda item: (-item[0], item[1])
        )
        return Suggestion(round=part.round, codes=[code for _gap, code in ranked[:SUGGESTED_COUNT]])
    return Suggestion()


__all__ = [
    "NotReleased",
    "Suggestion",
    "companies_with_need",
    "company_need_areas",
    "suggested_areas",
]
