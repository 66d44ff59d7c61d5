"""The needs analysis selectors: suppression and pooling in every heatmap cell, segments, the
ranking's formulas (also as properties), strategies against employees and the trend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.needs import analysis as sel
from klyngekart.needs.tests.factories import MembershipStrategyFactory
from klyngekart.surveys import results as res
from klyngekart.surveys.models import AreaAggregate, Round, RoundCompany, SegmentCount
from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey
from klyngekart.surveys.tests.results_world import build_round, fill, mark_released, release

pytestmark = pytest.mark.django_db

CODES = ("digital-ai", "green-energy", "lean")
K = 5


def _round(world: Any, **kwargs: Any) -> Round:
    made = gap_survey(world.cluster, area_codes=CODES)
    round_ = made["round"]
    with scopes_disabled():
        for field, value in kwargs.items():
            setattr(round_, field, value)
        round_.save()
        return Round.objects.select_related("cluster").get(pk=round_.pk)


def _company(
    round_: Round, n: int, gaps: dict[str, tuple[int, int]], membership: Any = None, **company: Any
) -> RoundCompany:
    """A company in the round with ``n`` respondents and, per area, (answers, sum of gaps);
    ``company`` facts (size class, region...) as the cluster records them."""
    membership = membership or MembershipFactory(cluster=round_.cluster)
    if company:
        with scopes_disabled():
            Membership.objects.filter(pk=membership.pk).update(**company)
    part: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=round_, cluster=round_.cluster, membership=membership
    )
    with scopes_disabled():
        SegmentCount.objects.create(cluster=round_.cluster, round=round_, round_company=part, n=n)
        for code, (count, sum_gap) in gaps.items():
            AreaAggregate.objects.create(
                cluster=round_.cluster,
                round=round_,
                round_company=part,
                area_code=code,
                n=count,
                sum_gap=sum_gap,
            )
    return part


def _analysis(round_: Round, **kwargs: Any) -> sel.NeedsAnalysis:
    """The analysis of a round whose aggregates the test wrote itself, released as they stand."""
    for released in (round_, kwargs.get("compare")):
        if released is not None:
            mark_released(released)
    with scope(round_.cluster):
        return sel.needs_analysis(round=round_, **kwargs)


def _columns(result: sel.NeedsAnalysis) -> dict[str, int]:
    return {column.key: index for index, column in enumerate(result.heatmap.columns)}


def _cell(result: sel.NeedsAnalysis, code: str, key: str) -> Any:
    row = next(row for row in result.heatmap.rows if row.code == code)
    return row.cells[_columns(result)[key]]


def test_small_companies_are_pooled_and_never_get_a_column(world) -> None:
    round_ = _round(world)
    big = _company(round_, 8, {"digital-ai": (8, 16), "lean": (8, 0), "green-energy": (3, 9)})
    mid = _company(round_, 6, {"digital-ai": (6, 3), "lean": (6, 12), "green-energy": (6, 6)})
    small = _company(round_, 2, {"digital-ai": (2, 8), "lean": (2, 2), "green-energy": (2, 2)})
    tiny = _company(round_, 3, {"digital-ai": (3, 9), "lean": (3, 3), "green-energy": (3, 3)})
    result = _analysis(round_)
    keys = _columns(result)
    assert str(small.pk) not in keys and str(tiny.pk) not in keys
    assert result.heatmap.columns[-1].pooled
    assert _cell(result, "digital-ai", str(big.pk)).value == Decimal("2.00")
    assert _cell(result, "digital-ai", str(mid.pk)).value == Decimal("0.50")
    # The pool: 5 answers of the two small companies, (8 + 9) / 5.
    pool = _cell(result, "digital-ai", sel.POOL)
    assert (pool.value, pool.n) == (Decimal("3.40"), 5)
    # big has 3 answers for green-energy: hidden, and it joins the pool of that area.
    assert _cell(result, "green-energy", str(big.pk)).suppressed
    assert _cell(result, "green-energy", sel.POOL).n == 8
    # Every shown cell has at least k answers.
    for row in result.heatmap.rows:
        for cell in row.cells:
            assert cell.suppressed or (cell.n or 0) >= K


def test_a_pool_below_k_takes_the_smallest_company_with_it(world) -> None:
    round_ = _round(world)
    big = _company(round_, 9, dict.fromkeys(CODES, (9, 9)))
    mid = _company(round_, 6, dict.fromkeys(CODES, (6, 12)))
    small = _company(round_, 2, dict.fromkeys(CODES, (2, 8)))
    result = _analysis(round_)
    keys = _columns(result)
    assert str(big.pk) in keys
    assert str(mid.pk) not in keys and str(small.pk) not in keys
    pool = _cell(result, "lean", sel.POOL)
    assert (pool.value, pool.n) == (Decimal("2.50"), 8)


def test_a_round_below_k_shows_nothing(world) -> None:
    round_ = _round(world)
    _company(round_, 4, dict.fromkeys(CODES, (4, 8)))
    result = _analysis(round_)
    assert result.respondents.suppressed
    assert all(cell.suppressed for row in result.heatmap.rows for cell in row.cells)
    assert all(row.depth is None and row.priority is None for row in result.ranking)


def test_segments_need_k_in_the_segment_and_in_the_rest(world) -> None:
    round_ = _round(world)
    _company(round_, 6, dict.fromkeys(CODES, (6, 6)), size_class="small")
    _company(round_, 6, dict.fromkeys(CODES, (6, 18)), size_class="small")
    _company(round_, 7, {"digital-ai": (7, 14), "lean": (4, 4), "green-energy": (7, 7)}, size_class="large")
    result = _analysis(round_, heat="size")
    assert [column.key for column in result.heatmap.columns] == ["small", "large"]
    small = _cell(result, "digital-ai", "small")
    assert (small.value, small.n) == (Decimal("2.00"), 12)
    assert _cell(result, "digital-ai", "large").value == Decimal("2.00")
    # lean: the large company has 4 answers, so "large" is hidden, and "small" with it (the rest).
    assert _cell(result, "lean", "large").suppressed
    assert _cell(result, "lean", "small").suppressed


def test_a_segment_that_would_reveal_a_pooled_company_is_hidden(world) -> None:
    round_ = _round(world)
    _company(round_, 6, dict.fromkeys(CODES, (6, 6)), region="46")
    _company(round_, 3, dict.fromkeys(CODES, (3, 12)), region="46")
    _company(round_, 3, dict.fromkeys(CODES, (3, 3)), region="03")
    _company(round_, 6, dict.fromkeys(CODES, (6, 0)), region="03")
    result = _analysis(round_, heat="region")
    # Region 46 = a shown company + one pooled company of 3: subtracting would reveal the latter.
    assert _cell(result, "lean", "46").suppressed
    assert _cell(result, "lean", "03").suppressed


def test_ranking_breadth_depth_priority(world) -> None:
    round_ = _round(world)
    _company(round_, 5, {"digital-ai": (5, 10), "lean": (5, 0)}, size_class="micro")
    _company(round_, 5, {"digital-ai": (5, 5), "lean": (5, -5)}, size_class="micro")
    _company(round_, 5, {"digital-ai": (5, 0), "lean": (5, -5)}, size_class="large")
    result = _analysis(round_)
    rows = {row.code: row for row in result.ranking}
    digital = rows["digital-ai"]
    assert (digital.breadth, digital.companies) == (2, 3)
    assert digital.depth == Decimal("1.00")
    assert digital.breadth_share == Decimal("0.6667")
    assert digital.priority == Decimal("0.67")
    assert digital.respondents == 15
    assert rows["lean"].priority == Decimal("0.00")  # a negative depth counts as zero
    assert rows["green-energy"].depth is None and rows["green-energy"].priority is None
    assert result.ranking[0].code == "digital-ai"
    # A stricter threshold: only the company with a mean gap of 2.
    strict = {row.code: row for row in _analysis(round_, threshold=Decimal("1.5")).ranking}
    assert strict["digital-ai"].breadth == 1
    # Filtered to micro companies: 10 answers in the segment, 5 in the rest.
    micro = {row.code: row for row in _analysis(round_, segment=("size", "micro")).ranking}
    assert (micro["digital-ai"].breadth, micro["digital-ai"].companies) == (2, 2)
    assert micro["digital-ai"].depth == Decimal("1.50")


@settings(max_examples=60, deadline=None)
@given(
    companies=st.lists(
        st.tuples(st.integers(0, 12), st.lists(st.integers(-4, 4), min_size=0, max_size=12)),
        min_size=1,
        max_size=6,
    ),
    threshold=st.decimals(min_value=0, max_value=4, places=1),
)
def test_ranking_properties(companies: list[tuple[int, list[int]]], threshold: Decimal) -> None:
    """breadth never exceeds the companies with a shown cell; priority lies in [0, max gap]."""
    counts = {}
    areas = {}
    for rc_id, (n, gaps) in enumerate(companies, start=1):
        answered = gaps[:n]
        counts[(rc_id, "")] = n
        if answered:
            total = sum(answered)
            areas[(rc_id, "", "lean")] = (len(answered), 0, 0, 0, 0, total, 0)
    ids = list(range(1, len(companies) + 1))
    data = res.RoundData(counts=counts, areas=areas, company_ids=ids)
    parts = {rc_id: res.CompanyInfo(rc_id, f"Company {rc_id}", "", "", "") for rc_id in ids}
    rn = res.build_company_cells(Round(), K, data, parts, ["lean"])
    (row,) = sel.ranking(rn, [("lean", "Lean")], threshold=threshold)
    assert row.breadth <= row.companies <= len([i for i in ids if counts[(i, "")] >= K])
    for rc_id in rn.area_cells["lean"]:
        assert data.area(rc_id, "", "lean").n >= K
    if row.priority is not None:
        assert Decimal(0) <= row.priority <= Decimal(4)
    if row.depth is not None:
        assert (row.respondents or 0) >= K


def test_strategies_are_counted_and_disagreement_marked(world) -> None:
    round_ = _round(world, opens_on=dt.date(2026, 3, 1))
    _company(round_, 5, {"digital-ai": (5, 15), "lean": (5, 0), "green-energy": (5, 5)})
    _company(round_, 5, {"digital-ai": (5, 15), "lean": (5, 0), "green-energy": (5, 5)})
    MembershipStrategyFactory(
        membership=world.membership, year=2026, status="submitted", priority_areas=["lean", "green-energy"]
    )
    MembershipStrategyFactory(
        membership=world.other_membership, year=2026, status="submitted", priority_areas=["lean"]
    )
    MembershipStrategyFactory(
        membership=MembershipFactory(cluster=world.cluster), year=2026, priority_areas=["lean"]
    )
    MembershipStrategyFactory(
        membership=MembershipFactory(cluster=world.cluster),
        year=2025,
        status="submitted",
        priority_areas=["lean"],
    )
    result = _analysis(round_)
    rows = {row.code: row for row in result.ranking}
    assert rows["lean"].strategy_priority_count == 2  # the draft and the other year do not count
    assert rows["green-energy"].strategy_priority_count == 1
    assert rows["digital-ai"].strategy_priority_count == 0
    compared = {row.code: row for row in result.strategies}
    assert compared["lean"].strategy_rank == 1
    # Top of the employees' list, in no strategy at all: disagree.
    assert compared["digital-ai"].employee_rank == 1 and compared["digital-ai"].disagree
    assert not compared["green-energy"].disagree


def test_the_trend_compares_two_rounds(world) -> None:
    then = _round(world, opens_on=dt.date(2025, 3, 1))
    now = _round(world, opens_on=dt.date(2026, 3, 1))
    _company(then, 5, {"digital-ai": (5, 5), "lean": (5, 15)}, membership=world.membership)
    _company(now, 5, {"digital-ai": (5, 10), "lean": (5, 5)}, membership=world.membership)
    result = _analysis(now, compare=then)
    trend = {row.code: row for row in result.trend}
    assert (trend["digital-ai"].depth_then, trend["digital-ai"].depth_now) == (
        Decimal("1.00"),
        Decimal("2.00"),
    )
    assert trend["digital-ai"].depth_change == Decimal("1.00")
    assert (trend["lean"].breadth_then, trend["lean"].breadth_now) == (1, 1)
    assert trend["green-energy"].depth_now is None


def test_free_text_is_shown_from_k_answers_across_companies(world) -> None:
    few = build_round(world.cluster)
    fill(few.add_company(), 3, text="Lack of welders")
    fill(few.add_company(), 1, seed=4, text="No time for courses")
    (group,) = _analysis(release(few.round)).texts
    assert group.items.suppressed
    enough = build_round(world.cluster)
    fill(enough.add_company(), 3, text="Lack of welders")
    fill(enough.add_company(), 2, seed=4, text="No time for courses")
    (group,) = _analysis(release(enough.round)).texts
    assert sorted(item.text for item in group.items.value or []) == sorted(
        [f"Lack of welders {i}" for i in range(3)] + [f"No time for courses {i}" for i in range(2)]
    )
