"""The needs analysis page. Thin: klyngekart/needs/analysis.py decides what may be shown."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from klyngekart.accounts.access import cluster_view
from klyngekart.core.contrast import text_colour_for
from klyngekart.core.privacy import Cell, k_threshold
from klyngekart.needs import analysis as sel
from klyngekart.surveys import results as res
from klyngekart.surveys.models import Round
from klyngekart.surveys.results.release import NotReleased, release_state

# The fixed colour scale of the heatmap: five steps of mean gap, light to dark. Each step's text
# colour is the one that reads best on it (WCAG AA, 4.5:1: tested in test_contrast.py).
SCALE: list[tuple[Decimal | None, str]] = [
    (Decimal("0.5"), "#f1f7fd"),
    (Decimal("1.0"), "#c7dff5"),
    (Decimal("1.5"), "#8cbbe8"),
    (Decimal("2.0"), "#3276bd"),
    (None, "#14467d"),
]
PALETTE = [(limit, background, text_colour_for(background)) for limit, background in SCALE]
HEAT_KINDS = ("companies", *sel.SEGMENT_KINDS)
MAX_THRESHOLD = Decimal(4)


def colour(value: Decimal | None) -> str:
    if value is None:
        return ""
    for limit, background, text in PALETTE:
        if limit is None or value < limit:
            return f"background:{background};color:{text}"
    return ""


def _threshold(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", "."))
    except (InvalidOperation, ValueError):
        return sel.DEFAULT_THRESHOLD
    if not value.is_finite() or value < 0 or value > MAX_THRESHOLD:
        return sel.DEFAULT_THRESHOLD
    return value


def _round(access: Any, raw: str, default: Round | None) -> Round | None:
    if not raw:
        return default
    if not raw.isdigit():
        raise Http404("No such round")
    return res.access_results_round(access, int(raw))


def _page(raw: str) -> int:
    """The heatmap page asked for (from 1); anything else is the first page."""
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _heat_cells(
    cells: list[Cell[Decimal]], hidden_title: str, hidden_text: str, separator: str
) -> SafeString:
    """One heatmap row's cells as HTML. The cells are the page's hot loop (40 areas x 26
    columns), so this builds them directly rather than through template tags per cell. The
    translated texts and the decimal separator are escaped once; what varies per cell is a
    colour from PALETTE, a count and a formatted number, none of which can hold markup."""
    hidden = str(format_html('<td class="kk-muted" title="{}">{}</td>', hidden_title, hidden_text))
    answers = str(escape(_("%(n)s answers")))
    point = str(escape(separator))
    parts: list[str] = []
    for cell in cells:
        if cell.suppressed or cell.value is None:
            parts.append(hidden)
        else:
            title = answers % {"n": int(cell.n or 0)}
            parts.append(
                f'<td style="{colour(cell.value)}" title="{title}">{_decimal(cell.value, point)}</td>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - see the docstring: every part is escaped or fixed


def _decimal(value: Decimal | None, point: str) -> str:
    """A figure as ``floatformat:2`` prints it in the active language ("" for None). "or": a
    negative zero prints as 0.00, as floatformat prints it."""
    if value is None:
        return ""
    return f"{value or Decimal(0):.2f}".replace(".", point)


def _ranking_cells(
    rows: list[sel.NeedRow], point: str, create_url: str, round_id: int
) -> list[tuple[sel.NeedRow, SafeString]]:
    """Each ranked area with its row's cells after the area's name, as HTML. Like the heatmap's,
    these are built here rather than by template tags per cell: 40 rows of seven cells cost the
    template 4-5 ms. Figures hidden for anonymity show "hidden" with the reason as a title; the
    share is in whole percent; the last cell starts a measure from the area."""
    hidden = format_html('<span title="{}">{}</span>', _("Hidden to protect anonymity"), _("hidden"))
    create_text = _("Create a measure from this need")
    cells: list[tuple[sel.NeedRow, SafeString]] = []
    for row in rows:
        priority = _decimal(row.priority, point)
        depth = _decimal(row.depth, point)
        share = "–" if row.breadth_share is None else f"{round(float(row.breadth_share) * 100)} %"
        cells.append(
            (
                row,
                format_html(
                    "<td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                    '<td><a class="ds-link" href="{}?{}">{}</a></td>',
                    format_html("<strong>{}</strong>", priority) if priority else hidden,
                    row.breadth,
                    row.companies,
                    share,
                    depth or hidden,
                    "–" if row.respondents is None else row.respondents,
                    row.strategy_priority_count,
                    create_url,
                    urlencode({"areas": row.code, "round": round_id}),
                    create_text,
                ),
            )
        )
    return cells


def _compared(compare: Round | None) -> tuple[int, str, str] | None:
    """What the needs page's sections show of the compared round: its title and its release."""
    if compare is None or not res.is_released(compare):
        return None
    return compare.pk, compare.title, res.release_version(compare)


@cluster_view("needs.view")
def index(request: HttpRequest) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    rounds = list(res.results_rounds(access=access))
    context: dict[str, Any] = {"rounds": rounds, "round": None, "heat_kinds": HEAT_KINDS}
    if rounds:
        round_ = _round(access, request.GET.get("round", ""), rounds[0])
        compare = _round(access, request.GET.get("compare", ""), None)
        if compare is not None and compare.pk == round_.pk:  # type: ignore[union-attr]
            compare = None
        threshold = _threshold(request.GET.get("threshold", ""))
        segment = sel.parse_segment_filter(request.GET.get("filter", ""))
        heat = request.GET.get("heat", "companies")
        heat = heat if heat in HEAT_KINDS else "companies"
        sort = request.GET.get("sort", "priority")
        sort = sort if sort in sel.SORT_KEYS else "priority"
        context["round"] = round_
        try:
            texts = sel.free_texts(round_, with_hidden=access.is_cluster_team)  # type: ignore[arg-type]
            # The figures' sections are drawn once per release and what else they show: the
            # query (sort links, pages), the strategies submitted since, the compared round,
            # the companies' segments when segments are asked for (surveys/results/fragments.py).
            fragment = res.released_fragment(
                "needs",
                round_,  # type: ignore[arg-type]
                sorted(request.GET.lists()),
                access.perms.get("reports_create", False),
                access.cluster.slug,
                sel.strategies_stamp(round_),  # type: ignore[arg-type]
                _compared(compare),
                sel.segments_stamp(round_) if segment or heat in sel.SEGMENT_KINDS else "",  # type: ignore[arg-type]
            )
        except NotReleased:
            context["unreleased"] = release_state(round_)  # type: ignore[arg-type]
            return render(request, "needs/analysis/index.html", context)
        context.update(
            fragment=fragment,
            texts=texts,
            k=k_threshold(access.cluster),
            threshold=threshold,
            compare=compare,
            heat=heat,
            sort=sort,
            segment_filter=request.GET.get("filter", "") if segment else "",
            filters=[
                (f"{kind}:{value}", label)
                for kind in sel.SEGMENT_KINDS
                for value, label in sel.segment_labels(kind).items()
            ],
        )
        if fragment.cached:
            return render(request, "needs/analysis/index.html", context)
        result = sel.needs_analysis(
            round=round_,  # type: ignore[arg-type]
            compare=compare,
            threshold=threshold,
            segment=segment,
            heat=heat,
            sort=sort,
            heat_page=_page(request.GET.get("heat_page", "")),
            with_hidden_texts=access.is_cluster_team,
        )
        hidden_title = _("Fewer than %(k)s answers: hidden to protect anonymity.") % {"k": result.k}
        separator = str(get_format("DECIMAL_SEPARATOR"))
        heat_rows = [
            (row, _heat_cells(row.cells, hidden_title, _("hidden"), separator)) for row in result.heatmap.rows
        ]
        query = request.GET.copy()
        query.pop("sort", None)
        context.update(
            heat_page=result.heatmap.page,
            result=result,
            heat_rows=heat_rows,
            ranking_rows=_ranking_cells(
                result.ranking,
                separator,
                reverse("measures:create", args=[access.cluster.slug]),
                round_.pk,  # type: ignore[union-attr]
            ),
            sort_query=query.urlencode(),
            palette=[(limit, background, text) for limit, background, text in PALETTE],
        )
    return render(request, "needs/analysis/index.html", context)
