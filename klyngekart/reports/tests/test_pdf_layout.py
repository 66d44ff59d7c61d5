"""The PDFs fit their pages: every page is read back with pypdfium2 and nothing (text, chart,
table rule) may lie outside the page box, no text may be drawn over other text (the needs
heatmap's company headers did), and no page may hold only a heading whose content went to the
next page. Checked at the demo's size (43 competence areas) and at 400 companies."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from klyngekart.core.charts import grouped_bar_chart
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.reports import needs_report
from klyngekart.reports.company_results import CHART_AREAS, chart_parts
from klyngekart.reports.needs_data import (
    CostRow,
    Heatmap,
    HeatmapRow,
    MeasureSummary,
    NeedsReportData,
    RankingRow,
    StrategyRow,
    TextGroup,
    TrendRow,
)
from klyngekart.reports.renderer import compile_pdf
from klyngekart.reports.tests.pdf_layout import check_pdf, layout_problems, overlapping_text
from klyngekart.surveys.tests.results_world import answers, build_round, release, submit
from klyngekart.taxonomy.models import CompetenceArea

# As long as the demo's longest names, so labels and table cells wrap as they do there.
AREA_NAMES = [
    "Kunstig intelligens og maskinlæring",
    "Bærekraftsrapportering og samfunnsansvar",
    "Tingenes internett og sensorteknologi",
    "Fornybar energi og energilagring",
    "Helse, miljø og sikkerhet (HMS)",
    "Internasjonalisering og eksport",
    "Klimaregnskap og miljøåpvirkning",
    "Digitale verktøy i hverdagen",
]
AREAS = 43
COMPANY_NAMES = [
    "Hitra Havbrukstjenester AS",
    "Trondheimsleia Automasjon AS",
    "Kristiansund Offshore Logistikk AS",
    "Kinn Fartøyelektrifisering AS",
    "Sunnfjord Smoltanlegg AS",
]


def _area_name(index: int) -> str:
    return f"{AREA_NAMES[index % len(AREA_NAMES)]} {index + 1}"


def _assert_fits(content: bytes) -> None:
    assert layout_problems(content) == []
    assert overlapping_text(content) == []


def test_the_checks_find_what_falls_off_the_page_an_orphan_heading_and_overlapping_text(tmp_path: Path):
    template = tmp_path / "broken.typ"
    template.write_text(
        '#set page(paper: "a4", margin: 2cm)\n'
        "#place(dx: -4cm, dy: 2cm)[Outside on the left]\n"
        "#lorem(40)\n"
        "#place(dx: 0cm, dy: 8cm)[#text(size: 10pt)[Two texts on top of each other]]\n"
        "#place(dx: 1cm, dy: 8cm)[#text(size: 10pt)[Drawn over the first one]]\n"
        "#pagebreak()\n"
        '#text(size: 15pt, weight: "bold")[A heading left alone]\n'
        "#pagebreak()\n"
        "#lorem(200)\n",
        encoding="utf-8",
    )
    content = compile_pdf(template, {})
    problems = layout_problems(content)
    assert any(problem.startswith("page 1:") and "outside" in problem for problem in problems)
    assert any("page 2 holds only a heading" in problem for problem in problems)
    assert not any(problem.startswith("page 3") for problem in problems)
    assert overlapping_text(content)
    assert [report.only_heading for report in check_pdf(content)] == [False, True, False]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_company_pdf_of_43_areas_fits_its_pages(world, login, language: str) -> None:
    codes = tuple(f"area-{index}" for index in range(AREAS))
    made = build_round(world.cluster, area_codes=codes)
    with scopes_disabled():
        for index, area in enumerate(CompetenceArea.objects.filter(code__in=codes)):
            CompetenceArea.objects.filter(pk=area.pk).update(
                name_nb=_area_name(index), name_en=_area_name(index)
            )
    companies = [made.add_company(world.membership), made.add_company(world.other_membership)]
    rng = random.Random(13)  # noqa: S311 - test data
    for part, count in zip(companies, (8, 6), strict=True):
        for index in range(count):
            submit(part, answers(rng, role=("production", "office")[index % 2], area_codes=codes))
    release(made.round)
    client = login(world.users["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("reports:company_pdf", args=[world.cluster.slug, made.round.pk, companies[0].pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Saved under the company's and the round's names, readable, with an ASCII fallback.
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
    assert world.membership.company.name.split()[0] in disposition
    _assert_fits(response.content)
    # The chart follows its heading on the same page: the heading's page has more than text.
    heading = "Kompetansegap per område" if language == "nb" else "Competence gaps by area"
    first = next(page for page in check_pdf(response.content) if heading in page.text)
    assert not first.only_heading


def test_a_long_gap_chart_is_split_into_parts_that_share_one_scale() -> None:
    rows = []
    for index in range(AREAS):
        rows.append({"area": _area_name(index), "series": "Din bedrift", "value": 2.5 - index * 0.1})
        rows.append({"area": _area_name(index), "series": "Klynge", "value": 1.0})
    spec = grouped_bar_chart(
        rows,
        category="area",
        value="value",
        series="series",
        value_title="Gap",
        series_title="",
        order=[_area_name(index) for index in range(AREAS)],
    )
    parts = chart_parts(spec)
    assert len(parts) == -(-AREAS // CHART_AREAS) == 3
    assert [len(part["encoding"]["y"]["sort"]) for part in parts] == [15, 14, 14]
    assert [name for part in parts for name in part["encoding"]["y"]["sort"]] == spec["encoding"]["y"]["sort"]
    domains = [part["encoding"]["x"]["scale"]["domain"] for part in parts]
    assert domains == [[pytest.approx(-1.7), pytest.approx(2.5)]] * 3
    for part in parts:
        assert part["encoding"]["color"]["legend"] and part["encoding"]["x"]["title"] == "Gap"
        assert {row["area"] for row in part["data"]["values"]} == set(part["encoding"]["y"]["sort"])
    # A short chart stays one chart; an empty one is none.
    assert len(chart_parts({**spec, "data": {"values": rows[:10]}})) == 1
    assert chart_parts({**spec, "data": {"values": []}}) == []


def _needs_data(companies: int) -> NeedsReportData:
    rng = random.Random(7)  # noqa: S311 - test data
    names = [_area_name(index) for index in range(AREAS)]

    def gaps(columns: int) -> list[HeatmapRow]:
        return [
            HeatmapRow(
                label=name,
                cells=[
                    None if rng.random() < 0.1 else Decimal(rng.randint(-10, 25)) / 10 for _ in range(columns)
                ],
            )
            for name in names
        ]

    company_columns = [
        f"{COMPANY_NAMES[index % len(COMPANY_NAMES)]} {index + 1}" for index in range(companies)
    ] + ["Andre bedrifter (samlet)"]
    nace = [
        "A Jordbruk, skogbruk og fiske",
        "C Industri",
        "J Informasjon og kommunikasjon: forlagsvirksomhet, programmering og konsulentvirksomhet",
        "N Forretningsmessig tjenesteyting",
    ]
    heatmaps = [
        Heatmap(
            title="Per bedrift",
            kind="companies",
            columns=company_columns,
            rows=gaps(len(company_columns)),
            pooled=[False] * companies + [True],
        ),
        Heatmap(title="Per næring (NACE-hovedområde)", kind="nace", columns=nace, rows=gaps(len(nace))),
    ]
    money = Decimal("1001")
    costs = [
        CostRow(
            company=company_columns[index], participants=index + 1, shared=money, alone=money, saving=money
        )
        for index in range(6)
    ]

    def measure(title: str, rows: list[CostRow]) -> MeasureSummary:
        return MeasureSummary(
            title=title,
            status="Foreslått",
            format="Kurs",
            areas=names[:3],
            fixed_cost=Decimal("240000"),
            cost_per_participant=Decimal("2500"),
            funding_share=Decimal("0.4"),
            costs=rows,
            total_shared=sum((row.shared for row in rows), Decimal(0)),
            total_saving=sum((row.saving for row in rows), Decimal(0)),
        )

    return NeedsReportData(
        cluster="Demo Havbruk og Maritim Klynge",
        round_title="Kompetansekartlegging 2026",
        k=5,
        threshold=Decimal("1"),
        companies_invited=companies,
        companies_answered=companies,
        respondents=companies * 50,
        response_rate=Decimal("0.62"),
        ranking=[
            RankingRow(f"area-{index}", name, 12, Decimal("0.3"), Decimal("1.21"), Decimal("0.36"), 300, 2)
            for index, name in enumerate(names)
        ],
        heatmaps=heatmaps,
        strategies=[StrategyRow(name, 3, Decimal("1.2"), "I tråd") for name in names[:12]],
        texts=[TextGroup("Hva er de største utfordringene?", ["Vi mangler tid til kurs."] * 12)],
        trend_rounds=["Kartlegging 2025", "Kartlegging 2026"],
        trend=[TrendRow(name, [Decimal("1.1"), Decimal("1.3")], Decimal("0.2")) for name in names],
        measures=[measure("Felles sveisekurs", costs), measure("Dataanalyse for havbruk", [])],
    )


@pytest.mark.parametrize("companies", [12, 400])
def test_the_needs_pdf_fits_its_pages_up_to_400_companies(companies: int) -> None:
    with translation.override("nb"):
        content = needs_report.needs_report_pdf(_needs_data(companies))
    _assert_fits(content)
    text = "\n".join(page.text for page in check_pdf(content))
    # A measure no company has signed up for says so instead of "Totalt 0 kr".
    assert "Ingen interesse ennå" in text
    assert "Totalt 0 kr" not in text and "Totalt  0 kr" not in text
