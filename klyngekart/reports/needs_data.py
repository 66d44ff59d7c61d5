"""What the cluster's needs report prints, as one typed value.

The PDF and the XLSX builders read only a ``NeedsReportData``; ``needs_report_data`` fills it from
the needs analysis selectors (klyngekart/needs/analysis.py) and the measures' cost sharing
(klyngekart/measures/costs.py), which have already applied the k rules. A figure that may not be
shown is ``None`` here, so the builders can only write "hidden" for it: no builder ever sees a
number from a group below k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klyngekart.core.models import Cluster
from klyngekart.measures.selectors import measure_costs, measure_list
from klyngekart.needs import analysis
from klyngekart.needs.selectors import area_names
from klyngekart.surveys import results as res
from klyngekart.surveys.models import Round, RoundStatus


class NotEnoughAnswers(Exception):
    """The round has too few answers in the cluster for any figure (cluster n < k)."""


@dataclass(frozen=True)
class RankingRow:
    code: str
    name: str
    breadth: int
    breadth_share: Decimal | None
    depth: Decimal | None
    priority: Decimal | None
    respondents: int | None
    strategy_priority_count: int


@dataclass(frozen=True)
class HeatmapRow:
    label: str
    # Mean gap per column (same order as Heatmap.columns); None = hidden (group below k).
    cells: list[Decimal | None]


@dataclass(frozen=True)
class Heatmap:
    title: str
    columns: list[str]
    rows: list[HeatmapRow]
    kind: str = ""  # "companies" or a segment kind ("size", "nace", "region")
    # Per column (same order as ``columns``): True for the pooled companies' column.
    pooled: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class StrategyRow:
    name: str
    strategy_count: int
    depth: Decimal | None
    agreement: str


@dataclass(frozen=True)
class TextGroup:
    question: str
    items: list[str] | None  # None: fewer than k answers, so none is shown


@dataclass(frozen=True)
class TrendRow:
    name: str
    values: list[Decimal | None]
    change: Decimal | None


@dataclass(frozen=True)
class CostRow:
    company: str
    participants: int
    shared: Decimal
    alone: Decimal
    saving: Decimal


@dataclass(frozen=True)
class MeasureSummary:
    title: str
    status: str
    format: str
    areas: list[str]
    fixed_cost: Decimal
    cost_per_participant: Decimal
    funding_share: Decimal
    costs: list[CostRow]
    total_shared: Decimal
    total_saving: Decimal


@dataclass(frozen=True)
class NeedsReportData:
    cluster: str
    round_title: str
    k: int
    threshold: Decimal
    companies_invited: int
    companies_answered: int
    respondents: int
    response_rate: Decimal | None
    ranking: list[RankingRow]
    heatmaps: list[Heatmap]
    strategies: list[StrategyRow]
    texts: list[TextGroup]
    trend_rounds: list[str]
    trend: list[TrendRow]
    measures: list[MeasureSummary] = field(default_factory=list)


HEATMAP_TITLES = {
    "companies": gettext_lazy("By company"),
    "size": gettext_lazy("By size class"),
    "nace": gettext_lazy("By industry (NACE section)"),
    "region": gettext_lazy("By region"),
}
# Measures that are on the table: not a bare idea, not given up, not over.
REPORTED_STATUSES = ("proposed", "planned", "running")


def _previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(cluster=round_.cluster, opens_on__lt=round_.opens_on)
        .exclude(status=RoundStatus.DRAFT)
        .order_by("-opens_on", "-id")
        .first()
    )


def _agreement(row: analysis.StrategyComparison) -> str:
    if row.disagree:
        if row.strategy_rank is not None and (row.employee_rank is None or row.employee_rank > analysis.TOP):
            return str(_("Strategies rank it higher than the employees"))
        return str(_("Employees rank it higher than the strategies"))
    if row.strategy_rank is None or row.employee_rank is None:
        return ""
    return str(_("In line"))


def _measures(round_: Round, names: dict[str, str]) -> list[MeasureSummary]:
    summaries = []
    # A measure may name an area the round did not ask about: its name still, never its code.
    every_name = {**area_names(round_.cluster), **names}
    for measure in measure_list():
        if measure.status not in REPORTED_STATUSES:
            continue
        if measure.source_round_id != round_.pk and not set(measure.areas) & names.keys():
            continue
        costs = measure_costs(measure)
        companies = {str(i.membership_id): i.membership.name for i in costs.interests}
        summaries.append(
            MeasureSummary(
                title=measure.title,
                status=str(measure.get_status_display()),
                format=str(measure.get_format_display()),
                areas=[every_name.get(code, code) for code in measure.areas],
                fixed_cost=measure.fixed_cost,
                cost_per_participant=measure.cost_per_participant,
                funding_share=measure.funding_share,
                costs=[
                    CostRow(
                        company=companies[row.key],
                        participants=row.participants,
                        shared=row.shared,
                        alone=row.alone,
                        saving=row.saving,
                    )
                    for row in costs.table.rows
                ],
                total_shared=costs.table.shared,
                total_saving=costs.table.saving,
            )
        )
    return summaries


def needs_report_data(*, cluster: Cluster, round: Round, language: str) -> NeedsReportData:  # noqa: A002
    """The report's figures for ``round`` in the active language (the caller overrides it with
    ``language``), read from the needs analysis and the measures' cost sharing. Raises
    NotEnoughAnswers when the cluster as a whole has fewer than k answers."""
    with translation.override(language):
        previous = _previous_round(round)
        result = analysis.needs_analysis(round=round, compare=previous)
        if result.respondents.suppressed or result.respondents.value is None:
            raise NotEnoughAnswers(
                _(
                    "The round “%(round)s” has fewer than %(k)s answers in the cluster, so a report would "
                    "show nothing. Wait for more answers."
                )
                % {"round": round.title, "k": result.k}
            )
        areas = analysis.round_area_pairs(round)
        names = dict(areas)
        heatmaps = []
        for kind, title in HEATMAP_TITLES.items():
            # The same route (and cache) as the needs page, so the report prints what it shows.
            heat = analysis.needs_heatmap(round, kind, threshold=result.threshold)
            if not heat.columns:
                continue
            heatmaps.append(
                Heatmap(
                    title=str(title),
                    kind=kind,
                    columns=[column.label for column in heat.columns],
                    pooled=[column.pooled for column in heat.columns],
                    rows=[
                        HeatmapRow(
                            label=row.name, cells=[None if c.suppressed else c.value for c in row.cells]
                        )
                        for row in heat.rows
                    ],
                )
            )
        depth = {row.code: row.depth for row in result.ranking}
        summary = res.round_summary(round, result.k)
        listing = res.company_listing(round, summary, result.k)
        return NeedsReportData(
            cluster=cluster.name,
            round_title=round.title,
            k=result.k,
            threshold=result.threshold,
            companies_invited=listing.company_count,
            companies_answered=len(summary.company_n),
            respondents=result.respondents.value,
            response_rate=listing.response_rate.value,
            ranking=[
                RankingRow(
                    code=row.code,
                    name=row.name,
                    breadth=row.breadth,
                    breadth_share=row.breadth_share,
                    depth=row.depth,
                    priority=row.priority,
                    respondents=row.respondents,
                    strategy_priority_count=row.strategy_priority_count,
                )
                for row in result.ranking
            ],
            heatmaps=heatmaps,
            strategies=[
                StrategyRow(
                    name=row.name,
                    strategy_count=row.strategy_count,
                    depth=depth.get(row.code),
                    agreement=_agreement(row),
                )
                for row in result.strategies
                # Areas no strategy names and the employees do not rank high say nothing here.
                if row.strategy_count or row.disagree
            ],
            texts=[
                TextGroup(
                    question=group.question.text(),
                    items=None if group.items.suppressed else [item.text for item in group.items.value or []],
                )
                for group in result.texts
            ],
            trend_rounds=[previous.title, round.title] if previous else [],
            trend=[
                TrendRow(name=row.name, values=[row.depth_then, row.depth_now], change=row.depth_change)
                for row in result.trend
            ],
            measures=_measures(round, names),
        )
