"""The cluster's needs report of a round, as a PDF (typst) and as an XLSX workbook.

Both read a ``NeedsReportData`` (needs_data.py), in which every figure the k rules hide is
already ``None``: the builders write "hidden" for it and cannot print a number from a group below
k. The PDF shares the company report's fonts, page style and chart conversion (renderer.py), and
is laid out in a child process (renderer.Renderer) that services.needs_report_build starts before
the figures are read.

At cluster scale the company heatmap has hundreds of columns: the PDF prints the HEAT_COMPANIES
companies with the most need (top_companies) and says that the Excel version has them all.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from klyngekart.core.charts import bar_chart
from klyngekart.core.money import format_kroner, round_money
from klyngekart.reports.company_results import HERE
from klyngekart.reports.needs_data import Heatmap, HeatmapRow, NeedsReportData
from klyngekart.reports.renderer import Renderer, chart
from klyngekart.surveys.rounds.rates import rate_percent

TEMPLATE = HERE / "templates" / "reports" / "needs_report.typ"
TOP_NEEDS = 8
# Company columns per printed heatmap: their names stand on end, so eight fit beside the areas.
HEAT_COLUMNS = 8
# A heatmap of hundreds of companies cannot be read on A4: the PDF prints the companies with the
# most need, and the Excel version of the report has every company.
HEAT_COMPANIES = 40
SHADE_LIMITS = (Decimal("0.5"), Decimal("1.0"), Decimal("1.5"), Decimal("2.0"))


def _number(value: Decimal | int | None, places: int = 2, hidden: str = "") -> str:
    if value is None:
        return hidden
    return formats.number_format(value, decimal_pos=places)


def _kroner(value: Decimal) -> str:
    # Whole kroner only for display, rounded as on the page (core.money); the sums were made exactly.
    return format_kroner(value)


def _percent(value: Decimal | None, hidden: str = "–") -> str:
    if value is None:
        return hidden
    return f"{formats.number_format(value * 100, decimal_pos=0)} %"


def _shade(value: Decimal | None) -> int:
    """The heatmap's colour step (0 = hidden, 1..5 light to dark), the page's scale."""
    if value is None:
        return 0
    for step, limit in enumerate(SHADE_LIMITS, start=1):
        if value < limit:
            return step
    return len(SHADE_LIMITS) + 1


def _company_need(heatmap: Heatmap, column: int, threshold: Decimal) -> tuple[int, Decimal]:
    """How much need a company's column shows: the areas whose mean gap reaches the threshold (what
    the ranking counts as breadth), then the sum of its mean gaps (the needs page orders its
    heatmap the same way). Only shown cells count, so a hidden figure never decides which
    companies are printed."""
    shown = [value for row in heatmap.rows if (value := row.cells[column]) is not None]
    areas = sum(1 for value in shown if value >= threshold)
    return areas, sum(shown, Decimal(0))


def top_companies(heatmap: Heatmap, threshold: Decimal, limit: int) -> Heatmap:
    """The company heatmap cut to the ``limit`` companies with the most need, most first, then the
    pooled column. A heatmap with no more companies than that is returned as it is."""
    pooled = heatmap.pooled or [False] * len(heatmap.columns)
    own = [index for index, is_pool in enumerate(pooled) if not is_pool]
    if len(own) <= limit:
        return heatmap
    need = {index: _company_need(heatmap, index, threshold) for index in own}
    chosen = sorted(own, key=lambda index: (-need[index][0], -need[index][1], heatmap.columns[index], index))
    keep = chosen[:limit] + [index for index, is_pool in enumerate(pooled) if is_pool]
    return Heatmap(
        title=heatmap.title,
        kind=heatmap.kind,
        columns=[heatmap.columns[index] for index in keep],
        rows=[HeatmapRow(label=row.label, cells=[row.cells[i] for i in keep]) for row in heatmap.rows],
        pooled=[pooled[index] for index in keep],
    )


def _printed_heatmaps(data: NeedsReportData) -> list[tuple[Heatmap, str]]:
    """The heatmaps as the PDF prints them, each with a note ("" for none): the company view cut to
    the companies with the most need, saying so and where the whole matrix is."""
    printed = []
    for heatmap in data.heatmaps:
        note = ""
        if heatmap.kind == "companies":
            top = top_companies(heatmap, data.threshold, HEAT_COMPANIES)
            if top is not heatmap:
                note = _(
                    "The %(shown)s companies with the most need, of the %(total)s with their own column, "
                    "most need first: the most areas with a mean gap of at least %(threshold)s, then the "
                    "largest gaps. The full matrix, with every company, is in the Excel version of this "
                    "report."
                ) % {
                    "shown": sum(1 for is_pool in top.pooled if not is_pool),
                    "total": sum(1 for is_pool in heatmap.pooled if not is_pool),
                    "threshold": _number(data.threshold, 1),
                }
                heatmap = top
        printed.append((heatmap, note))
    return printed


def _narrow(heatmaps: list[tuple[Heatmap, str]]) -> list[tuple[Heatmap, str]]:
    """A wide heatmap split into parts that fit the page's width, each with the area column."""
    parts = []
    # Not inside the f-string: xgettext does not read expressions in f-strings.
    continued = _("continued")
    for heatmap, note in heatmaps:
        # As even as can be (41 columns are 7 + 7 + 7 + 7 + 7 + 6), never a part of one column.
        count = max(len(heatmap.columns), 1)
        pieces = -(-count // HEAT_COLUMNS)
        base, extra = divmod(count, pieces)
        bounds = [0]
        for index in range(pieces):
            bounds.append(bounds[-1] + base + (1 if index < extra else 0))
        for start, end in zip(bounds, bounds[1:], strict=False):
            title = heatmap.title if start == 0 else f"{heatmap.title} ({continued})"
            parts.append(
                (
                    Heatmap(
                        title=title,
                        columns=heatmap.columns[start:end],
                        rows=[
                            HeatmapRow(label=row.label, cells=row.cells[start:end]) for row in heatmap.rows
                        ],
                    ),
                    note if start == 0 else "",
                )
            )
    return parts


def _top_charts(data: NeedsReportData) -> list[dict[str, Any]]:
    top = [row for row in data.ranking if row.priority is not None][:TOP_NEEDS]
    if not top:
        return []
    breadth = bar_chart(
        [{"area": row.name, "companies": row.breadth} for row in top],
        category="area",
        value="companies",
        category_title=_("Competence area"),
        value_title=_("Companies with the need"),
        hide_category_title=True,
    )
    depth = bar_chart(
        [{"area": row.name, "gap": float(row.depth)} for row in top if row.depth is not None],
        category="area",
        value="gap",
        category_title=_("Competence area"),
        value_title=_("Mean gap"),
        hide_category_title=True,
    )
    # A mean gap is not a count: one decimal on the axis instead of whole numbers.
    depth["encoding"]["x"]["axis"] = {"format": ".1f", "tickCount": 5}
    return [
        {"title": _("How many companies have the need"), "svg": chart(breadth)},
        {"title": _("How deep the need is"), "svg": chart(depth)},
    ]


def _method(data: NeedsReportData) -> list[str]:
    values = {"k": data.k, "threshold": _number(data.threshold, 1)}
    return [
        _(
            "The employees of the member companies answered the mapping anonymously. For each competence "
            "area they gave how important the area will be for their work in two to three years and "
            "their level today, both on a scale from 1 to 5. The gap is importance minus level: a large "
            "gap is a need."
        ),
        _(
            "Breadth is the number of companies whose employees on average have a gap of at least "
            "%(threshold)s in the area. Depth is the mean gap over all who answered. The priority score "
            "multiplies the depth by the share of companies with the need, so that a need counts most "
            "when it is both deep and shared by many."
        )
        % values,
        _(
            "No figure in this report rests on fewer than %(k)s people. Companies with fewer answers "
            "are pooled into one group, and a group by size, industry or region is shown only when both "
            "the group and the rest of the cluster reach %(k)s. Cells that would break this rule are "
            "marked as hidden. Free-text answers are shown only from %(k)s answers, in random order."
        )
        % values,
    ]


def pdf_data(data: NeedsReportData) -> dict[str, Any]:
    """Everything the typst template prints, as strings, in the active language."""
    hidden = _("hidden")
    return {
        "lang": (translation.get_language() or "nb")[:2],
        "title": _("Competence needs in the cluster"),
        "cluster": data.cluster,
        "round": data.round_title,
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "facts": [
            [_("Companies invited"), str(data.companies_invited)],
            [_("Companies that answered"), str(data.companies_answered)],
            [_("Respondents"), str(data.respondents)],
            [_("Response rate"), rate_percent(data.response_rate)],
            [_("Anonymity threshold (k)"), str(data.k)],
            [_("Printed"), formats.date_format(timezone.localdate(), "DATE_FORMAT")],
        ],
        "method": _method(data),
        "ranking_header": [
            _("Competence area"),
            _("Companies"),
            _("Share"),
            _("Depth"),
            _("Priority"),
            _("Strategies"),
        ],
        "ranking": [
            [
                row.name,
                str(row.breadth),
                _percent(row.breadth_share),
                _number(row.depth, hidden=hidden),
                _number(row.priority, hidden=hidden),
                str(row.strategy_priority_count),
            ]
            for row in data.ranking
        ],
        "charts": _top_charts(data),
        "heatmaps": [
            {
                "title": heatmap.title,
                "note": note,
                "header": ["", *heatmap.columns],
                "rows": [
                    [row.label] + [_number(value, 1, hidden=hidden) for value in row.cells]
                    for row in heatmap.rows
                ],
                "shades": [[_shade(value) for value in row.cells] for row in heatmap.rows],
            }
            for heatmap, note in _narrow(_printed_heatmaps(data))
        ],
        "strategy_header": [
            _("Competence area"),
            _("Strategies that prioritise it"),
            _("Depth"),
            _("Verdict"),
        ],
        "strategies": [
            [row.name, str(row.strategy_count), _number(row.depth, hidden=hidden), row.agreement]
            for row in data.strategies
        ],
        "texts": [
            {"question": group.question, "hidden": group.items is None, "items": group.items or []}
            for group in data.texts
        ],
        "trend_header": [
            _("Competence area"),
            *data.trend_rounds,
            pgettext("difference between rounds", "Change"),
        ],
        "trend": [
            [row.name]
            + [_number(value, hidden=hidden) for value in row.values]
            + [_number(row.change, hidden=hidden)]
            for row in data.trend
        ],
        "measures": [
            {
                "title": measure.title,
                "facts": [
                    [_("Status"), measure.status],
                    [_("Format"), measure.format],
                    [_("Competence areas"), ", ".join(measure.areas)],
                    [_("Fixed cost"), _kroner(measure.fixed_cost)],
                    [_("Cost per participant"), _kroner(measure.cost_per_participant)],
                    [_("Public funding"), _percent(measure.funding_share)],
                ],
                "header": [_("Company"), _("Participants"), _("Shared cost"), _("Alone"), _("Saving")],
                "rows": [
                    [
                        row.company,
                        str(row.participants),
                        _kroner(row.shared),
                        _kroner(row.alone),
                        _kroner(row.saving),
                    ]
                    for row in measure.costs
                ],
                # No company has signed up yet: the table and its "Total 0 kr" would say nothing.
                "total": [_("Total"), "", _kroner(measure.total_shared), "", _kroner(measure.total_saving)]
                if measure.costs
                else [],
            }
            for measure in data.measures
        ],
        "text": {
            "method_heading": _("Method and response rates"),
            "ranking_heading": _("The needs, ranked"),
            "ranking_note": _("Priority = depth × share of companies with the need. The highest first."),
            "top_heading": _("The top needs"),
            "heatmap_heading": _("Gaps by company and group"),
            "heatmap_note": _(
                "Mean gap per competence area; the darker, the larger the need. Companies with fewer than "
                "%(k)s answers are pooled into one column. “hidden” = fewer than %(k)s people, so no figure "
                "is shown."
            )
            % {"k": data.k},
            "strategies_heading": _("What the membership strategies prioritise"),
            "strategies_note": _(
                "The number of member companies whose strategy names the area as a priority, beside the "
                "depth of the need their employees report."
            ),
            "texts_heading": _("Challenges in the employees' own words"),
            "random_order": _("In random order."),
            "hidden_texts": _("Fewer than %(k)s answers: not shown.") % {"k": data.k},
            "trend_heading": _("Change from earlier rounds"),
            "measures_heading": _("Proposed joint measures and cost sharing"),
            "measures_note": _(
                "Shared cost = fixed cost × (1 − public funding) × the company's share of the participants "
                "+ cost per participant × participants. Alone = fixed cost + cost per participant × "
                "participants."
            ),
            "no_measures": _("No measures have been proposed for these needs yet."),
            "no_interest": _("No interest yet: no company has signed up for this measure."),
        },
    }


def needs_report_pdf(
    data: NeedsReportData,
    *,
    progress: Callable[[int], None] | None = None,
    renderer: Renderer | None = None,
) -> bytes:
    """The PDF in the active language. ``renderer``: a child process started before ``data`` was
    computed (services.needs_report_build does), else one is started here."""
    printable = pdf_data(data)
    if progress:
        progress(70)
    if renderer is not None:
        return renderer.render(TEMPLATE, printable)
    with Renderer() as own:
        return own.render(TEMPLATE, printable)


# Excel number formats. The file holds the format in Excel's own (English) notation: Norwegian
# Excel shows "#,##0" as "# ##0" and groups with a space.
XLSX_PERCENT = {"nb": "0 %", "en": "0%"}
XLSX_KRONER = {"nb": '#,##0" kr"', "en": '"NOK "#,##0'}
XLSX_GAP = "0.00"
XLSX_MIN_WIDTH = 8
XLSX_MAX_WIDTH = 48


@dataclass(frozen=True)
class Column:
    """A column of a report sheet: its header and how its numbers are shown."""

    title: str
    kind: str = "text"  # "text", "count", "percent", "kroner", "gap"


def _xlsx_value(value: Any, kind: str, hidden: str) -> Any:
    if value is None:
        return hidden
    if kind == "kroner":
        # Whole kroner by the one rounding (core.money): the cell holds what the page shows.
        return int(round_money(value))
    if isinstance(value, Decimal):
        return float(value)
    return value


def _xlsx_width(value: Any, kind: str) -> int:
    if kind == "kroner":
        return len(f"{value:,}") + 4 if isinstance(value, int) else len(str(value))
    if kind == "percent":
        return 6
    return len(str(value))


def needs_report_xlsx(data: NeedsReportData) -> bytes:
    """The same aggregates as sheets: Ranking, one per heatmap view, Strategies, Trend, Measures. Each has
    a bold header row that stays in view (frozen with the first column), an autofilter, column
    widths to fit, and Excel number formats for shares ("0 %") and money (whole kroner)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    language = (translation.get_language() or "nb")[:2]
    formats_by_kind = {
        "percent": XLSX_PERCENT.get(language, XLSX_PERCENT["nb"]),
        "kroner": XLSX_KRONER.get(language, XLSX_KRONER["nb"]),
        "gap": XLSX_GAP,
    }
    hidden = _("hidden")
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet_of(title: str, columns: list[Column], rows: list[list[Any]]) -> None:
        sheet = workbook.create_sheet(title)
        widths = [len(column.title) for column in columns]
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.title)
            cell.data_type = "s"
            cell.font = bold
            cell.alignment = wrap
        for row_number, row in enumerate(rows, start=2):
            for index, value in enumerate(row, start=1):
                kind = columns[index - 1].kind if index <= len(columns) else columns[-1].kind
                shown = _xlsx_value(value, kind, hidden)
                cell = sheet.cell(row=row_number, column=index, value=shown)
                if isinstance(shown, str):
                    # Text that starts with "=" (an area or measure name) stays text, never a formula.
                    cell.data_type = "s"
                elif kind in formats_by_kind:
                    cell.number_format = formats_by_kind[kind]
                if index > len(widths):
                    widths.append(0)
                widths[index - 1] = max(widths[index - 1], _xlsx_width(shown, kind))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(width + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH
            )
        # The header (and the first column, which names the row) stay in view when scrolling.
        sheet.freeze_panes = "B2"
        last = get_column_letter(max(len(widths), 1))
        sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"

    sheet_of(
        _("Ranking"),
        [
            Column(_("Competence area")),
            Column(_("Companies with the need"), "count"),
            Column(_("Share of companies"), "percent"),
            Column(_("Depth (mean gap)"), "gap"),
            Column(_("Priority"), "gap"),
            Column(_("Respondents"), "count"),
            Column(_("Strategies that prioritise it"), "count"),
        ],
        [
            [
                r.name,
                r.breadth,
                r.breadth_share,
                r.depth,
                r.priority,
                r.respondents,
                r.strategy_priority_count,
            ]
            for r in data.ranking
        ],
    )
    for heatmap in data.heatmaps:
        # A sheet per view (by company, size, industry, region), its groups as columns, so that
        # the header row names them and the filter works. Sheet names are at most 31 characters.
        sheet_of(
            heatmap.title[:31],
            [Column(_("Competence area")), *[Column(name, "gap") for name in heatmap.columns]],
            [[row.label, *row.cells] for row in heatmap.rows],
        )
    sheet_of(
        _("Strategies"),
        [
            Column(_("Competence area")),
            Column(_("Strategies that prioritise it"), "count"),
            Column(_("Depth (mean gap)"), "gap"),
            Column(_("Verdict")),
        ],
        [[r.name, r.strategy_count, r.depth, r.agreement] for r in data.strategies],
    )
    sheet_of(
        _("Trend"),
        [
            Column(_("Competence area")),
            *[Column(title, "gap") for title in data.trend_rounds],
            Column(pgettext("difference between rounds", "Change"), "gap"),
        ],
        [[r.name, *r.values, r.change] for r in data.trend],
    )
    measure_rows: list[list[Any]] = []
    for measure in data.measures:
        areas = ", ".join(measure.areas)
        for cost in measure.costs:
            measure_rows.append(
                [
                    measure.title,
                    measure.status,
                    areas,
                    cost.company,
                    cost.participants,
                    cost.shared,
                    cost.alone,
                    cost.saving,
                    measure.funding_share,
                ]
            )
    sheet_of(
        _("Measures"),
        [
            Column(_("Measure")),
            Column(_("Status")),
            Column(_("Competence areas")),
            Column(_("Company")),
            Column(_("Participants"), "count"),
            Column(_("Shared cost"), "kroner"),
            Column(_("Alone"), "kroner"),
            Column(_("Saving"), "kroner"),
            Column(_("Public funding"), "percent"),
        ],
        measure_rows,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
