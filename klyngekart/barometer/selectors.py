"""The barometer's reads: the newest edition's cells for a filter, by index, never a scan of facts
or answers. A view is everyone, or one sector, one county or one size class (one at a time: see
suppression.py for why two filters are not combined)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klyngekart.barometer.models import BarometerCell, BarometerEdition, BarometerSite, HiddenReason
from klyngekart.surveys import results
from klyngekart.taxonomy.defaults import default_areas

FILTERS = ("sector", "region", "size")


class FilterError(ValueError):
    """A filter the barometer cannot answer: the message says why, in the reader's language, and
    ``field`` names the filter at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Query:
    area: str = ""
    dimension: str = ""
    value: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Row:
    year: int
    area_code: str
    area_name: str
    dimension: str
    value: str
    value_name: str
    shown: bool
    reason: str
    reason_text: str
    answers: int | None
    companies: int | None
    clusters: int | None
    mean_gap: Decimal | None
    need_share: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "area": self.area_code,
            "area_name": self.area_name,
            "dimension": self.dimension or "all",
            "value": self.value,
            "value_name": self.value_name,
            "shown": self.shown,
            "hidden_reason": self.reason_text if not self.shown else "",
            "answers": self.answers,
            "companies": self.companies,
            "clusters": self.clusters,
            "mean_gap": float(self.mean_gap) if self.mean_gap is not None else None,
            "need_share": float(self.need_share) if self.need_share is not None else None,
        }


@dataclass(frozen=True)
class Barometer:
    edition: BarometerEdition | None
    query: Query
    years: list[int]
    rows: list[Row]  # the chosen year, every area (or the chosen one), needs first
    trend: list[Row]  # every year, the chosen area or every area

    @property
    def k(self) -> int | None:
        return self.edition.k if self.edition else None


def is_public() -> bool:
    return BarometerSite.objects.filter(pk=1, public=True).exists()


def area_names() -> dict[str, str]:
    language = "nb" if (get_language() or "nb").startswith("nb") else "en"
    return {str(area["code"]): str(area["name"].get(language) or area["code"]) for area in default_areas()}


def value_choices(dimension: str) -> list[tuple[str, str]]:
    kind = {"sector": "nace", "region": "region", "size": "size"}[dimension]
    return list(results.segment_labels(kind).items())


def parse_query(
    *, area: str = "", sector: str = "", region: str = "", size: str = "", year: str | int | None = None
) -> Query:
    """Check the filters; FilterError names the one at fault."""
    given = [
        (name, value) for name, value in (("sector", sector), ("region", region), ("size", size)) if value
    ]
    if len(given) > 1:
        raise FilterError(
            _("Choose one of sector, county and size at a time: combined they could reveal small groups."),
            given[1][0],
        )
    dimension, value = given[0] if given else ("", "")
    if dimension and value not in dict(value_choices(dimension)):
        unknown = {
            "sector": _("Unknown sector (NACE section): %(value)s."),
            "region": _("Unknown county: %(value)s."),
            "size": _("Unknown size class: %(value)s."),
        }[dimension]
        raise FilterError(unknown % {"value": value}, dimension)
    if area and area not in area_names():
        raise FilterError(_("Unknown competence area: %(value)s.") % {"value": area}, "area")
    parsed_year: int | None = None
    if year not in (None, ""):
        try:
            parsed_year = int(str(year))
        except ValueError:
            raise FilterError(_("The year must be a number, such as 2026."), "year") from None
    return Query(area=area, dimension=dimension, value=value, year=parsed_year)


def latest_edition() -> BarometerEdition | None:
    return BarometerEdition.objects.filter(ready=True).order_by("-pk").first()


def _row(cell: BarometerCell, names: dict[str, str], values: dict[str, str]) -> Row:
    reason_text = str(HiddenReason(cell.reason).label) if cell.reason else ""
    return Row(
        year=cell.year,
        area_code=cell.area_code,
        area_name=names.get(cell.area_code, cell.area_code),
        dimension=cell.dimension,
        value=cell.value,
        value_name=values.get(cell.value, _("Not recorded")) if cell.dimension else _("All companies"),
        shown=cell.shown,
        reason=cell.reason,
        reason_text=reason_text,
        answers=cell.answers,
        companies=cell.companies,
        clusters=cell.clusters,
        mean_gap=cell.mean_gap,
        need_share=cell.need_share,
    )


def _order(row: Row) -> tuple[Any, ...]:
    return (not row.shown, -(row.mean_gap or 0), row.area_name)


def barometer(query: Query) -> Barometer:
    """The figures of the newest edition for ``query``: one indexed read of at most areas x years
    cells."""
    edition = latest_edition()
    if edition is None:
        return Barometer(None, query, [], [], [])
    cells = BarometerCell.objects.filter(edition=edition, dimension=query.dimension, value=query.value)
    if query.area:
        cells = cells.filter(area_code=query.area)
    names = area_names()
    values = dict(value_choices(query.dimension)) if query.dimension else {}
    all_rows = [_row(cell, names, values) for cell in cells]
    years = sorted({row.year for row in all_rows}, reverse=True)
    year = query.year if query.year is not None else (years[0] if years else None)
    rows = sorted((row for row in all_rows if row.year == year), key=_order)
    trend = sorted(all_rows, key=lambda row: (row.area_name, row.year))
    return Barometer(edition, Query(query.area, query.dimension, query.value, year), years, rows, trend)


def edition_years() -> list[int]:
    edition = latest_edition()
    if edition is None:
        return []
    return list(
        BarometerCell.objects.filter(edition=edition, dimension="", value="")
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
