"""The cluster's needs analysis: which competence needs are broad (many companies) and deep (large
mean gap), read from the running aggregates of a mapping round.

The k rules come from klyngekart/core/privacy.py and the helpers G5 wrote for the results pages
(klyngekart/surveys/results.py), so a company cell here is shown exactly when the cluster team's
results page may show it:

- a company has its own column only when its respondents reach k (``_pooling``), and a cell only
  when the company's answers for the area reach k after the per-area pooling
  (``_area_shown_companies``); everything else in the round is one "pooled" cell, shown only when
  it reaches k. If what is left is above zero but below k, the smallest shown companies join it,
  so "cluster minus the shown cells" never isolates a small group;
- a segment of companies (size class, NACE section, region) is shown per area only when it and the
  rest of the cluster reach k, when what several shown segments leave over is empty or reaches k
  (``visible_parts``), and when the company cells do not narrow it down to a small group;
- free text only through ``shuffled_texts``; this is the one raw read, since text has no aggregate.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.cache import cache
from django.utils.translation import gettext as _

from klyngekart.core.privacy import Cell, k_threshold, shuffled_texts
from klyngekart.members.models import SizeClass
from klyngekart.needs.models import MembershipStrategy, StrategyStatus
from klyngekart.surveys import results as res
from klyngekart.surveys.aggregates import results_version
from klyngekart.surveys.models import Answer, Question, QuestionType, Round, RoundCompany
from klyngekart.surveys.models.responses import ALL
from klyngekart.taxonomy.nace import section_choices
from klyngekart.taxonomy.regions import REGION_CHOICES

DEFAULT_THRESHOLD = Decimal("1.0")
PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
# "Disagree": top of one list and not even near the top of the other.
TOP = 5
NEAR_TOP = 10
SEGMENT_KINDS = ("size", "nace", "region")
POOL = "pool"
# Companies per page of the heatmap: 400 columns help no one; the report's XLSX has them all.
HEAT_PAGE_SIZE = 25


def _q(value: Decimal, places: Decimal = PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def mean_gap(sum_gap: float, n: int) -> Decimal:
    return Decimal(int(sum_gap)) / Decimal(n)


def priority_score(breadth_share: Decimal, depth: Decimal) -> Decimal:
    """The share of companies with the need times how deep it is on average. A negative mean gap
    (the level above what is needed) counts as no need at all."""
    return breadth_share * max(depth, Decimal(0))


# --- segments of companies ----------------------------------------------------------------------


def segment_labels(kind: str) -> dict[str, str]:
    if kind == "size":
        return {str(value): str(label) for value, label in SizeClass.choices}
    if kind == "nace":
        return dict(section_choices())
    if kind == "region":
        return {str(value): str(label) for value, label in REGION_CHOICES}
    return {}


class CompanyInfo(NamedTuple):
    """What the analysis needs of a round's company (read with values_list, not as models)."""

    company_id: int
    name: str
    size_class: str
    nace_section: str
    region: str


def segment_value(company: Any, kind: str) -> str:
    return {"size": company.size_class, "nace": company.nace_section, "region": company.region}.get(kind, "")


def segment_label(kind: str, value: str) -> str:
    return segment_labels(kind).get(value) or _("Not recorded")


def parse_segment_filter(raw: str) -> tuple[str, str] | None:
    """ "size:small" -> ("size", "small"); anything else is no filter."""
    kind, _sep, value = (raw or "").partition(":")
    if kind in SEGMENT_KINDS and value:
        return kind, value
    return None


# --- the round's data ---------------------------------------------------------------------------


@dataclass
class RoundNeeds:
    """The aggregates of one round, the k and which company cells the views may show."""

    round: Round
    k: int
    data: res._RoundData
    companies: dict[int, CompanyInfo]
    shown_companies: set[int]  # own column (respondents >= k)
    area_cells: dict[str, set[int]]  # per area code: companies whose cell is shown

    def area_n(self, code: str, ids: Iterable[int] | None = None) -> int:
        if ids is None:
            return sum(self.data.area_ns(ALL, code).values())
        by_company = self.data.area_ns(ALL, code)
        return sum(by_company.get(rc_id, 0) for rc_id in ids)

    def area_sum(self, code: str, ids: Iterable[int]) -> tuple[int, int]:
        """(answers, sum of gaps) of the companies ``ids`` in an area."""
        n = total = 0
        areas = self.data.areas
        for rc_id in ids:
            row = areas.get((rc_id, ALL, code))
            if row is not None:
                n += row[0]
                total += row[5]
        return n, total

    _gaps: dict[tuple[int, str], Cell[Decimal]] = field(default_factory=dict, repr=False)

    def company_gap(self, rc_id: int, code: str) -> Cell[Decimal]:
        """A company's mean gap in an area, or hidden (worked out once per cell: the ranking,
        the order of the heatmap and the heatmap itself all ask)."""
        cell = self._gaps.get((rc_id, code))
        if cell is None:
            if rc_id not in self.area_cells.get(code, set()):
                cell = Cell.hidden()
            else:
                row = self.data.areas[(rc_id, ALL, code)]
                cell = Cell(suppressed=False, value=_q(mean_gap(row[5], row[0])), n=row[0])
            self._gaps[(rc_id, code)] = cell
        return cell

    def pool_ids(self, code: str) -> set[int]:
        return set(self.data.company_ids) - self.area_cells.get(code, set())


def _cells_for_area(data: res._RoundData, code: str, shown_ids: set[int], k: int) -> set[int]:
    cells = res._area_shown_companies(data, code, shown_ids, k)
    by_company = data.area_ns(ALL, code)
    total = sum(by_company.values())
    if total < k:
        return set()
    # What is left over (pooled) must be empty or reach k; give it the smallest shown companies.
    ordered = sorted(cells, key=lambda rc_id: (by_company.get(rc_id, 0), rc_id))
    rest = total - sum(by_company.get(rc_id, 0) for rc_id in cells)
    while ordered and 0 < rest < k:
        rest += by_company.get(ordered.pop(0), 0)
    return set(ordered)


def round_companies(round_: Round) -> dict[int, CompanyInfo]:
    rows = RoundCompany.objects.filter(round=round_).values_list(
        "pk",
        "company_id",
        "membership__name",
        "membership__size_class",
        "membership__nace_section",
        "membership__region",
    )
    return {
        pk: CompanyInfo(company_id, name, size, nace, region)
        for pk, company_id, name, size, nace, region in rows
    }


def load_round(round_: Round, area_codes: list[str]) -> RoundNeeds:
    """Read a round's aggregates (everyone, no segments) and decide what may be shown."""
    k = k_threshold(round_.cluster)
    data = res._load(round_, None)
    return build_needs(round_, k, data, round_companies(round_), area_codes)


def build_needs(
    round_: Round, k: int, data: res._RoundData, companies: dict[int, Any], area_codes: list[str]
) -> RoundNeeds:
    """Decide which companies and cells may be shown, from aggregates already read."""
    shown_ids, _pooled, _hidden = res._pooling(data, k)
    cells = {code: _cells_for_area(data, code, shown_ids, k) for code in area_codes}
    return RoundNeeds(round_, k, data, companies, shown_ids, cells)


# --- heatmap ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatColumn:
    key: str
    label: str
    pooled: bool = False


@dataclass(frozen=True)
class HeatRow:
    code: str
    name: str
    cells: list[Cell[Decimal]]


@dataclass(frozen=True)
class HeatPage:
    """Which companies a page of the heatmap shows: ``first`` to ``last`` (from 1) of ``total``."""

    number: int
    pages: int
    total: int
    first: int
    last: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


@dataclass(frozen=True)
class Heatmap:
    kind: str  # "companies" or a segment kind
    columns: list[HeatColumn]
    rows: list[HeatRow]
    page: HeatPage | None = None  # companies only, when the caller asked for one page


def _segment_groups(rn: RoundNeeds, kind: str) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {}
    for rc_id in rn.data.company_ids:
        company = rn.companies.get(rc_id)
        if company is not None:
            groups.setdefault(segment_value(company, kind), set()).add(rc_id)
    return groups


def _segment_known(rn: RoundNeeds, code: str, members: set[int]) -> tuple[int, int]:
    """What the company view already tells about a segment in an area: the answers of shown company
    cells (and of the pooled cell when it lies wholly inside or outside) in and out of it."""
    known_in = known_out = 0
    shown = rn.area_cells.get(code, set())
    by_company = rn.data.area_ns(ALL, code)
    for rc_id in shown:
        n = by_company.get(rc_id, 0)
        if rc_id in members:
            known_in += n
        else:
            known_out += n
    pool = rn.pool_ids(code)
    pool_n = rn.area_n(code, pool)
    if pool_n >= rn.k:
        if pool <= members:
            known_in += pool_n
        elif not pool & members:
            known_out += pool_n
    return known_in, known_out


def segment_cells(rn: RoundNeeds, kind: str, code: str) -> dict[str, Cell[Decimal]]:
    """Per segment value, the mean gap in an area, or hidden."""
    groups = _segment_groups(rn, kind)
    total = rn.area_n(code)
    parts = {value: rn.area_n(code, ids) for value, ids in groups.items()}
    visible = res.visible_parts(total, parts, rn.k) if total >= rn.k else set()
    out: dict[str, Cell[Decimal]] = {}
    for value, ids in groups.items():
        n, gap_total = rn.area_sum(code, ids)
        ok = value in visible
        if ok:
            known_in, known_out = _segment_known(rn, code, ids)
            ok = res.remainder_ok(n - known_in, rn.k) and res.remainder_ok(total - n - known_out, rn.k)
        out[value] = Cell(suppressed=False, value=_q(mean_gap(gap_total, n)), n=n) if ok else Cell.hidden()
    return out


def heatmap(rn: RoundNeeds, areas: list[tuple[str, str]], kind: str = "companies") -> Heatmap:
    if kind in SEGMENT_KINDS:
        order = {value: index for index, value in enumerate(segment_labels(kind))}
        values = sorted(_segment_groups(rn, kind), key=lambda v: (v not in order, order.get(v, 0), v))
        columns = [HeatColumn(value, segment_label(kind, value)) for value in values]
        rows = []
        for code, name in areas:
            by_value = segment_cells(rn, kind, code)
            rows.append(HeatRow(code, name, [by_value[value] for value in values]))
        return Heatmap(kind, columns, rows)
    shown = sorted(rn.shown_companies, key=lambda rc_id: (rn.companies[rc_id].name, rc_id))
    columns = [HeatColumn(str(rc_id), rn.companies[rc_id].name) for rc_id in shown]
    columns.append(HeatColumn(POOL, _("Other companies (pooled)"), pooled=True))
    rows = []
    for code, name in areas:
        cells = [rn.company_gap(rc_id, code) for rc_id in shown]
        rows.append(HeatRow(code, name, [*cells, pool_cell(rn, code)]))
    return Heatmap("companies", columns, rows)


def pool_cell(rn: RoundNeeds, code: str) -> Cell[Decimal]:
    """The "other companies" cell of an area: everyone without a shown cell, from k answers."""
    n, gap_total = rn.area_sum(code, rn.pool_ids(code))
    return Cell(suppressed=False, value=_q(mean_gap(gap_total, n)), n=n) if n >= rn.k else Cell.hidden()


def companies_by_need(
    rn: RoundNeeds, area_codes: list[str], threshold: Decimal = DEFAULT_THRESHOLD
) -> list[int]:
    """The companies with a column of their own, most needs first: how many of their shown cells
    reach ``threshold``, then the sum of their shown mean gaps, then by name."""
    needs: dict[int, int] = dict.fromkeys(rn.shown_companies, 0)
    depth: dict[int, Decimal] = dict.fromkeys(rn.shown_companies, Decimal(0))
    for code in area_codes:
        for rc_id in rn.area_cells.get(code, set()) & rn.shown_companies:
            value = rn.company_gap(rc_id, code).value
            if value is None:
                continue
            depth[rc_id] += value
            if value >= threshold:
                needs[rc_id] += 1
    return sorted(
        rn.shown_companies, key=lambda rc_id: (-needs[rc_id], -depth[rc_id], rn.companies[rc_id].name, rc_id)
    )


# --- ranking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedRow:
    code: str
    name: str
    breadth: int  # companies (with a shown cell) whose mean gap reaches the threshold
    companies: int  # companies with a shown cell: the denominator of the share
    breadth_share: Decimal | None
    depth: Decimal | None
    priority: Decimal | None
    respondents: int | None
    need_company_ids: list[int] = field(default_factory=list)
    strategy_priority_count: int = 0


def ranking(
    rn: RoundNeeds,
    areas: list[tuple[str, str]],
    *,
    threshold: Decimal = DEFAULT_THRESHOLD,
    segment: tuple[str, str] | None = None,
    strategy_counts: Counter[str] | None = None,
) -> list[NeedRow]:
    """Needs by priority, largest first; areas whose depth is hidden last, in taxonomy order."""
    members: set[int] | None = None
    if segment is not None:
        members = _segment_groups(rn, segment[0]).get(segment[1], set())
    rows = []
    for code, name in areas:
        eligible = rn.area_cells.get(code, set())
        if members is not None:
            eligible = eligible & members
        with_need = [
            rc_id
            for rc_id in sorted(eligible)
            if (cell := rn.company_gap(rc_id, code)).value is not None and cell.value >= threshold
        ]
        if members is None:
            n, gap_total = rn.area_sum(code, rn.data.company_ids)
            depth_cell: Cell[Decimal] = (
                Cell(suppressed=False, value=mean_gap(gap_total, n), n=n) if n >= rn.k else Cell.hidden()
            )
        else:
            seg_cell = segment_cells(rn, segment[0], code).get(segment[1], Cell.hidden())  # type: ignore[index]
            n, gap_total = rn.area_sum(code, members)
            depth_cell = (
                Cell(suppressed=False, value=mean_gap(gap_total, n), n=n)
                if not seg_cell.suppressed
                else Cell.hidden()
            )
        share = Decimal(len(with_need)) / Decimal(len(eligible)) if eligible else None
        depth = depth_cell.value
        priority = priority_score(share, depth) if share is not None and depth is not None else None
        rows.append(
            NeedRow(
                code=code,
                name=name,
                breadth=len(with_need),
                companies=len(eligible),
                breadth_share=_q(share, SHARE_PLACES) if share is not None else None,
                depth=_q(depth) if depth is not None else None,
                priority=_q(priority) if priority is not None else None,
                respondents=depth_cell.n,
                need_company_ids=[rn.companies[rc_id].company_id for rc_id in with_need],
                strategy_priority_count=(strategy_counts or Counter()).get(code, 0),
            )
        )
    return sort_rows(rows, "priority")


SORT_KEYS: dict[str, Callable[[NeedRow], tuple]] = {
    "priority": lambda row: (row.priority is None, -(row.priority or 0), row.name),
    "breadth": lambda row: (row.breadth_share is None, -row.breadth, -(row.breadth_share or 0), row.name),
    "depth": lambda row: (row.depth is None, -(row.depth or 0), row.name),
    "respondents": lambda row: (row.respondents is None, -(row.respondents or 0), row.name),
    "strategies": lambda row: (-row.strategy_priority_count, row.name),
    "name": lambda row: (row.name,),
}


def sort_rows(rows: list[NeedRow], key: str) -> list[NeedRow]:
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["priority"]))


# --- strategies against the employees -----------------------------------------------------------


def strategy_counts(round_: Round) -> Counter[str]:
    """How many submitted membership strategies of the round's year name each area a priority."""
    counts: Counter[str] = Counter()
    rows = MembershipStrategy.objects.filter(
        cluster=round_.cluster, year=round_.opens_on.year, status=StrategyStatus.SUBMITTED
    ).values_list("priority_areas", flat=True)
    for areas in rows:
        counts.update(set(areas or []))
    return counts


@dataclass(frozen=True)
class StrategyComparison:
    code: str
    name: str
    strategy_count: int
    strategy_rank: int | None
    employee_rank: int | None
    disagree: bool


def compare_strategies(rows: list[NeedRow]) -> list[StrategyComparison]:
    by_priority = [row.code for row in sort_rows(rows, "priority") if row.priority is not None]
    by_strategy = [row.code for row in sort_rows(rows, "strategies") if row.strategy_priority_count > 0]
    employee_rank = {code: i + 1 for i, code in enumerate(by_priority)}
    strategy_rank = {code: i + 1 for i, code in enumerate(by_strategy)}
    out = []
    for row in sort_rows(rows, "strategies"):
        e_rank, s_rank = employee_rank.get(row.code), strategy_rank.get(row.code)
        disagree = (s_rank is not None and s_rank <= TOP and (e_rank is None or e_rank > NEAR_TOP)) or (
            e_rank is not None and e_rank <= TOP and (s_rank is None or s_rank > NEAR_TOP)
        )
        out.append(
            StrategyComparison(row.code, row.name, row.strategy_priority_count, s_rank, e_rank, disagree)
        )
    return out


# --- free text ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextGroup:
    question: Question
    items: Cell[list[str]]


def free_texts(round_: Round, version: str | None = None) -> list[TextGroup]:
    """Free-text answers across the round's companies, per question, shuffled, from k answers.

    The texts are raw answers, so they are read once per version of the round's aggregates (a
    new response changes the version) and cached: one shuffle per version, not one per view."""
    k = k_threshold(round_.cluster)
    questions = list(Question.objects.filter(version_id=round_.survey_version_id, type=QuestionType.TEXT))
    key = res.round_cache_key(
        "texts", round_, version or results_version(round_), k, *(q.key for q in questions)
    )
    cached: dict[str, list[str]] | None = cache.get(key)
    if cached is None:
        cached = {}
        for question in questions:
            values = Answer.objects.filter(round=round_, question_key=question.key).values_list(
                "value", flat=True
            )
            cached[question.key] = shuffled_texts((value for value in values if isinstance(value, str)), k)
        cache.set(key, cached, res.CACHE_SECONDS)
    return [
        TextGroup(q, Cell(suppressed=False, value=cached[q.key]) if cached.get(q.key) else Cell.hidden())
        for q in questions
    ]


# --- change between rounds ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    code: str
    name: str
    depth_then: Decimal | None
    depth_now: Decimal | None
    breadth_then: int | None
    breadth_now: int | None

    @property
    def depth_change(self) -> Decimal | None:
        if self.depth_then is None or self.depth_now is None:
            return None
        return self.depth_now - self.depth_then


def trend(now: list[NeedRow], then: list[NeedRow]) -> list[TrendRow]:
    """Per area of the current round (area codes are stable across taxonomy versions)."""
    before = {row.code: row for row in then}
    out = []
    for row in sorted(now, key=lambda r: r.name):
        old = before.get(row.code)
        out.append(
            TrendRow(
                row.code,
                row.name,
                old.depth if old else None,
                row.depth,
                old.breadth if old and old.breadth_share is not None else None,
                row.breadth if row.breadth_share is not None else None,
            )
        )
    return out


# --- the whole analysis -------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsAnalysis:
    round: Round
    k: int
    threshold: Decimal
    ranking: list[NeedRow]
    heatmap: Heatmap
    strategies: list[StrategyComparison]
    texts: list[TextGroup]
    compare: Round | None
    trend: list[TrendRow]
    respondents: Cell[int]


def round_area_pairs(round_: Round) -> list[tuple[str, str]]:
    return [(area.code, area.name) for area in res.round_areas(round_)]


# --- what is cached -----------------------------------------------------------------------------

# The compact heatmap keeps a cell's mean gap in hundredths; this marks a hidden cell.
HIDDEN = -(2**31)


def _centi(value: Decimal) -> int:
    return int(value.scaleb(2))


def _from_centi(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


@dataclass(frozen=True)
class CompanyMatrix:
    """The company heatmap as the analysis decided it, small enough to cache: per column (a
    company, most needs first) and area, the shown mean gap in hundredths or HIDDEN, and its
    answers; per area the pooled cell as (hundredths, answers), or None when it is hidden."""

    columns: tuple[int, ...]
    codes: tuple[str, ...]
    values: array
    counts: array
    pool: tuple[tuple[int, int] | None, ...]

    def cell(self, column: int, row: int) -> Cell[Decimal]:
        place = column * len(self.codes) + row
        value = self.values[place]
        if value == HIDDEN:
            return Cell.hidden()
        return Cell(suppressed=False, value=_from_centi(value), n=int(self.counts[place]))

    def pool_cell(self, row: int) -> Cell[Decimal]:
        pooled = self.pool[row]
        if pooled is None:
            return Cell.hidden()
        return Cell(suppressed=False, value=_from_centi(pooled[0]), n=pooled[1])


def company_matrix(rn: RoundNeeds, area_codes: list[str], threshold: Decimal) -> CompanyMatrix:
    order = companies_by_need(rn, area_codes, threshold)
    values, counts = array("i"), array("i")
    for rc_id in order:
        for code in area_codes:
            cell = rn.company_gap(rc_id, code)
            if cell.value is None:
                values.append(HIDDEN)
                counts.append(0)
            else:
                values.append(_centi(cell.value))
                counts.append(cell.n or 0)
    pool: list[tuple[int, int] | None] = []
    for code in area_codes:
        pooled = pool_cell(rn, code)
        pool.append(None if pooled.value is None else (_centi(pooled.value), pooled.n or 0))
    return CompanyMatrix(tuple(order), tuple(area_codes), values, counts, tuple(pool))


@dataclass(frozen=True)
class NeedsFigures:
    """Everything the page, the API and the report read from a round's aggregates for one choice
    of threshold, segment filter and heatmap columns: the output of ranking(), heatmap() and
    company_matrix() with area codes for names (names follow the language; they are added on
    the way out), cached by the aggregates' version."""

    k: int
    respondents: int
    ranking: list[NeedRow]
    matrix: CompanyMatrix | None = None
    segment_columns: list[str] = field(default_factory=list)
    segment_rows: list[list[Cell[Decimal]]] = field(default_factory=list)


def _companies_fingerprint(round_: Round) -> str:
    """Which segment each company of the round is in: a company's size class, NACE section or
    region may change without any new answer, so segment figures are cached under this too."""
    rows = (
        RoundCompany.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "membership__size_class", "membership__nace_section", "membership__region")
    )
    return hashlib.blake2b(repr(list(rows)).encode(), digest_size=16).hexdigest()


def compute_figures(
    rn: RoundNeeds,
    area_codes: list[str],
    *,
    threshold: Decimal,
    segment: tuple[str, str] | None,
    heat: str | None,
) -> NeedsFigures:
    pairs = [(code, code) for code in area_codes]
    figures = NeedsFigures(
        k=rn.k,
        respondents=rn.data.total(),
        ranking=ranking(rn, pairs, threshold=threshold, segment=segment),
    )
    if heat in SEGMENT_KINDS:
        by_segment = heatmap(rn, pairs, heat)
        return replace(
            figures,
            segment_columns=[column.key for column in by_segment.columns],
            segment_rows=[row.cells for row in by_segment.rows],
        )
    if heat is not None:
        return replace(figures, matrix=company_matrix(rn, area_codes, threshold))
    return figures


def needs_figures(
    round_: Round,
    area_codes: list[str],
    *,
    threshold: Decimal = DEFAULT_THRESHOLD,
    segment: tuple[str, str] | None = None,
    heat: str | None = "companies",
    version: str | None = None,
) -> NeedsFigures:
    """``compute_figures`` for a round, from the cache while nothing they depend on has changed:
    the aggregates' version, k, the threshold, the segment filter, the heatmap's columns, the
    round's areas and, when segments are involved, which segment each company is in."""
    if heat is not None and heat not in SEGMENT_KINDS:
        heat = "companies"
    k = k_threshold(round_.cluster)
    version = version or results_version(round_)
    companies = _companies_fingerprint(round_) if segment or heat in SEGMENT_KINDS else ""
    key = res.round_cache_key(
        "needs", round_, version, k, threshold, segment, heat, companies, "|", *area_codes
    )
    figures = cache.get(key)
    if figures is None:
        rn = build_needs(round_, k, res._load(round_, None), round_companies(round_), area_codes)
        figures = compute_figures(rn, area_codes, threshold=threshold, segment=segment, heat=heat)
        cache.set(key, figures, res.CACHE_SECONDS)
    return figures  # type: ignore[no-any-return]


def _named(rows: list[NeedRow], names: dict[str, str], counts: Counter[str] | None) -> list[NeedRow]:
    counts = counts or Counter()
    named = [
        replace(row, name=names.get(row.code, row.code), strategy_priority_count=counts.get(row.code, 0))
        for row in rows
    ]
    return sort_rows(named, "priority")


def needs_ranking(
    round_: Round, *, threshold: Decimal = DEFAULT_THRESHOLD, segment: tuple[str, str] | None = None
) -> list[NeedRow]:
    """The ranking of ``ranking()`` with area names and strategy counts, by priority (cached)."""
    areas = round_area_pairs(round_)
    figures = needs_figures(
        round_, [code for code, _name in areas], threshold=threshold, segment=segment, heat=None
    )
    return _named(figures.ranking, dict(areas), strategy_counts(round_))


def heat_page(total: int, number: int, per_page: int) -> HeatPage:
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    first = (number - 1) * per_page
    last = min(first + per_page, total)
    return HeatPage(number=number, pages=pages, total=total, first=first + 1 if total else 0, last=last)


def _heatmap_of(
    figures: NeedsFigures,
    round_: Round,
    areas: list[tuple[str, str]],
    kind: str,
    page: int | None,
    per_page: int,
) -> Heatmap:
    if kind in SEGMENT_KINDS:
        columns = [HeatColumn(value, segment_label(kind, value)) for value in figures.segment_columns]
        rows = [
            HeatRow(code, name, cells)
            for (code, name), cells in zip(areas, figures.segment_rows, strict=True)
        ]
        return Heatmap(kind, columns, rows)
    matrix = figures.matrix
    assert matrix is not None  # noqa: S101 - needs_figures made it for a company heatmap
    paging = heat_page(len(matrix.columns), page, per_page) if page is not None else None
    chosen = range(paging.first - 1, paging.last) if paging is not None else range(len(matrix.columns))
    ids = [matrix.columns[index] for index in chosen]
    names = dict(RoundCompany.objects.filter(round=round_, pk__in=ids).values_list("pk", "membership__name"))
    columns = [HeatColumn(str(rc_id), names.get(rc_id, "")) for rc_id in ids]
    columns.append(HeatColumn(POOL, _("Other companies (pooled)"), pooled=True))
    row_of = {code: index for index, code in enumerate(matrix.codes)}
    rows = []
    for code, name in areas:
        row = row_of.get(code)
        if row is None:
            rows.append(HeatRow(code, name, [Cell.hidden() for _column in columns]))
            continue
        cells = [matrix.cell(index, row) for index in chosen]
        rows.append(HeatRow(code, name, [*cells, matrix.pool_cell(row)]))
    return Heatmap("companies", columns, rows, paging)


def needs_analysis(
    *,
    round: Round,  # noqa: A002 - named like the other selectors
    compare: Round | None = None,
    threshold: Decimal = DEFAULT_THRESHOLD,
    segment: tuple[str, str] | None = None,
    heat: str = "companies",
    sort: str = "priority",
    heat_page: int | None = None,
    heat_per_page: int | None = None,
) -> NeedsAnalysis:
    """The needs page's figures. The company heatmap has every company (in order of need) unless
    ``heat_page`` asks for one page of ``heat_per_page`` (HEAT_PAGE_SIZE) companies; the pooled
    column is on every page."""
    heat = heat if heat in SEGMENT_KINDS else "companies"
    areas = round_area_pairs(round)
    version = results_version(round)
    figures = needs_figures(
        round,
        [code for code, _name in areas],
        threshold=threshold,
        segment=segment,
        heat=heat,
        version=version,
    )
    rows = _named(figures.ranking, dict(areas), strategy_counts(round))
    trend_rows: list[TrendRow] = []
    if compare is not None:
        then_areas = round_area_pairs(compare)
        then = needs_figures(
            compare, [code for code, _name in then_areas], threshold=threshold, segment=segment, heat=None
        )
        trend_rows = trend(rows, _named(then.ranking, dict(then_areas), None))
    return NeedsAnalysis(
        round=round,
        k=figures.k,
        threshold=threshold,
        ranking=sort_rows(rows, sort),
        heatmap=_heatmap_of(figures, round, areas, heat, heat_page, heat_per_page or HEAT_PAGE_SIZE),
        strategies=compare_strategies(rows),
        texts=free_texts(round, version),
        compare=compare,
        trend=trend_rows,
        respondents=res.count_cell(figures.respondents, figures.k),
    )
