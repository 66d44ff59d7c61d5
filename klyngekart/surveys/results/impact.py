"""Impact of a measure (or anything else that targets competence areas): the mean gap of the
participating companies against the other companies of two released mapping rounds, before and
after, as a difference in differences:

    (after_participants − before_participants) − (after_others − before_others)

A negative figure means the participants' gap closed more than the others'.

The caller names the participants (membership ids) and the areas; this module decides what may
be shown, by the rules the cross-company views already follow (cells.py, core.py):

- each of the four groups (participants and others, before and after) needs k respondents and k
  answers for the area; participants and others are the two parts of the round's whole, so this is
  the segment rule (``segment_visible``): the cluster's figure minus the participants' never
  isolates fewer than k;
- beside the company cells the cluster team may see (a company's own figure, the pooled "other
  companies"), the part of each group that those cells do not already show is empty or reaches k
  (the same check as a segment of companies, ``_segment_known``);
- beside a segment of companies the needs analysis shows (size class, NACE section, region),
  nesting in the participants or holding them, the difference is empty or reaches k;
- beside other groups shown in the same view (``shown_alongside``: the participants of other
  measures and of activities), the answers in one group and not the other, both ways, are empty
  or reach k, so subtracting one group's sums from another's isolates no small group;
- one group short of these rules suppresses the whole figure of the area, with the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from klyngekart.core.models import Cluster
from klyngekart.core.privacy import Cell, segment_visible
from klyngekart.surveys.models import ReleaseStatus, Round, RoundCompany
from klyngekart.surveys.results.cells import (
    SEGMENT_KINDS,
    CompanyCells,
    _segment_known,
    company_cells,
    quantize,
    segment_cells,
    segment_groups,
)
from klyngekart.surveys.results.core import mapping_round_filter, remainder_ok

PARTICIPANTS = "participants"
OTHERS = "others"


@dataclass(frozen=True)
class GroupFigure:
    """One group in one round and area: how many companies answered, how many people (shown
    from k), and its mean gap (hidden unless the whole figure of the area may be shown)."""

    companies: int
    respondents: Cell[int]
    answers: Cell[int]
    gap: Cell[Decimal]


@dataclass(frozen=True)
class ImpactArea:
    code: str
    before_participants: GroupFigure
    before_others: GroupFigure
    after_participants: GroupFigure
    after_others: GroupFigure
    did: Cell[Decimal]
    reason: str = ""  # why the figure is hidden; empty when it is shown

    @property
    def suppressed(self) -> bool:
        return self.did.suppressed

    @property
    def participants_change(self) -> Decimal | None:
        a, b = self.after_participants.gap, self.before_participants.gap
        return None if a.suppressed or b.suppressed else a.value - b.value  # type: ignore[operator]

    @property
    def others_change(self) -> Decimal | None:
        a, b = self.after_others.gap, self.before_others.gap
        return None if a.suppressed or b.suppressed else a.value - b.value  # type: ignore[operator]


@dataclass(frozen=True)
class Impact:
    before: Round | None
    after: Round | None
    k: int
    areas: list[ImpactArea]
    reason: str = ""  # why nothing can be measured (no round before or after); empty otherwise


def mapping_rounds(cluster: Cluster) -> list[Round]:
    """The cluster's mapping rounds (their survey asks for competence gaps) with released results,
    oldest first. A member survey or a pulse check measures no gap, so it is never before or after."""
    return list(
        Round.objects.filter(cluster=cluster, release__status=ReleaseStatus.READY)
        .filter(mapping_round_filter())
        .select_related("cluster")
        .order_by("opens_on", "id")
    )


def impact_rounds(
    *,
    cluster: Cluster,
    source_round_id: int | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> tuple[Round | None, Round | None]:
    """The round before: the source round when its results are released, else the latest released
    round that closed before the start. The round after: the first released round that opened after
    the end (None while there is none, or without an end date)."""
    rounds = mapping_rounds(cluster)
    before = next((r for r in rounds if r.pk == source_round_id), None)
    if before is None and starts_on is not None:
        earlier = [r for r in rounds if r.closes_on <= starts_on]
        before = earlier[-1] if earlier else None
    after = None
    if ends_on is not None:
        after = next((r for r in rounds if r.opens_on > ends_on and r != before), None)
    if before is not None and after is not None and after.opens_on <= before.opens_on:
        after = None
    return before, after


@dataclass
class _Side:
    """One round read once for every area: the company cells and which round companies take part."""

    cells: CompanyCells
    participants: set[int]  # round company ids
    alongside: list[set[int]]  # round company ids of each group shown beside it

    def respondents(self, ids: set[int]) -> int:
        return sum(self.cells.data.n(rc_id) for rc_id in ids)

    def answered(self, ids: set[int]) -> int:
        return sum(1 for rc_id in ids if self.cells.data.n(rc_id) > 0)


class ImpactReader:
    """Reads each round once for several impacts (a page of many measures): the company cells for
    every area any of them asks about, and which membership each round company is."""

    def __init__(self, area_codes: Iterable[str]) -> None:
        self.codes = list(dict.fromkeys(area_codes))
        self._cells: dict[int, CompanyCells] = {}
        self._memberships: dict[int, dict[int, int]] = {}

    def cells(self, round_: Round, codes: list[str]) -> CompanyCells:
        missing = [code for code in codes if code not in self.codes]
        if missing:
            # An area nobody announced: read its round again with it (never a cell decided
            # without its area).
            self.codes += missing
            self._cells.clear()
        if round_.pk not in self._cells:
            self._cells[round_.pk] = company_cells(round_, self.codes)
        return self._cells[round_.pk]

    def memberships(self, round_: Round) -> dict[int, int]:
        if round_.pk not in self._memberships:
            self._memberships[round_.pk] = dict(
                RoundCompany.objects.filter(round=round_).values_list("pk", "membership_id")
            )
        return self._memberships[round_.pk]


def _side(
    reader: ImpactReader, round_: Round, codes: list[str], members: set[int], alongside: list[set[int]]
) -> _Side:
    cells = reader.cells(round_, codes)
    by_membership = reader.memberships(round_)
    present = set(cells.data.company_ids)

    def to_round(ids: set[int]) -> set[int]:
        return {rc_id for rc_id in present if by_membership.get(rc_id) in ids}

    return _Side(cells, to_round(members), [to_round(group) for group in alongside])


def _check(side: _Side, code: str) -> str:
    """Why the participants and others of one round may not be shown in an area; "" if they may."""
    rn = side.cells
    k = rn.k
    title = rn.round.title
    part = side.participants
    others = set(rn.data.company_ids) - part
    if side.respondents(part) < k or rn.area_n(code, part) < k:
        return _("Fewer than %(k)s people in the participating companies answered in %(round)s.") % {
            "k": k,
            "round": title,
        }
    n_part = rn.area_n(code, part)
    total = rn.area_n(code)
    if side.respondents(others) < k or not segment_visible(n_part, total, k):
        return _("Fewer than %(k)s people in the other companies answered in %(round)s.") % {
            "k": k,
            "round": title,
        }
    known_in, known_out = _segment_known(rn, code, part)
    if not (remainder_ok(n_part - known_in, k) and remainder_ok(total - n_part - known_out, k)):
        return _(
            "Beside the figures of single companies in %(round)s, it would single out "
            "fewer than %(k)s people."
        ) % {"k": k, "round": title}
    for kind in SEGMENT_KINDS:
        # A segment of companies the needs analysis shows (size class, NACE section, region): the
        # participants inside it, or it inside the participants, may not differ by a small group.
        groups = segment_groups(rn, kind)
        for value, cell in segment_cells(rn, kind, code).items():
            segment = groups[value]
            nested = segment <= part or part <= segment
            if not cell.suppressed and nested and not remainder_ok(rn.area_n(code, segment ^ part), k):
                return _(
                    "Beside the figures of a group of companies in %(round)s, it would single out "
                    "fewer than %(k)s people."
                ) % {"k": k, "round": title}
    for group in side.alongside:
        if not (
            remainder_ok(rn.area_n(code, part - group), k) and remainder_ok(rn.area_n(code, group - part), k)
        ):
            return _(
                "Beside the impact of another measure in %(round)s, it would single out "
                "fewer than %(k)s people."
            ) % {"k": k, "round": title}
    return ""


def _group(side: _Side, code: str, ids: set[int], shown: bool) -> tuple[GroupFigure, Fraction | None]:
    rn = side.cells
    n, gap_total = rn.area_sum(code, ids)
    respondents = side.respondents(ids)
    mean = Fraction(int(gap_total), n) if shown and n else None
    figure = GroupFigure(
        companies=side.answered(ids),
        respondents=Cell(suppressed=False, value=respondents, n=respondents)
        if respondents >= rn.k
        else Cell.hidden(),
        answers=Cell(suppressed=False, value=n, n=n) if n >= rn.k else Cell.hidden(),
        gap=Cell(suppressed=False, value=quantize(_decimal(mean)), n=n)
        if mean is not None
        else Cell.hidden(),
    )
    return figure, mean


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def impact(
    *,
    before: Round | None,
    after: Round | None,
    membership_ids: Iterable[int],
    area_codes: Iterable[str],
    shown_alongside: Iterable[Iterable[int]] = (),
    reader: ImpactReader | None = None,
) -> Impact:
    """The difference in differences of the participants' (``membership_ids``) mean gap against
    the other companies' in each of ``area_codes``, between the released rounds ``before`` and
    ``after``. ``shown_alongside``: the membership ids of other groups a viewer can see figures of
    for the same rounds (the participants of the cluster's other measures). ``reader``: shared by
    the impacts of one page, so each round is read once. Raises NotReleased if a round given is
    not released."""
    codes = list(dict.fromkeys(area_codes))
    if before is None or after is None:
        reason = (
            _("No released mapping round before the measure.")
            if before is None
            else _("No released mapping round after the measure yet.")
        )
        return Impact(before=before, after=after, k=0, areas=[], reason=reason)
    members = set(membership_ids)
    alongside = [set(group) for group in shown_alongside]
    reader = reader or ImpactReader(codes)
    first = _side(reader, before, codes, members, alongside)
    second = _side(reader, after, codes, members, alongside)
    rows = []
    for code in codes:
        reason = _check(first, code) or _check(second, code)
        shown = not reason
        figures = []
        means = []
        for side in (first, second):
            others = set(side.cells.data.company_ids) - side.participants
            for ids in (side.participants, others):
                figure, mean = _group(side, code, ids, shown)
                figures.append(figure)
                means.append(mean)
        did: Cell[Decimal] = Cell.hidden()
        known = [mean for mean in means if mean is not None]
        if shown and len(known) == len(means):
            b_part, b_others, a_part, a_others = known
            value = (a_part - b_part) - (a_others - b_others)
            n = sum(f.answers.n or 0 for f in figures)
            did = Cell(suppressed=False, value=quantize(_decimal(value)), n=n)
        rows.append(ImpactArea(code, figures[0], figures[1], figures[2], figures[3], did, reason))
    return Impact(before=before, after=after, k=first.cells.k, areas=rows)


# --- every group whose impact a viewer can see ---------------------------------------------------


@dataclass(frozen=True)
class ImpactGroup:
    """The participants of one thing whose impact is shown (a completed measure, an activity),
    named ``key`` ("measure:12", "activity:7"), and the areas it targeted."""

    key: str
    membership_ids: frozenset[int]
    area_codes: frozenset[str]


# Each app that shows impact registers where its groups come from (in its AppConfig.ready), so
# that every impact, wherever it is shown, is checked beside all the others: the measures app
# cannot know the activities' groups (it sits below them), and a measure's figure checked only
# against other measures could be differenced with an activity's into a group under k.
_SOURCES: dict[str, Callable[[Cluster], Iterable[ImpactGroup]]] = {}


def register_impact_source(name: str, source: Callable[[Cluster], Iterable[ImpactGroup]]) -> None:
    _SOURCES[name] = source


def impact_groups(cluster: Cluster) -> list[ImpactGroup]:
    """Every group of every registered source whose impact the cluster's viewers can see (call
    inside the cluster's scope)."""
    return [group for name in sorted(_SOURCES) for group in _SOURCES[name](cluster)]


def alongside(groups: Iterable[ImpactGroup], key: str, area_codes: Iterable[str]) -> list[set[int]]:
    """The participants of every group other than ``key`` with an area in common: what the
    ``shown_alongside`` of ``impact`` must hold for the group ``key``."""
    codes = set(area_codes)
    return [set(group.membership_ids) for group in groups if group.key != key and group.area_codes & codes]
