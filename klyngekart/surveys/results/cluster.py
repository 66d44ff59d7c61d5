"""The cluster's results for a round: figures per area, the split by a segment question and the
company listing, under the k-rules set out in results.py (which holds the loading and the cached
round summary these are built from)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache

from klyngekart.core.privacy import Cell, k_threshold
from klyngekart.surveys.models import Question, Round, RoundCompany
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.core import (
    CACHE_SECONDS,
    AreaFigures,
    AreaRow,
    RoundData,
    RoundFigures,
    RoundSummary,
    SegmentResult,
    _area_shown_companies,
    _company_area_segment_parts,
    _company_segment_parts,
    _option_keys,
    _pooling,
    _segment_question,
    count_cell,
    figures_cell,
    load,
    rate_cell,
    remainder_ok,
    round_areas,
    round_cache_key,
    round_summary,
    visible_parts,
)
from klyngekart.surveys.results.release import release_version
from klyngekart.surveys.rounds.rates import audience_size


@dataclass(frozen=True)
class ListedCompany:
    """A round's company as the cluster's listing needs it, read as plain values: building 400
    RoundCompany and Company models per request cost 8 ms, these 1 ms."""

    pk: int  # the RoundCompany's
    company_id: int
    name: str
    invited_count: int
    completed_count: int
    employees: int | None
    open_link_enabled: bool

    @property
    def audience_size(self) -> int | None:
        """As RoundCompany.audience_size (surveys/rounds/rates.py)."""
        return audience_size(
            invited=self.invited_count, employees=self.employees, open_link=self.open_link_enabled
        )


@dataclass(frozen=True)
class CompanyListRow:
    round_company: ListedCompany
    n: Cell[int]
    response_rate: Cell[Decimal]


@dataclass(frozen=True)
class ClusterResults(RoundFigures):
    round: Round
    k: int
    n: Cell[int]
    areas: list[AreaRow]
    segments: list[SegmentResult]
    segment_question: Question | None
    pool_companies: int  # how many companies are in the pool (a count of companies, not answers)
    pool_n: Cell[int]
    # The round's companies (None when the caller said it shows none, as the API).
    listing: CompanyListing | None

    @property
    def companies(self) -> list[CompanyListRow]:
        return self.listing.rows if self.listing is not None else []


@dataclass(frozen=True)
class CompanyListing:
    """Every company of the round with its figures, the round's response rate and company count."""

    rows: list[CompanyListRow]
    response_rate: Cell[Decimal]
    company_count: int


# --- the split by a segment question ---------------------------------------------------------


def _cluster_segment_ok(
    data: RoundData,
    key: str,
    shown_groups: list[tuple[int, ...]],
    company_parts: dict[int, set[str]],
    k: int,
    code: str | None = None,
) -> bool:
    """Whether a cluster segment may be shown beside the company figures the same viewer sees.

    ``shown_groups``: companies (one id) and the pool (several) whose totals are shown. What they
    tell about the segment: a company's own segment figure when it is shown, and its whole total
    when everyone in it is in the segment (or nobody is). The part of the cluster segment that
    this does not cover, and the same for the rest of the cluster, must each be empty or reach k:
    otherwise "cluster segment minus what the companies show" isolates a few people."""

    def n(ids: tuple[int, ...], segment: str) -> int:
        if code is None:
            return sum(data.n(rc_id, segment) for rc_id in ids)
        return sum(data.area_n(rc_id, segment, code) for rc_id in ids)

    everyone_ids = tuple(data.company_ids)
    segment_total = n(everyone_ids, key)
    rest_total = n(everyone_ids, ALL) - segment_total
    known_in = known_out = 0
    for ids in shown_groups:
        inside, total = n(ids, key), n(ids, ALL)
        # Each shown company (or the pool) must split cleanly by the segment: nobody, everybody,
        # or at least k on both sides. Otherwise, when the cluster segment happens to lie inside
        # one company, "company figure minus cluster segment" isolates the few others in it.
        if 0 < inside < total and (inside < k or total - inside < k):
            return False
        if len(ids) == 1 and key in company_parts.get(ids[0], set()):
            known_in += inside
            known_out += total - inside
        elif inside == total:
            known_in += total
        elif inside == 0:
            known_out += total
    return remainder_ok(segment_total - known_in, k) and remainder_ok(rest_total - known_out, k)


# Per segment key shown: its count and, per area code, its figures (labels are added per request).
SegmentFigures = list[tuple[str, Cell[int], dict[str, Cell[AreaFigures]]]]


def _cluster_segments(data: RoundData, keys: list[str], area_codes: list[str], k: int) -> SegmentFigures:
    """The cluster's split by one segment question: which segments, and which of their areas, a
    cluster-team viewer may see beside the company figures (the rules in the module docstring)."""
    total = data.total()
    shown_ids, pooled_ids, _suppressed = _pooling(data, k)
    pool_n = sum(data.n(rc_id) for rc_id in pooled_ids)
    cluster_keys = visible_parts(total, {key: data.total(key) for key in keys}, k)
    company_parts = {rc_id: _company_segment_parts(data, rc_id, keys, k) for rc_id in shown_ids}
    groups = [(rc_id,) for rc_id in shown_ids] + ([tuple(pooled_ids)] if pool_n >= k else [])
    cluster_keys = {key for key in cluster_keys if _cluster_segment_ok(data, key, groups, company_parts, k)}
    if not cluster_keys:
        return []
    # What each area's rules need does not depend on the segment asked about: decide it once.
    per_area: dict[str, tuple[set[str], list[tuple[int, ...]], dict[int, set[str]]]] = {}
    for code in area_codes:
        area_total = data.area_total_row(ALL, code)[0]
        area_keys = visible_parts(
            area_total, {other: data.area_total_row(other, code)[0] for other in cluster_keys}, k
        )
        area_shown_ids = _area_shown_companies(data, code, shown_ids, k)
        area_parts = {
            rc_id: _company_area_segment_parts(data, rc_id, code, company_parts[rc_id], k)
            for rc_id in area_shown_ids
        }
        per_area[code] = (area_keys, [(rc_id,) for rc_id in area_shown_ids], area_parts)
    out: SegmentFigures = []
    for key in keys:
        if key not in cluster_keys:
            continue
        cells: dict[str, Cell[AreaFigures]] = {}
        for code in area_codes:
            area_keys, area_groups, area_parts = per_area[code]
            allowed = key in area_keys and _cluster_segment_ok(
                data, key, area_groups, area_parts, k, code=code
            )
            cells[code] = figures_cell(data.area_total(key, code), k, allowed=allowed)
        out.append((key, count_cell(data.total(key), k), cells))
    return out


def cluster_segments(
    round_: Round, question: Question, area_codes: list[str], k: int, version: str
) -> SegmentFigures:
    """``_cluster_segments`` for a round, from the cache while the aggregates are unchanged."""
    keys = [key for key, _label in _option_keys(question)]
    key = round_cache_key("segments", round_, version, k, question.pk, question.key, *keys, "|", *area_codes)
    figures = cache.get(key)
    if figures is None:
        figures = _cluster_segments(load(round_, question), keys, area_codes, k)
        cache.set(key, figures, CACHE_SECONDS)
    return figures  # type: ignore[no-any-return]


def listed_companies(round_: Round) -> list[ListedCompany]:
    """The round's companies for the listing, in the listing's order."""
    rows = RoundCompany.objects.filter(round=round_).values_list(
        "pk",
        "company_id",
        "membership__name",
        "invited_count",
        "completed_count",
        "membership__employees",
        "open_link_enabled",
    )
    return [ListedCompany(*row) for row in rows]


def company_listing(round_: Round, summary: RoundSummary, k: int) -> CompanyListing:
    """The round's companies for the cluster's listing: figures only for those the summary shows."""
    companies = listed_companies(round_)
    rows = []
    for company in companies:
        if company.pk in summary.shown:
            n = summary.n(company.pk)
            rows.append(CompanyListRow(company, count_cell(n, k), rate_cell([company], n, k)))
        else:
            rows.append(CompanyListRow(company, Cell.hidden(), Cell.hidden()))
    return CompanyListing(rows, rate_cell(companies, summary.total, k), len(companies))


def cluster_results(
    *,
    round: Round,  # noqa: A002
    segment_question: str | None = None,
    with_companies: bool = True,
) -> ClusterResults:
    """The cluster's figures for a round under the k rules; ``with_companies=False`` leaves out the
    company listing (400 rows read and judged for a caller that shows none, as the API)."""
    k = k_threshold(round.cluster)
    question = _segment_question(round, segment_question)
    version = release_version(round)
    summary = round_summary(round, k, version)
    areas = round_areas(round)
    total = summary.total
    n_cell = count_cell(total, k)
    pool_n = summary.pool_n
    rows = [
        AreaRow(
            area.code,
            area.name,
            figures_cell(summary.area_total(area.code), k, allowed=not n_cell.suppressed),
        )
        for area in areas
    ]
    segments: list[SegmentResult] = []
    options = _option_keys(question)
    if question is not None and options and not n_cell.suppressed:
        shown = {
            key: (n, cells)
            for key, n, cells in cluster_segments(round, question, [area.code for area in areas], k, version)
        }
        for key, label in options:
            if key not in shown:
                segments.append(SegmentResult(key, label, Cell.hidden(), []))
                continue
            n_segment, cells = shown[key]
            seg_rows = [AreaRow(area.code, area.name, cells.get(area.code, Cell.hidden())) for area in areas]
            segments.append(SegmentResult(key, label, n_segment, seg_rows))
    return ClusterResults(
        round=round,
        k=k,
        n=n_cell,
        areas=rows,
        segments=segments,
        segment_question=question,
        pool_companies=len(summary.pooled) if pool_n >= k else 0,
        pool_n=count_cell(pool_n, k),
        listing=company_listing(round, summary, k) if with_companies else None,
    )
