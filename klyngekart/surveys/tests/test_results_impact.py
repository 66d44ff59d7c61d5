"""Impact (difference in differences) on the read side: the arithmetic on known answers, the
choice of rounds, and, as an attacker would try it, that no figure of an impact page (beside the
company cells and the cluster's figure the cluster team also sees, and beside another measure's
impact) isolates fewer than k people's answers."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import combinations
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys import results
from klyngekart.surveys.models import AreaAggregate, QuestionAggregate, SegmentCount
from klyngekart.surveys.tests.factories import (
    QuestionFactory,
    RoundFactory,
    SectionFactory,
    SurveyFactory,
    SurveyVersionFactory,
)
from klyngekart.surveys.tests.results_world import answer_gaps, dated_round, mark_released

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    # The reasons are read in English here.
    with translation.override("en"):
        yield


AREA = "digital-ai"


@pytest.fixture
def two_rounds(world) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    before = dated_round(world.cluster, datetime.date(2025, 1, 10))
    with scopes_disabled():
        memberships = [company.membership for company in before.companies]
    after = dated_round(world.cluster, datetime.date(2026, 1, 10), memberships)
    return before, after


def _answer(made: Any, index: int, count: int, level: int) -> None:
    answer_gaps(made, index, count, level=level, areas=(AREA,))


def _members(made: Any, *indexes: int) -> set[int]:
    return {made.companies[i].membership_id for i in indexes}


def test_difference_in_differences_of_known_answers(world, two_rounds) -> None:
    before, after = two_rounds
    for index in range(4):
        _answer(before, index, 5, level=2)  # everyone's gap 2 before
    _answer(after, 0, 5, level=4)  # the participants close the gap (0) ...
    _answer(after, 1, 6, level=4)
    _answer(after, 2, 5, level=3)  # ... the others halve it (1)
    _answer(after, 3, 7, level=3)
    with scope(world.cluster):
        found = results.impact(
            before=before.round, after=after.round, membership_ids=_members(before, 0, 1), area_codes=[AREA]
        )
    row = found.areas[0]
    assert not row.suppressed and row.reason == ""
    assert row.did.value == Decimal("-1.00")  # (0 − 2) − (1 − 2)
    assert row.before_participants.gap.value == Decimal("2.00")
    assert row.after_others.gap.value == Decimal("1.00")
    assert (row.after_participants.companies, row.after_participants.respondents.value) == (2, 11)
    assert (row.after_others.companies, row.after_others.respondents.value) == (2, 12)
    assert row.participants_change == Decimal("-2.00") and row.others_change == Decimal("-1.00")


def test_a_small_group_suppresses_the_whole_figure_with_the_reason(world, two_rounds) -> None:
    before, after = two_rounds
    for made in (before, after):
        _answer(made, 0, 3, level=2)  # the participants: 3 people, below k (5)
        for index in (1, 2, 3):
            _answer(made, index, 5, level=3)
    with scope(world.cluster):
        found = results.impact(
            before=before.round, after=after.round, membership_ids=_members(before, 0), area_codes=[AREA]
        )
    row = found.areas[0]
    assert row.suppressed and "participating companies" in row.reason
    for group in (row.before_participants, row.before_others, row.after_participants, row.after_others):
        assert group.gap.suppressed
    assert row.after_participants.respondents.suppressed  # 3 people: not even the count
    assert row.after_others.respondents.value == 15


def test_another_measure_beside_it_may_not_single_out_a_small_group(world, two_rounds) -> None:
    before, after = two_rounds
    for made in (before, after):
        _answer(made, 0, 2, level=2)  # two small companies, pooled: no cells of their own
        _answer(made, 1, 5, level=2)
        _answer(made, 2, 3, level=3)
        _answer(made, 3, 6, level=1)
    group = _members(before, 0, 2, 3)
    with scope(world.cluster):
        alone = results.impact(
            before=before.round, after=after.round, membership_ids=group, area_codes=[AREA]
        )
        beside = results.impact(
            before=before.round,
            after=after.round,
            membership_ids=group,
            area_codes=[AREA],
            shown_alongside=[_members(before, 2, 3)],  # differs by company 0: two people
        )
    assert not alone.areas[0].suppressed
    assert beside.areas[0].suppressed and "another measure" in beside.areas[0].reason


def test_rounds_before_and_after(world, two_rounds) -> None:
    before, after = two_rounds
    with scope(world.cluster):
        chosen = results.impact_rounds(
            cluster=world.cluster,
            source_round_id=None,
            starts_on=datetime.date(2025, 3, 1),
            ends_on=datetime.date(2025, 6, 1),
        )
        assert chosen == (before.round, after.round)
        assert results.impact_rounds(
            cluster=world.cluster,
            source_round_id=before.round.pk,
            starts_on=None,
            ends_on=datetime.date(2026, 2, 1),
        ) == (before.round, None)
        nothing = results.impact(before=None, after=after.round, membership_ids=set(), area_codes=[AREA])
    assert nothing.areas == [] and nothing.reason
    # A released member survey between the measure and the next mapping measures no gap: it is
    # never the round after.
    survey = SurveyFactory(cluster=world.cluster, kind="annual_member")
    version = SurveyVersionFactory(survey=survey, cluster=world.cluster)
    QuestionFactory(section=SectionFactory(version=version, cluster=world.cluster), type="likert")
    member_survey = RoundFactory(
        survey_version=version,
        cluster=world.cluster,
        opens_on=datetime.date(2025, 9, 1),
        closes_on=datetime.date(2025, 9, 20),
    )
    mark_released(member_survey)  # type: ignore[arg-type]
    with scope(world.cluster):
        assert results.impact_rounds(
            cluster=world.cluster,
            source_round_id=before.round.pk,
            starts_on=None,
            ends_on=datetime.date(2025, 6, 1),
        ) == (before.round, after.round)


# --- the attacker ------------------------------------------------------------------------------

PEOPLE = st.lists(st.integers(min_value=0, max_value=12), min_size=4, max_size=4)
GROUP = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=3, unique=True)


def _reset(*made: Any) -> None:
    cache.clear()
    with scopes_disabled():
        for model in (SegmentCount, AreaAggregate, QuestionAggregate):
            model.objects.filter(round__in=[m.round for m in made]).delete()


def _known_sets(made: Any, k: int) -> list[frozenset[int]]:
    """What the cluster team sees of a round in the area beside the impact: the cluster's figure,
    each company cell shown and the pooled cell (as sets of company indexes)."""
    cells = results.company_cells(made.round, [AREA])
    index = {company.pk: i for i, company in enumerate(made.companies)}
    shown = [frozenset({index[rc]}) for rc in cells.area_cells.get(AREA, set())]
    pool = cells.pool_ids(AREA)
    if cells.area_n(AREA, pool) >= k:
        shown.append(frozenset(index[rc] for rc in pool))
    if cells.area_n(AREA) >= k:
        shown.append(frozenset(range(4)))
    for kind in results.SEGMENT_KINDS:
        groups = results.segment_groups(cells, kind)
        for value, cell in results.segment_cells(cells, kind, AREA).items():
            if not cell.suppressed:
                shown.append(frozenset(index[rc] for rc in groups[value]))
    return shown


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=PEOPLE, second=PEOPLE, group_a=GROUP, group_b=GROUP, k=st.integers(min_value=3, max_value=5))
def test_no_impact_figure_isolates_fewer_than_k(
    world, two_rounds, first, second, group_a, group_b, k
) -> None:
    before, after = two_rounds
    _reset(before, after)
    for made in (before, after):
        made.round.cluster.anonymity_threshold = k
    for made, people in ((before, first), (after, second)):
        for index, count in enumerate(people):
            _answer(made, index, count, level=(index % 4) + 1)
    with scope(world.cluster):
        assert results.company_cells(before.round, [AREA]).k == k
        groups = [set(group_a), set(group_b)]
        figures = {}
        for mine, other in ((0, 1), (1, 0)):
            found = results.impact(
                before=before.round,
                after=after.round,
                membership_ids=_members(before, *groups[mine]),
                area_codes=[AREA],
                shown_alongside=[_members(before, *groups[other])],
            )
            figures[mine] = found.areas[0]
        for made, people, when in ((before, first, "before"), (after, second, "after")):
            sets = _known_sets(made, k)
            for mine, row in figures.items():
                if row.suppressed:
                    continue
                part = frozenset(groups[mine])
                others = frozenset(range(4)) - part
                for group, figure in (
                    (part, getattr(row, f"{when}_participants")),
                    (others, getattr(row, f"{when}_others")),
                ):
                    assert not figure.gap.suppressed
                    assert sum(people[i] for i in group) >= k
                    sets.append(group)

            def n(group: frozenset[int], people: list[int] = people) -> int:
                return sum(people[i] for i in group)

            # Whatever one shown figure minus another nested in it leaves, and whatever a group
            # minus all the single company cells inside it leaves, is no one or at least k people.
            for one, two in combinations(set(sets), 2):
                if one <= two or two <= one:
                    left = n(one ^ two)
                    assert left == 0 or left >= k, (one, two, people)
            singles = [s for s in sets if len(s) == 1]
            for group in sets:
                inside = frozenset().union(*[s for s in singles if s <= group])
                left = n(group - inside)
                assert left == 0 or left >= k, (group, people)
