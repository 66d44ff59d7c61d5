"""The needs XLSX reads like a report: names instead of codes, shares as "0 %", money as whole
kroner, the header row frozen with the first column, an autofilter and column widths to fit."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from klyngekart.core.tenancy import scope
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure
from klyngekart.reports import needs_report
from klyngekart.reports.needs_data import needs_report_data
from klyngekart.reports.tests.conftest import ReportRound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_xlsx_has_formats_frozen_headers_filters_and_widths(
    world, report_round: ReportRound, language: str
) -> None:
    measure = make_measure(
        cluster=world.cluster,
        title="Felles KI-kurs",
        fixed_cost=Decimal("123456"),
        cost_per_participant=Decimal("2000"),
        funding_share=Decimal("0.4"),
        source_round=report_round.round,
        # One area the round asked about and one it did not: both by name.
        areas=["digital-ai", "green-energy"],
    )
    MeasureInterestFactory(measure=measure, membership=world.membership, participants=3)
    with scope(world.cluster):
        data = needs_report_data(cluster=world.cluster, round=report_round.round, language=language)
        with translation.override(language):
            book = load_workbook(io.BytesIO(needs_report.needs_report_xlsx(data)))
    percent = needs_report.XLSX_PERCENT[language]
    kroner = needs_report.XLSX_KRONER[language]
    assert percent in {"0 %", "0%"} and "#,##0" in kroner

    for sheet in book.worksheets:
        assert sheet.freeze_panes == "B2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None), sheet.title
        widths = [sheet.column_dimensions[letter].width for letter in ("A", "B")]
        assert all(needs_report.XLSX_MIN_WIDTH <= width <= needs_report.XLSX_MAX_WIDTH for width in widths)
    # The first column is as wide as its longest name (within the cap), not Excel's default.
    ranking = book.worksheets[0]
    longest = max(len(str(cell.value)) for cell in ranking["A"])
    assert ranking.column_dimensions["A"].width >= min(longest, needs_report.XLSX_MAX_WIDTH - 2)

    measures = book.worksheets[-1]
    header = [cell.value for cell in measures[1]]
    row = list(measures[2])
    by_title = dict(zip(header, row, strict=False))
    shared_title = "Delt kostnad" if language == "nb" else "Shared cost"
    funding_title = "Offentlig finansieringsandel" if language == "nb" else "Public funding"
    areas_title = "Kompetanseområder" if language == "nb" else "Competence areas"
    assert isinstance(by_title[shared_title].value, int)
    assert by_title[shared_title].number_format == kroner
    assert by_title[funding_title].value == pytest.approx(0.4)
    assert by_title[funding_title].number_format == percent
    # Area names, never their codes.
    assert "digital-ai" not in by_title[areas_title].value
    assert "green-energy" not in by_title[areas_title].value
    codes = {"digital-ai", "green-energy", "lean"}
    every = {cell.value for sheet in book.worksheets for line in sheet.iter_rows() for cell in line}
    assert not codes & every
