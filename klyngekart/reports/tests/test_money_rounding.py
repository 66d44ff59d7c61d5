"""Money is rounded once, the same way, wherever it is shown: 1 001 kr shared by two companies is
501 kr on the measure page, in the needs PDF and in the needs XLSX, and 500.50 in the API, which
the same rounding (core.money.round_money) turns into 501 as well."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.money import ORE, round_money
from klyngekart.core.tenancy import scope
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure
from klyngekart.reports import needs_report
from klyngekart.reports.needs_data import needs_report_data
from klyngekart.reports.tests.conftest import ReportRound

pytestmark = pytest.mark.django_db


def test_round_money_rounds_half_up() -> None:
    assert round_money(Decimal("500.5")) == Decimal("501")
    assert round_money(Decimal("501.5")) == Decimal("502")
    assert round_money(Decimal("500.499")) == Decimal("500")
    assert round_money(Decimal("0.005"), ORE) == Decimal("0.01")


def test_page_pdf_xlsx_and_api_agree_on_a_half_krone(world, client, report_round: ReportRound) -> None:
    measure = make_measure(
        cluster=world.cluster,
        title="Felles sveisekurs",
        fixed_cost=Decimal("1001"),
        cost_per_participant=Decimal("0"),
        funding_share=Decimal("0"),
        source_round=report_round.round,
        areas=["digital-ai"],
    )
    for membership in (world.membership, world.other_membership):
        MeasureInterestFactory(measure=measure, membership=membership, participants=1)

    # The page.
    client.force_login(world.users["manager"])
    page = client.get(reverse("measures:detail", args=[world.cluster.slug, measure.pk])).content.decode()
    assert "501\u202fkr" in page or "501 kr" in page
    assert "500 kr" not in page and "500\u202fkr" not in page

    # The API: øre, rounded half up by the same function.
    _token, secret = api_token_create(user=world.users["manager"], name="test")
    costs = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/measures/{measure.pk}/costs",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    ).json()
    shares = [Decimal(row["cost_shared"]) for row in costs["rows"]]
    assert shares == [Decimal("500.50"), Decimal("500.50")]
    assert {round_money(share) for share in shares} == {Decimal("501")}

    with scope(world.cluster):
        data = needs_report_data(cluster=world.cluster, round=report_round.round, language="nb")
        with translation.override("nb"):
            printable = needs_report.pdf_data(data)
            pdf = needs_report.needs_report_pdf(data)
            workbook = load_workbook(io.BytesIO(needs_report.needs_report_xlsx(data)))

    # The PDF.
    rows = printable["measures"][0]["rows"]
    assert [row[2] for row in rows] == ["501 kr", "501 kr"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "501\u202fkr" in text or "501 kr" in text

    # The XLSX: whole kroner in the cell, shown with the kroner format.
    sheet = workbook["Tiltak"]
    header = [cell.value for cell in sheet[1]]
    shared = header.index("Delt kostnad") + 1
    cells = [sheet.cell(row=row, column=shared) for row in (2, 3)]
    assert [cell.value for cell in cells] == [501, 501]
    assert {cell.number_format for cell in cells} == {needs_report.XLSX_KRONER["nb"]}
