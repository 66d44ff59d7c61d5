"""The PDF's company heatmap at cluster scale: only the companies with the most need, chosen on
shown figures alone, with the pooled column kept and a sentence saying the Excel file has them all."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.reports import needs_report
from klyngekart.reports.needs_data import Heatmap, HeatmapRow, needs_report_data
from klyngekart.reports.tests.conftest import HIDDEN_MEANS, add_company, make_round

THRESHOLD = Decimal("1.0")


def _heatmap(gaps: dict[str, list[Decimal | None]], *, pool: list[Decimal | None] | None = None) -> Heatmap:
    """A company heatmap from per-company gaps (one value per area, None = hidden)."""
    names = list(gaps)
    areas = len(next(iter(gaps.values())))
    columns = [*names, "pooled"] if pool is not None else names
    rows = []
    for area in range(areas):
        cells = [gaps[name][area] for name in names]
        if pool is not None:
            cells.append(pool[area])
        rows.append(HeatmapRow(label=f"area {area}", cells=cells))
    return Heatmap(
        title="By company",
        kind="companies",
        columns=columns,
        rows=rows,
        pooled=[False] * len(names) + ([True] if pool is not None else []),
    )


def test_a_small_heatmap_is_printed_whole():
    heatmap = _heatmap({"A": [Decimal("0.5")], "B": [Decimal("1.5")]}, pool=[None])
    assert needs_report.top_companies(heatmap, THRESHOLD, limit=2) is heatmap


def test_the_top_companies_are_those_with_most_areas_in_need_then_largest_gaps():
    d = Decimal
    gaps: dict[str, list[Decimal | None]] = {
        "one deep area": [d("2.5"), d("0.1"), d("0.1")],
        "three areas": [d("1.0"), d("1.2"), d("1.1")],
        "two areas, shallow": [d("1.0"), d("1.0"), d("0.0")],
        "two areas, deep": [d("1.9"), d("1.8"), d("0.2")],
        "no need": [d("0.2"), d("-0.5"), d("0.9")],
        # Its hidden cells would be needs, but a hidden figure must not decide anything.
        "hidden need": [None, None, d("0.3")],
    }
    pool: list[Decimal | None] = [d("0.7"), None, d("1.3")]
    heatmap = _heatmap(gaps, pool=pool)

    def areas_in_need(name: str) -> int:
        return sum(1 for value in gaps[name] if value is not None and value >= THRESHOLD)

    top = needs_report.top_companies(heatmap, THRESHOLD, limit=3)
    chosen = top.columns[:-1]
    assert len(chosen) == 3
    # Every chosen company has at least as many areas in need as every company left out.
    left_out = [name for name in gaps if name not in chosen]
    assert min(areas_in_need(name) for name in chosen) >= max(areas_in_need(name) for name in left_out)
    # Most need first, and a tie on areas goes to the larger gaps.
    counts = [areas_in_need(name) for name in chosen]
    assert counts == sorted(counts, reverse=True)
    assert chosen.index("two areas, deep") < chosen.index("two areas, shallow")
    assert "hidden need" not in chosen
    # The pooled column stays last, with its cells as they were; each row keeps its company's cells.
    assert top.columns[-1] == "pooled" and top.pooled == [False, False, False, True]
    for area, row in enumerate(top.rows):
        assert row.cells == [*(gaps[name][area] for name in chosen), pool[area]]


def _pdf_text(content: bytes) -> str:
    """The PDF's words on one line: a company's name may wrap in a narrow column head."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def wide_round(world: Any) -> Any:
    """Four companies with their own column (n = 8 >= k), their need rising with their number; two
    small ones pooled."""
    round_ = make_round(world.cluster)
    shown = []
    for step in range(4):
        # Mean gap per area: 0.5, 1.0, 1.5 and 2.0 (sums of gaps over 8 answers).
        gaps = {"digital-ai": (8, 4 + 4 * step), "green-energy": (8, 4 * step), "lean": (8, 2 * step)}
        shown.append(add_company(round_, 8, gaps))
    pooled = [add_company(round_, 3, {"digital-ai": (3, 3 * 4)}) for _ in range(2)]
    # Names that are not part of one another ("Bedrift 1 AS" is inside "Bedrift 10 AS").
    with scopes_disabled():
        names = ("Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")
        for part, name in zip(shown + pooled, names, strict=True):
            Membership.objects.filter(pk=part.membership_id).update(name=f"{name} Verksted AS")
            part.membership.refresh_from_db()
    return round_, shown, pooled


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_pdf_prints_the_companies_with_most_need_and_points_to_the_excel_file(
    world, wide_round, monkeypatch, language
):
    round_, shown, pooled = wide_round
    monkeypatch.setattr(needs_report, "HEAT_COMPANIES", 2)
    with scope(world.cluster):
        data = needs_report_data(cluster=world.cluster, round=round_, language=language)
        with translation.override(language):
            text = _pdf_text(needs_report.needs_report_pdf(data))
        workbook = load_workbook(io.BytesIO(needs_report.needs_report_xlsx(data)), read_only=True)
    # The fixture gave later companies more need: the last two are printed, the first two are not.
    for part in shown[-2:]:
        assert part.membership.name in text
    for part in shown[:2] + pooled:
        assert part.membership.name not in text
    assert "Excel" in text
    for figure in HIDDEN_MEANS:
        assert figure not in text
    # The Excel file keeps every company with its own column.
    sheets = workbook.worksheets
    heat = [value for sheet in sheets for row in sheet.iter_rows(values_only=True) for value in row]
    for part in shown:
        assert part.membership.name in heat


@pytest.mark.django_db
def test_a_cluster_with_few_companies_gets_the_whole_heatmap_and_no_note(world, wide_round):
    round_, shown, _pooled = wide_round
    with scope(world.cluster):
        data = needs_report_data(cluster=world.cluster, round=round_, language="en")
        with translation.override("en"):
            text = _pdf_text(needs_report.needs_report_pdf(data))
    for part in shown:
        assert part.membership.name in text
    assert "Excel" not in text
