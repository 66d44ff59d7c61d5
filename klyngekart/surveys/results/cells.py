"""Cross-company cells of a released round: which company's figure for an area a view across the
cluster's companies may show, the pooled "other companies" cell, and the cells of segments of
companies (size class, NACE section, region). The needs analysis (klyngekart/needs/) builds its
ranking and heatmaps from these cells and decides nothing about anonymity itself.

The rules, from core/privacy.py as results/core.py applies them:
- a company has cells of its own only when its respondents reach k and the pooling of small
  companies leaves it standing (``_pooling``), and a cell only when its answers for the area reach
  k after the per-area pooling (``_area_shown_companies``); if what is left over is above zero but
  below k, the smallest shown companies join it, so "cluster minus the shown cells" never isolates
  a small group;
- a segment of companies is shown per area only when it and the rest reach k, when what several
  shown segments leave over is empty or reaches k (``visible_parts``), and when the company cells
  do not narrow it down to a small group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.utils.translation import gettext

from klyngekart.core.privacy import Cell, k_threshold
from klyngekart.members.models import SizeClass
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.models.responses import ALL
from klyngekart.surveys.results.core import (
    RoundData,
    _area_shown_companies,
    _pooling,
    load,
    remainder_ok,
    visible_parts,
)
from klyngekart.surveys.results.release import release_version
from klyngekart.taxonomy.nace import section_choices
from klyngekart.taxonomy.regions import REGION_CHOICES

PLACES = Decimal("0.01")
SEGMENT_KINDS = ("size", "nace", "region")


def quantize(value: Decimal, places: Decimal = PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def mean_gap(sum_gap: float, n: int) -> Decimal:
    return Decimal(int(sum_gap)) / Decimal(n)


class CompanyInfo(NamedTuple):
    """What the analysis needs of a round's company (read with values_list, not as models)."""

    company_id: int
    name: str
    size_class: str
    nace_section: str
    region: str


def segment_value(company: Any, kind: str) -> str:
    return {"size": company.size_class, "nace": company.nace_section, "region": company.region}.get(kind, "")


def segment_labels(kind: str) -> dict[str, str]:
    """The names of a segment kind's values (a size class, a NACE section, a county), in the
    reader's language: every page that splits by segment names them the same way."""
    if kind == "size":
        return {str(value): str(label) for value, label in SizeClass.choices}
    if kind == "nace":
        return dict(section_choices())
    if kind == "region":
        return {str(value): str(label) for value, label in REGION_CHOICES}
    return {}


def segment_label(kind: str, value: str) -> str:
    return segment_labels(kind).get(value) or gettext("Not recorded")


@dataclass
class CompanyCells:
    """A released round's sums per company and area (everyone, no segments), its k, and which
    company cells a cross-company view may show: a company has cells of its own only when its
    respondents reach k and the pooling keeps it apart (``_pooling``), and a cell only when the
    company's answers for the area reach k after the per-area pooling; everything else is the pool,
    shown only when it reaches k."""

    round: Round
    k: int
    data: RoundData
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
                cell = Cell(suppressed=False, value=quantize(mean_gap(row[5], row[0])), n=row[0])
            self._gaps[(rc_id, code)] = cell
        return cell

    def pool_ids(self, code: str) -> set[int]:
        return set(self.data.company_ids) - self.area_cells.get(code, set())


def _cells_for_area(data: RoundData, code: str, shown_ids: set[int], k: int) -> set[int]:
    cells = _area_shown_companies(data, code, shown_ids, k)
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
    # The company as this cluster records it (its membership): another cluster's facts never
    # decide a segment here.
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


def company_cells(round_: Round, area_codes: list[str], k: int | None = None) -> CompanyCells:
    """Read a released round's sums (everyone, no segments) and decide what may be shown. Raises
    NotReleased for a round whose results are not released."""
    release_version(round_)
    k = k_threshold(round_.cluster) if k is None else k
    data = load(round_, None)
    return build_company_cells(round_, k, data, round_companies(round_), area_codes)


def build_company_cells(
    round_: Round, k: int, data: RoundData, companies: dict[int, Any], area_codes: list[str]
) -> CompanyCells:
    """Decide which companies and cells may be shown, from aggregates already read."""
    shown_ids, _pooled, _hidden = _pooling(data, k)
    cells = {code: _cells_for_area(data, code, shown_ids, k) for code in area_codes}
    return CompanyCells(round_, k, data, companies, shown_ids, cells)


def segment_groups(rn: CompanyCells, kind: str) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {}
    for rc_id in rn.data.company_ids:
        company = rn.companies.get(rc_id)
        if company is not None:
            groups.setdefault(segment_value(company, kind), set()).add(rc_id)
    return groups


def _segment_known(rn: CompanyCells, code: str, members: set[int]) -> tuple[int, int]:
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


def segment_cells(rn: CompanyCells, kind: str, code: str) -> dict[str, Cell[Decimal]]:
    """Per segment value, the mean gap in an area, or hidden."""
    groups = segment_groups(rn, kind)
    total = rn.area_n(code)
    parts = {value: rn.area_n(code, ids) for value, ids in groups.items()}
    visible = visible_parts(total, parts, rn.k) if total >= rn.k else set()
    out: dict[str, Cell[Decimal]] = {}
    for value, ids in groups.items():
        n, gap_total = rn.area_sum(code, ids)
        ok = value in visible
        if ok:
            known_in, known_out = _segment_known(rn, code, ids)
            ok = remainder_ok(n - known_in, rn.k) and remainder_ok(total - n - known_out, rn.k)
        out[value] = (
            Cell(suppressed=False, value=quantize(mean_gap(gap_total, n)), n=n) if ok else Cell.hidden()
        )
    return out


def pool_cell(rn: CompanyCells, code: str) -> Cell[Decimal]:
    """The "other companies" cell of an area: everyone without a shown cell, from k answers."""
    n, gap_total = rn.area_sum(code, rn.pool_ids(code))
    return Cell(suppressed=False, value=quantize(mean_gap(gap_total, n)), n=n) if n >= rn.k else Cell.hidden()
