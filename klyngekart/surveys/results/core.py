"""Results of a mapping round, for a company and for the cluster, read from the running aggregates.

Every figure leaves this module as a ``privacy.Cell`` (or inside a result that is marked
suppressed), decided by the rules in klyngekart/core/privacy.py. The rules, as applied here:

- a company's figures need k respondents, and each area's figures k answers for that area;
- a company page shows the cluster average beside the company's own figures only when the rest of
  the cluster (cluster minus the viewer's own companies) is empty or reaches k, so "cluster minus
  mine" never isolates a small group;
- for the cluster team, who can open every company's results, companies are pooled with
  ``pool_small_groups`` first: a company that the pool had to absorb is not shown on its own,
  so "cluster minus every company shown" is always empty or at least k;
- segments (answers to a segment question, e.g. role group) are shown only where each segment and
  the rest of its parent reach k, and what remains after all shown segments of one question is
  empty or reaches k (``visible_parts``): with three segments, two shown ones could otherwise be
  subtracted from the whole to reveal the third;
- a cluster segment is shown only if the part of it that no company view shows, and the rest of
  that part, are each empty or at least k;
- free text only through ``shuffled_texts``, from at least k answers (results_questions.py).

This module holds the rules, the loading, the cached round summary and a company's results; the
cluster's results and their segment rules are in results_cluster.py.

Dashboards read aggregates only. The one raw read is free text, which has no aggregate.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.core.privacy import (
    Cell,
    Group,
    Moments,
    k_threshold,
    pool_small_groups,
    segment_visible,
)
from klyngekart.members.validators import normalise_org_number
from klyngekart.surveys.models import (
    AreaAggregate,
    Question,
    QuestionType,
    Round,
    RoundCompany,
    RoundStatus,
    SegmentCount,
)
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.release import release_version
from klyngekart.surveys.rounds.rates import Audience, response_rate
from klyngekart.taxonomy.models import CompetenceArea

REST = "\x00rest"
DECIMALS = 2


# --- the arithmetic of the k-rules -------------------------------------------------------------


def remainder_ok(n: int, k: int) -> bool:
    """A group that can be derived by subtraction may be empty or at least k, never in between."""
    return n == 0 or n >= k


def visible_parts(total: int, parts: dict[str, int], k: int) -> set[str]:
    """Which parts (segments) of a group of ``total`` may be shown.

    Each shown part and the rest of the group reach k (``segment_visible``), and whatever is left
    once every shown part is taken away is empty or reaches k. The leftover joins the parts as
    one more group in ``pool_small_groups``, which moves the smallest parts into the hidden pool
    until that pool reaches k."""
    if total <= 0:
        return set()
    leftover = total - sum(parts.values())
    groups: list[Group[None]] = [Group(key, n, None) for key, n in parts.items() if n > 0]
    if leftover > 0:
        groups.append(Group(REST, leftover, None))
    pooled = pool_small_groups(groups, k)
    shown = {group.key for group in pooled.shown if group.key != REST}
    return {key for key in shown if segment_visible(parts[key], total, k)}


def round_value(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


@dataclass(frozen=True)
class AreaSums:
    """The running sums of one area for one group, added up like the aggregates themselves."""

    importance: Moments = Moments()
    level: Moments = Moments()
    gap: Moments = Moments()

    @property
    def n(self) -> int:
        return self.gap.n

    def __add__(self, other: AreaSums) -> AreaSums:
        return AreaSums(self.importance + other.importance, self.level + other.level, self.gap + other.gap)

    def __sub__(self, other: AreaSums) -> AreaSums:
        def minus(a: Moments, b: Moments) -> Moments:
            return Moments(a.n - b.n, a.total - b.total, a.total_sq - b.total_sq)

        return AreaSums(
            minus(self.importance, other.importance),
            minus(self.level, other.level),
            minus(self.gap, other.gap),
        )


@dataclass(frozen=True)
class AreaFigures:
    importance_mean: float | None
    importance_sd: float | None
    level_mean: float | None
    level_sd: float | None
    gap_mean: float | None
    gap_sd: float | None

    @classmethod
    def of(cls, sums: AreaSums) -> AreaFigures:
        return cls(
            round_value(sums.importance.mean),
            round_value(sums.importance.sd),
            round_value(sums.level.mean),
            round_value(sums.level.sd),
            round_value(sums.gap.mean),
            round_value(sums.gap.sd),
        )


def figures_cell(sums: AreaSums, k: int, *, allowed: bool = True) -> Cell[AreaFigures]:
    if not allowed or sums.n < k:
        return Cell.hidden()
    return Cell(suppressed=False, value=AreaFigures.of(sums), n=sums.n)


def count_cell(n: int, k: int, *, allowed: bool = True) -> Cell[int]:
    if not allowed or n < k:
        return Cell.hidden()
    return Cell(suppressed=False, value=n, n=n)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    figures: Cell[AreaFigures]
    cluster: Cell[AreaFigures] = field(default_factory=Cell.hidden)


@dataclass(frozen=True)
class SegmentResult:
    key: str  # "<question_key>=<option_key>"
    label: str
    n: Cell[int]
    areas: list[AreaRow]

    @property
    def suppressed(self) -> bool:
        return self.n.suppressed


class RoundFigures:
    """What a company's and the cluster's results share: suppressed as a whole when ``n`` is,
    and their areas ranked by gap."""

    n: Cell[int]
    areas: list[AreaRow]

    @property
    def suppressed(self) -> bool:
        return self.n.suppressed

    @property
    def ranked_areas(self) -> list[AreaRow]:
        return rank_areas(self.areas)


@dataclass(frozen=True)
class CompanyResults(RoundFigures):
    round: Round
    round_company: RoundCompany
    k: int
    n: Cell[int]
    areas: list[AreaRow]
    segments: list[SegmentResult]
    segment_question: Question | None
    cluster_shown: bool
    # Shown to the cluster team only with the cross-company pooling; see company_results.
    pooled: bool = False
    response_rate: Cell[Decimal] = field(default_factory=Cell.hidden)


def rank_areas(areas: list[AreaRow]) -> list[AreaRow]:
    """Areas by mean gap, largest first; hidden areas last, in taxonomy order."""
    shown = [row for row in areas if not row.figures.suppressed]
    hidden = [row for row in areas if row.figures.suppressed]
    shown.sort(key=lambda row: -(row.figures.value.gap_mean or 0))  # type: ignore[union-attr]
    return shown + hidden


# --- the doors ---------------------------------------------------------------------------------


def mapping_round_filter() -> Exists:
    """True for a round whose survey asks for competence gaps: a mapping round. A member survey
    or a pulse check measures no gap; its figures have their own pages (memberservices)."""
    return Exists(
        Question.objects.filter(version_id=OuterRef("survey_version_id"), type=QuestionType.GAP_MATRIX)
    )


def results_rounds(*, access: ClusterAccess) -> QuerySet[Round]:
    """Mapping rounds with results to look at: opened at some point, newest first; a company role
    sees only rounds its companies take part in. The results, needs and report pages and the
    home's next steps list these, so a member survey released later never takes a mapping round's
    place as "the latest results"."""
    rounds = (
        Round.objects.filter(cluster=access.cluster)
        .exclude(status=RoundStatus.DRAFT)
        .filter(mapping_round_filter())
    )
    if access.is_company_role:
        rounds = rounds.filter(companies__company_id__in=access.company_ids).distinct()
    return rounds.select_related("cluster").order_by("-opens_on", "-id")


def access_results_round(access: ClusterAccess, pk: int) -> Round:
    """A round of the access's cluster; the same 404 for missing, foreign and, for a company
    role, a round its companies are not in. (A draft has no answers, so all of it is hidden.)"""
    round_ = Round.objects.filter(cluster=access.cluster, pk=pk).select_related("cluster").first()
    if (
        round_ is not None
        and access.is_company_role
        and not round_.companies.filter(company_id__in=access.company_ids).exists()
    ):
        round_ = None
    if round_ is None:
        raise Http404("No such round")
    return round_


def access_results_company(access: ClusterAccess, round_id: int, pk: int) -> RoundCompany:
    """A company's part in a round, for "results.company": a company role reaches only its own
    companies; missing, foreign and not-yours are the same 404."""
    round_ = access_results_round(access, round_id)
    part = (
        RoundCompany.objects.filter(round=round_, pk=pk)
        .select_related("company", "membership", "round__cluster")
        .first()
    )
    if part is None or (access.is_company_role and part.company_id not in access.company_ids):
        raise Http404("No such company in this round")
    if not access.can("results.company"):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return part


def access_results_company_by_org_number(
    access: ClusterAccess, round_: Round, org_number: str
) -> RoundCompany:
    digits = normalise_org_number(org_number)
    part = (
        RoundCompany.objects.filter(round=round_, company__org_number=digits)
        .select_related("company", "membership", "round__cluster")
        .first()
        if digits
        else None
    )
    if part is None or (access.is_company_role and part.company_id not in access.company_ids):
        raise Http404("No such company in this round")
    return part


def viewer_companies(access: ClusterAccess) -> set[int] | None:
    """What company_results needs to know of the viewer: a company role's companies, or None for
    the cluster team (who may open every company and so get the cross-company pooling)."""
    return set(access.company_ids) if access.is_company_role else None


# --- loading the aggregates of a round ----------------------------------------------------------


def round_areas(round_: Round) -> list[CompetenceArea]:
    """The visible areas of the taxonomy version the round pinned, from the cache after the first
    read. Safe without invalidation: a pinned version's areas never change (edits copy it first,
    and taxonomy.services.taxonomy_to_pin pins under the taxonomy lock). Reading 40 areas through
    the ORM costs 2-3 ms per request; the cache, a tenth of that."""
    key = round_cache_key("areas", round_, f"taxonomy-{round_.taxonomy_version_id}")
    areas = cache.get(key)
    if areas is None:
        areas = list(CompetenceArea.objects.filter(version_id=round_.taxonomy_version_id, hidden=False))
        cache.set(key, areas, CACHE_SECONDS)
    return areas  # type: ignore[no-any-return]


def segment_questions(round_: Round) -> list[Question]:
    return list(
        Question.objects.filter(
            version_id=round_.survey_version_id, is_segment=True, type=QuestionType.SINGLE
        )
    )


def _segment_question(round_: Round, key: str | None) -> Question | None:
    if not key:
        return None
    return Question.objects.filter(
        version_id=round_.survey_version_id, key=key, is_segment=True, type=QuestionType.SINGLE
    ).first()


def _segment_filter(question: Question | None) -> Q:
    wanted = Q(segment=ALL)
    if question is not None:
        wanted |= Q(segment__startswith=f"{question.key}=")
    return wanted


# The stored sums of one area and group, in the order ``load`` reads them.
AREA_COLUMNS = (
    "n",
    "sum_importance",
    "sumsq_importance",
    "sum_level",
    "sumsq_level",
    "sum_gap",
    "sumsq_gap",
)
SumsRow = tuple[int, int, int, int, int, int, int]
NO_SUMS: SumsRow = (0, 0, 0, 0, 0, 0, 0)


def sums_of(row: SumsRow | None) -> AreaSums:
    """An ``AreaSums`` from the plain tuple the loader and the cache keep."""
    if row is None:
        return AreaSums()
    n, s_imp, q_imp, s_lvl, q_lvl, s_gap, q_gap = row
    return AreaSums(
        Moments(n, float(s_imp), float(q_imp)),
        Moments(n, float(s_lvl), float(q_lvl)),
        Moments(n, float(s_gap), float(q_gap)),
    )


def add_rows(rows: Iterable[SumsRow]) -> SumsRow:
    """Column-wise sum of sums tuples (integers, so exact in any order)."""
    n = s_imp = q_imp = s_lvl = q_lvl = s_gap = q_gap = 0
    for a, b, c, d, e, f, g in rows:
        n += a
        s_imp += b
        q_imp += c
        s_lvl += d
        q_lvl += e
        s_gap += f
        q_gap += g
    return (n, s_imp, q_imp, s_lvl, q_lvl, s_gap, q_gap)


@dataclass
class RoundData:
    """The aggregates of one round (or of some of its companies) that a view needs, read in two
    queries. ``areas`` keeps the stored integer sums as plain tuples (``AREA_COLUMNS``); totals
    and per-area counts are computed once, on first use."""

    counts: dict[tuple[int, str], int]
    areas: dict[tuple[int, str, str], SumsRow]
    company_ids: list[int]
    _totals: dict[tuple[str, str], SumsRow] | None = field(default=None, repr=False)
    _area_ns: dict[tuple[str, str], dict[int, int]] | None = field(default=None, repr=False)

    def n(self, rc_id: int, segment: str = ALL) -> int:
        return self.counts.get((rc_id, segment), 0)

    def area(self, rc_id: int, segment: str, code: str) -> AreaSums:
        return sums_of(self.areas.get((rc_id, segment, code)))

    def area_n(self, rc_id: int, segment: str, code: str) -> int:
        row = self.areas.get((rc_id, segment, code))
        return row[0] if row is not None else 0

    def total(self, segment: str = ALL) -> int:
        return sum(self.n(rc_id, segment) for rc_id in self.company_ids)

    def _index(self) -> None:
        members = set(self.company_ids)
        grouped: dict[tuple[str, str], list[SumsRow]] = {}
        area_ns: dict[tuple[str, str], dict[int, int]] = {}
        for (rc_id, segment, code), row in self.areas.items():
            if rc_id not in members:
                continue
            grouped.setdefault((segment, code), []).append(row)
            area_ns.setdefault((segment, code), {})[rc_id] = row[0]
        self._totals = {key: add_rows(rows) for key, rows in grouped.items()}
        self._area_ns = area_ns

    def area_total_row(self, segment: str, code: str) -> SumsRow:
        if self._totals is None:
            self._index()
        return self._totals.get((segment, code), NO_SUMS)  # type: ignore[union-attr]

    def area_total(self, segment: str, code: str) -> AreaSums:
        return sums_of(self.area_total_row(segment, code))

    def area_ns(self, segment: str, code: str) -> dict[int, int]:
        """Per company with a stored row, its answers for the area (segment "" is everyone)."""
        if self._area_ns is None:
            self._index()
        return self._area_ns.get((segment, code), {})  # type: ignore[union-attr]


def load(round_: Round, question: Question | None, company_ids: Iterable[int] | None = None) -> RoundData:
    """The round's counts and area sums for everyone and ``question``'s segments; with
    ``company_ids`` only those companies' rows (a company page needs no one else's)."""
    wanted = _segment_filter(question)
    companies = RoundCompany.objects.filter(round=round_)
    counts_qs = SegmentCount.objects.filter(wanted, round=round_)
    areas_qs = AreaAggregate.objects.filter(wanted, round=round_)
    if company_ids is not None:
        # (Keep the round in the filter: with several ids, SQLite's planner otherwise picks the
        # cluster's index, every round of the cluster; with one id it uses the company's.)
        ids = sorted(set(company_ids))
        companies = companies.filter(pk__in=ids)
        counts_qs = counts_qs.filter(round_company_id__in=ids)
        areas_qs = areas_qs.filter(round_company_id__in=ids)
    counts = {
        (rc_id, segment): n
        for rc_id, segment, n in counts_qs.values_list("round_company_id", "segment", "n").iterator(
            chunk_size=5000
        )
    }
    areas: dict[tuple[int, str, str], SumsRow] = {}
    for rc_id, segment, code, *sums in areas_qs.values_list(
        "round_company_id", "segment", "area_code", *AREA_COLUMNS
    ).iterator(chunk_size=5000):
        areas[(rc_id, segment, code)] = tuple(sums)  # type: ignore[assignment]
    return RoundData(counts=counts, areas=areas, company_ids=list(companies.values_list("id", flat=True)))


# --- who may be shown in a cross-company view -------------------------------------------------


def _pooling(data: RoundData, k: int) -> tuple[set[int], list[int], list[int]]:
    """(shown companies, pooled companies, suppressed companies) by respondents."""
    groups = [Group(str(rc_id), data.n(rc_id), rc_id) for rc_id in data.company_ids if data.n(rc_id) > 0]
    pooled = pool_small_groups(groups, k)
    return (
        {group.data for group in pooled.shown},
        [group.data for group in pooled.pooled],
        [group.data for group in pooled.suppressed],
    )


def _area_shown_companies(data: RoundData, code: str, candidates: set[int], k: int) -> set[int]:
    """Companies whose figures for one area a cross-company viewer may see: the same pooling,
    by the area's answers, among the companies shown by respondents."""
    groups = [Group(str(rc_id), n, rc_id) for rc_id, n in data.area_ns(ALL, code).items() if n > 0]
    pooled = pool_small_groups(groups, k)
    return {group.data for group in pooled.shown} & candidates


def _company_segment_parts(data: RoundData, rc_id: int, keys: Sequence[str], k: int) -> set[str]:
    return visible_parts(data.n(rc_id), {key: data.n(rc_id, key) for key in keys}, k)


def _company_area_segment_parts(
    data: RoundData, rc_id: int, code: str, shown_keys: Iterable[str], k: int
) -> set[str]:
    total = data.area_n(rc_id, ALL, code)
    return visible_parts(total, {key: data.area_n(rc_id, key, code) for key in shown_keys}, k)


def _option_keys(question: Question | None) -> list[tuple[str, str]]:
    if question is None:
        return []
    return [
        (f"{question.key}={option['key']}", question.option_label(option["key"]))
        for option in question.options
    ]


# --- what the cross-company rules decide for a round, cached by the aggregates' version -------

# Bump when the shape of a cached value changes, so a deploy never reads an older shape.
CACHE_SCHEMA = "1"
CACHE_SECONDS = 24 * 60 * 60


def round_cache_key(kind: str, round_: Round, version: str, *parts: object) -> str:
    """A cache key for a figure derived from ``round_``'s aggregates at ``version``.

    It names the cluster, the round (with its creation time, so a reused id never meets an old
    entry), the aggregates' version and everything else the caller's figures depend on (k, the
    segment question, a threshold ...). Hashed: the parts may be long and hold any characters."""
    created = round_.created_at.isoformat() if getattr(round_, "created_at", None) else ""
    raw = "\x1f".join(
        str(part) for part in (CACHE_SCHEMA, kind, round_.cluster_id, round_.pk, created, version, *parts)
    )
    return f"kk:{kind}:{hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()}"


@dataclass(frozen=True)
class RoundSummary:
    """What the cross-company rules decide for a round (everyone, no segments), and the few sums
    every results page needs. Small, plain and picklable: it is what gets cached.

    ``area_hidden``: per area code, the companies shown by respondents whose figures for that
    area the per-area pooling hides. ``area_n``: per area code, each company's answers, in
    ``company_ids`` order (an array keeps 400 companies x 40 areas in 64 KB)."""

    k: int
    company_ids: tuple[int, ...]
    company_n: dict[int, int]
    shown: frozenset[int]
    pooled: tuple[int, ...]
    area_totals: dict[str, SumsRow]
    area_hidden: dict[str, frozenset[int]]
    area_n: dict[str, array]

    @property
    def total(self) -> int:
        return sum(self.company_n.values())

    @property
    def pool_n(self) -> int:
        return sum(self.company_n.get(rc_id, 0) for rc_id in self.pooled)

    def n(self, rc_id: int) -> int:
        return self.company_n.get(rc_id, 0)

    def area_total(self, code: str) -> AreaSums:
        return sums_of(self.area_totals.get(code))

    def area_shown(self, rc_id: int, code: str) -> bool:
        """Whether a cross-company viewer may see ``rc_id``'s figures for the area."""
        return rc_id in self.shown and rc_id not in self.area_hidden.get(code, frozenset())

    def company_area_n(self, rc_id: int, code: str) -> int:
        counts = self.area_n.get(code)
        if counts is None:
            return 0
        try:
            return int(counts[self.company_ids.index(rc_id)])
        except ValueError:
            return 0


def summarise(data: RoundData, k: int) -> RoundSummary:
    """The summary of a round's data, decided by ``_pooling`` and ``_area_shown_companies``
    (pool_small_groups in core/privacy.py): the cache holds their output, nothing else."""
    shown, pooled, _suppressed = _pooling(data, k)
    codes = sorted({code for (_rc, segment, code) in data.areas if segment == ALL})
    company_ids = tuple(data.company_ids)
    area_n: dict[str, array] = {}
    for code in codes:
        by_company = data.area_ns(ALL, code)
        area_n[code] = array("l", (by_company.get(rc_id, 0) for rc_id in company_ids))
    return RoundSummary(
        k=k,
        company_ids=company_ids,
        company_n={rc_id: data.n(rc_id) for rc_id in company_ids if data.n(rc_id)},
        shown=frozenset(shown),
        pooled=tuple(pooled),
        area_totals={code: data.area_total_row(ALL, code) for code in codes},
        area_hidden={code: frozenset(shown - _area_shown_companies(data, code, shown, k)) for code in codes},
        area_n=area_n,
    )


def round_summary(round_: Round, k: int, version: str | None = None) -> RoundSummary:
    """The round's summary, from the cache when the aggregates have not changed since."""
    version = version or release_version(round_)
    key = round_cache_key("summary", round_, version, k)
    summary = cache.get(key)
    if summary is None:
        summary = summarise(load(round_, None), k)
        cache.set(key, summary, CACHE_SECONDS)
    return summary  # type: ignore[no-any-return]


# --- company results ----------------------------------------------------------------------------


def company_results(
    *,
    round: Round,  # noqa: A002 - the brief's keyword
    round_company: RoundCompany,
    segment_question: str | None = None,
    viewer_company_ids: Iterable[int] | None = None,
) -> CompanyResults:
    """One company's results in a round.

    ``viewer_company_ids``: the companies of a company contact (who sees only its own). ``None``
    means a cluster-team viewer, who can open every company's results: the company is then shown
    only if the cross-company pooling shows it.

    The cross-company decisions and the cluster's sums come from the round's summary (cached by
    the release's name); only the viewer's own companies' rows are read. Raises NotReleased before
    the round's results are released."""
    k = k_threshold(round.cluster)
    question = _segment_question(round, segment_question)
    summary = round_summary(round, k)
    areas = round_areas(round)
    rc_id = round_company.pk
    cross_company = viewer_company_ids is None
    if cross_company:
        own_ids = {rc_id}
    else:
        company_ids = set(viewer_company_ids or ())
        own_ids = set(
            RoundCompany.objects.filter(round=round, company_id__in=company_ids).values_list("id", flat=True)
        ) | {rc_id}
    # A release never changes, so the (cached) summary and the rows read now always agree.
    own = load(round, question, company_ids=own_ids)
    n = summary.n(rc_id)
    pooled = False
    if cross_company:
        allowed = rc_id in summary.shown
        pooled = n >= k and not allowed
    else:
        allowed = True
    n_cell = count_cell(n, k, allowed=allowed)
    if n_cell.suppressed:
        return CompanyResults(
            round=round,
            round_company=round_company,
            k=k,
            n=n_cell,
            areas=[AreaRow(area.code, area.name, Cell.hidden()) for area in areas],
            segments=[],
            segment_question=question,
            cluster_shown=False,
            pooled=pooled,
        )
    # The cluster beside the company: "cluster minus the viewer's companies" must not isolate anyone.
    total = summary.total
    cluster_rest = total - sum(summary.n(other) for other in own_ids)
    cluster_shown = total >= k and remainder_ok(cluster_rest, k)
    rows = []
    area_allowed: dict[str, bool] = {}
    for area in areas:
        mine = own.area(rc_id, ALL, area.code)
        allowed_here = summary.area_shown(rc_id, area.code) if cross_company else True
        area_allowed[area.code] = allowed_here
        cluster_sums = summary.area_total(area.code)
        rest = cluster_sums.n - sum(summary.company_area_n(other, area.code) for other in own_ids)
        rows.append(
            AreaRow(
                area.code,
                area.name,
                figures_cell(mine, k, allowed=allowed_here),
                figures_cell(cluster_sums, k, allowed=cluster_shown and remainder_ok(rest, k)),
            )
        )
    segments = []
    options = _option_keys(question)
    # A company's split by segment is for its own contact only. The cluster team also sees the
    # cluster's split; a company's segments next to it could be subtracted across the two tables
    # (cluster total - cluster segment - company segment) down to one person, which the per-table
    # rules cannot see (found by the property test in test_results_privacy).
    shown_keys = (
        set() if cross_company else _company_segment_parts(own, rc_id, [key for key, _label in options], k)
    )
    for key, label in options:
        if key not in shown_keys:
            segments.append(SegmentResult(key, label, Cell.hidden(), []))
            continue
        seg_rows = []
        for area in areas:
            # The company's own figure for the area must be shown too: segments that add up to
            # it would otherwise reveal it.
            area_keys = _company_area_segment_parts(own, rc_id, area.code, shown_keys, k)
            allowed = area_allowed[area.code] and key in area_keys
            seg_rows.append(
                AreaRow(
                    area.code, area.name, figures_cell(own.area(rc_id, key, area.code), k, allowed=allowed)
                )
            )
        segments.append(SegmentResult(key, label, count_cell(own.n(rc_id, key), k), seg_rows))
    return CompanyResults(
        round=round,
        round_company=round_company,
        k=k,
        n=n_cell,
        areas=rows,
        segments=segments,
        segment_question=question,
        cluster_shown=cluster_shown,
        pooled=pooled,
        response_rate=rate_cell([round_company], n, k),
    )


# --- response rates ------------------------------------------------------------------------------


def rate_cell(companies: Sequence[Audience], n: int, k: int) -> Cell[Decimal]:
    rate = response_rate(companies)
    if rate is None or n < k:
        return Cell.hidden()
    return Cell(suppressed=False, value=rate, n=n)


def hidden_reason(k: int) -> str:
    return _("Fewer than %(k)s answers: hidden to protect anonymity.") % {"k": k}
