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
- free text as the release scrubbed and shuffled it, from k texts or more (surveys/results/questions.py).
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext as _

from klyngekart.core.privacy import Cell, k_threshold
from klyngekart.needs.models import MembershipStrategy, StrategyStatus
from klyngekart.surveys import results as res
from klyngekart.surveys.models import Question, Round, RoundCompany

DEFAULT_THRESHOLD = Decimal("1.0")
PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")
# "Disagree": top of one list and not even near the top of the other.
TOP = 5
NEAR_TOP = 10
POOL = "pool"
# Companies per page of the heatmap: 400 columns help no one; the report's XLSX has them all.
HEAT_PAGE_SIZE = 25


_q = res.quantize
mean_gap = res.mean_gap
SEGMENT_KINDS = res.SEGMENT_KINDS


def priority_score(breadth_share: Decimal, depth: Decimal) -> Decimal:
    """The share of companies with the need times how deep it is on average. A negative mean gap
    (the level above what is needed) counts as no need at all."""
    return breadth_share * max(depth, Decimal(0))


# --- segments of companies ----------------------------------------------------------------------


segment_labels = res.segment_labels
segment_label = res.segment_label


def parse_segment_filter(raw: str) -> tuple[str, str] | None:
    """ "size:small" -> ("size", "small"); anything else is no filter."""
    kind, _sep, value = (raw or "").partition(":")
    if kind in SEGMENT_KINDS and value:
        return kind, value
    return None


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
    def indexes(self) -> range:
        """The page's companies as indexes from 0. ``first`` is 0 when there are none (a new round,
        or one where every company is still pooled), and ``first - 1`` would then be -1."""
        return range(self.first - 1, self.last) if self.total else range(0)

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


def heatmap(rn: res.CompanyCells, areas: list[tuple[str, str]], kind: str = "companies") -> Heatmap:
    if kind in SEGMENT_KINDS:
        order = {value: index for index, value in enumerate(segment_labels(kind))}
        values = sorted(res.segment_groups(rn, kind), key=lambda v: (v not in order, order.get(v, 0), v))
        columns = [HeatColumn(value, segment_label(kind, value)) for value in values]
        rows = []
        for code, name in areas:
            by_value = res.segment_cells(rn, kind, code)
            rows.append(HeatRow(code, name, [by_value[value] for value in values]))
        return Heatmap(kind, columns, rows)
    shown = sorted(rn.shown_companies, key=lambda rc_id: (rn.companies[rc_id].name, rc_id))
    columns = [HeatColumn(str(rc_id), rn.companies[rc_id].name) for rc_id in shown]
    columns.append(HeatColumn(POOL, _("Other companies (pooled)"), pooled=True))
    rows = []
    for code, name in areas:
        cells = [rn.company_gap(rc_id, code) for rc_id in shown]
        rows.append(HeatRow(code, name, [*cells, res.pool_cell(rn, code)]))
    return Heatmap("companies", columns, rows)


def companies_by_need(
    rn: res.CompanyCells, area_codes: list[str], threshold: Decimal = DEFAULT_THRESHOLD
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
    rn: res.CompanyCells,
    areas: list[tuple[str, str]],
    *,
    threshold: Decimal = DEFAULT_THRESHOLD,
    segment: tuple[str, str] | None = None,
    strategy_counts: Counter[str] | None = None,
) -> list[NeedRow]:
    """Needs by priority, largest first; areas whose depth is hidden last, in taxonomy order."""
    members: set[int] | None = None
    if segment is not None:
        members = res.segment_groups(rn, segment[0]).get(segment[1], set())
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
            seg_cell = res.segment_cells(rn, segment[0], code).get(segment[1], Cell.hidden())  # type: ignore[index]
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


def strategies_stamp(round_: Round) -> str:
    """The submitted strategies of the round's year as they are now (each one's id and last
    change): the needs page's sections are drawn again when one is submitted, changed or
    withdrawn, since they count strategies beside the released figures."""
    rows = (
        MembershipStrategy.objects.filter(
            cluster=round_.cluster, year=round_.opens_on.year, status=StrategyStatus.SUBMITTED
        )
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    return hashlib.blake2b(repr(list(rows)).encode(), digest_size=16).hexdigest()


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
    items: Cell[list[res.Comment]]


def free_texts(round_: Round, *, with_hidden: bool = False) -> list[TextGroup]:
    """The round's released free text per question, across its companies, from k texts or more
    (the read side in surveys decides; the texts were scrubbed and shuffled once, at release)."""
    return [
        TextGroup(
            question,
            res.free_texts(
                round=round_, round_company=None, question_key=question.key, with_hidden=with_hidden
            ),
        )
        for question in res.free_text_questions(round_)
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


def company_matrix(rn: res.CompanyCells, area_codes: list[str], threshold: Decimal) -> CompanyMatrix:
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
        pooled = res.pool_cell(rn, code)
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


def segments_stamp(round_: Round) -> str:
    """Which segment each company of the round is in: a company's size class, NACE section or
    region may change without any new answer, so segment figures are cached under this too."""
    rows = (
        RoundCompany.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "membership__size_class", "membership__nace_section", "membership__region")
    )
    return hashlib.blake2b(repr(list(rows)).encode(), digest_size=16).hexdigest()


def compute_figures(
    rn: res.CompanyCells,
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
    version = version or res.release_version(round_)
    companies = segments_stamp(round_) if segment or heat in SEGMENT_KINDS else ""
    key = res.round_cache_key(
        "needs", round_, version, k, threshold, segment, heat, companies, "|", *area_codes
    )
    figures = cache.get(key)
    if figures is None:
        rn = res.company_cells(round_, area_codes, k)
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
    chosen = paging.indexes if paging is not None else range(len(matrix.columns))
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


def needs_heatmap(round_: Round, kind: str, *, threshold: Decimal = DEFAULT_THRESHOLD) -> Heatmap:
    """A whole heatmap (every company, most needs first, or every segment) by the same route and
    cache as the needs page: the report's PDF and XLSX print what the page shows."""
    kind = kind if kind in SEGMENT_KINDS else "companies"
    areas = round_area_pairs(round_)
    figures = needs_figures(round_, [code for code, _name in areas], threshold=threshold, heat=kind)
    return _heatmap_of(figures, round_, areas, kind, None, HEAT_PAGE_SIZE)


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
    with_hidden_texts: bool = False,
) -> NeedsAnalysis:
    """The needs page's figures. The company heatmap has every company (in order of need) unless
    ``heat_page`` asks for one page of ``heat_per_page`` (HEAT_PAGE_SIZE) companies; the pooled
    column is on every page."""
    heat = heat if heat in SEGMENT_KINDS else "companies"
    areas = round_area_pairs(round)
    version = res.release_version(round)
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
    if compare is not None and not res.is_released(compare):
        compare = None  # only released rounds compare: an open one shows no figure
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
        texts=free_texts(round, with_hidden=with_hidden_texts),
        compare=compare,
        trend=trend_rows,
        respondents=res.count_cell(figures.respondents, figures.k),
    )
