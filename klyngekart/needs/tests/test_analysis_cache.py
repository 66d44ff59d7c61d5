"""The needs figures are cached under the release's name and everything else they depend on; no
view reads a raw answer; the heatmap by company is paged, most needs first, with the pooled column on
every page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.needs import analysis as sel
from klyngekart.surveys.models import Round
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, fill, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(world) -> ResultsRound:  # type: ignore[no-untyped-def]
    """Three companies above k (7, 7 and 6 answers) and two below it that reach k together."""
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 7, seed=1)
    fill(made.add_company(world.other_membership), 7, seed=2)
    fill(made.add_company(), 6, seed=3, text="Too few apprentices")
    fill(made.add_company(), 2, seed=4)
    fill(made.add_company(), 3, seed=5, text="Too few apprentices")
    release(made.round)
    return made


def _fresh(round_: Round) -> Round:
    with scopes_disabled():
        return Round.objects.select_related("cluster").get(pk=round_.pk)


def _analysis(made: ResultsRound, **kwargs: Any) -> sel.NeedsAnalysis:
    with scope(made.round.cluster):
        return sel.needs_analysis(round=_fresh(made.round), **kwargs)


def test_the_api_ranking_equals_the_page(world, mapped) -> None:
    page = _analysis(mapped)
    with scope(world.cluster):
        api_rows = sel.needs_ranking(_fresh(mapped.round))
    assert {row.code: row.respondents for row in api_rows} == {
        row.code: row.respondents for row in page.ranking
    }
    assert page.respondents.value == 7 + 7 + 6 + 2 + 3


def test_no_view_reads_a_raw_answer(world, mapped) -> None:
    """Figures come from the release's sums, free text from its scrubbed copy: the answers stay
    untouched whether the page is read once or again."""
    for _view in range(2):
        with CaptureQueriesContext(connection) as queries:
            result = _analysis(mapped)
        raw = [q["sql"] for q in queries.captured_queries if re.search(r"surveys_(gap)?answer\b", q["sql"])]
        assert raw == []
    assert any(
        "Too few apprentices 0" in [item.text for item in group.items.value or []] for group in result.texts
    )


def test_a_change_of_k_changes_the_columns(world, mapped) -> None:
    """At k=5 three companies have a column; at k=6 the two small ones (5 together) no longer
    reach k, so the smallest company with a column joins their pool."""
    before = _analysis(mapped)
    world.cluster.anonymity_threshold = 6
    world.cluster.save(update_fields=["anonymity_threshold"])
    after = _analysis(mapped)
    own = [column for column in before.heatmap.columns if not column.pooled]
    assert len(own) == 3 and before.k == 5
    assert after.k == 6
    assert [column.key for column in after.heatmap.columns if not column.pooled] == [
        column.key for column in own if column.key != str(mapped.companies[2].pk)
    ]


def test_a_company_moving_to_another_segment_shows_without_a_new_answer(world, mapped) -> None:
    """Segments are what the companies are now (size, NACE, region, as the cluster records them),
    not part of the answers."""
    before = _analysis(mapped, heat="size")
    company = mapped.companies[1].membership
    with scopes_disabled():
        company.employees = 400
        company.save()
    after = _analysis(mapped, heat="size")
    assert company.size_class not in [column.key for column in before.heatmap.columns]
    assert company.size_class in [column.key for column in after.heatmap.columns]
    filtered = _analysis(mapped, segment=("size", company.size_class))
    assert all(row.companies <= 1 for row in filtered.ranking)


def test_the_threshold_is_part_of_what_is_cached(world, mapped) -> None:
    loose = _analysis(mapped, threshold=Decimal("0"))
    strict = _analysis(mapped, threshold=Decimal("4"))
    assert sum(row.breadth for row in loose.ranking) > sum(row.breadth for row in strict.ranking) == 0


def _needs_per_column(analysis: sel.NeedsAnalysis) -> list[int]:
    columns = [index for index, column in enumerate(analysis.heatmap.columns) if not column.pooled]
    counts = []
    for index in columns:
        values = [row.cells[index].value for row in analysis.heatmap.rows]
        counts.append(len([value for value in values if value is not None and value >= analysis.threshold]))
    return counts


def test_the_full_heatmap_orders_companies_by_need(world, mapped) -> None:
    full = _analysis(mapped, threshold=Decimal("1.5"))
    assert full.heatmap.page is None
    needs = _needs_per_column(full)
    assert len(needs) == 3 and needs == sorted(needs, reverse=True)
    assert full.heatmap.columns[-1].pooled


def test_heatmap_pages(world, mapped) -> None:
    full = _analysis(mapped, threshold=Decimal("1.5"))
    order = [column.key for column in full.heatmap.columns if not column.pooled]
    pages = [
        _analysis(mapped, threshold=Decimal("1.5"), heat_page=number, heat_per_page=2) for number in (1, 2)
    ]
    assert [page.heatmap.page.number for page in pages] == [1, 2]  # type: ignore[union-attr]
    assert all(page.heatmap.page.pages == 2 and page.heatmap.page.total == 3 for page in pages)  # type: ignore[union-attr]
    shown = [[column.key for column in page.heatmap.columns if not column.pooled] for page in pages]
    assert shown == [order[:2], order[2:]]
    # The pooled column, the same on every page.
    pooled = [[row.cells[-1] for row in page.heatmap.rows] for page in pages]
    assert pooled[0] == pooled[1] == [row.cells[-1] for row in full.heatmap.rows]
    assert all(page.heatmap.columns[-1].pooled for page in pages)
    # Past the end is the last page; nothing before the first.
    assert _analysis(mapped, heat_page=99, heat_per_page=2).heatmap.page.number == 2  # type: ignore[union-attr]
    assert _analysis(mapped, heat_page=0, heat_per_page=2).heatmap.page.number == 1  # type: ignore[union-attr]


def test_the_page_links_keep_the_other_choices(world, mapped, login, english, monkeypatch) -> None:
    monkeypatch.setattr(sel, "HEAT_PAGE_SIZE", 2)
    client = login(world.users["manager"])
    base = reverse("needs:index", args=[world.cluster.slug])
    query = f"round={mapped.round.pk}&threshold=1.5&sort=depth"
    first = client.get(f"{base}?{query}").content.decode()
    links = re.findall(r'href="\?([^"#]*)#kk-heatmap"', first)
    assert len(links) == 1  # "next" only
    assert "heat_page=2" in links[0] and "threshold=1.5" in links[0] and "sort=depth" in links[0]
    assert "Companies 1–2 of 3" in first
    assert "The full matrix with every company is in the needs report (Excel)." in first
    second = client.get(f"{base}?{links[0].replace('&amp;', '&')}").content.decode()
    assert "Companies 3–3 of 3" in second
    back = re.findall(r'href="\?([^"#]*)#kk-heatmap"', second)
    assert len(back) == 1 and "heat_page=1" in back[0]
    # A company's name is on exactly one page; the pooled column is on both.
    names = [part.membership.name for part in mapped.companies[:3]]
    assert (
        sorted(name for name in names if name in first) + sorted(name for name in names if name in second)
        != []
    )
    assert sum(name in first for name in names) == 2 and sum(name in second for name in names) == 1
    assert "Other companies (pooled)" in first and "Other companies (pooled)" in second
    assert client.get(f"{base}?{query}&heat_page=abc").status_code == 200


def test_the_segment_heatmap_is_not_paged(world, mapped, login, english) -> None:
    client = login(world.users["manager"])
    body = client.get(reverse("needs:index", args=[world.cluster.slug]) + "?heat=size").content.decode()
    assert "kk-heatmap" in body and "Companies 1–" not in body
