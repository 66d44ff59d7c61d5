"""Suggested priority areas: from the company's own released figures, only when they reach k."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.needs.selectors import suggested_areas
from klyngekart.needs.tests.conftest import mapping
from klyngekart.surveys.results.membership import SUGGESTED_COUNT

pytestmark = pytest.mark.django_db


def _suggest(world, area_codes=None):  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        return suggested_areas(membership=world.membership, area_codes=area_codes)


def test_no_mapping_means_no_suggestion(world):
    suggestion = _suggest(world)
    assert suggestion.round is None and suggestion.codes == [] and not suggestion.too_few


def test_below_k_nothing_is_suggested_and_the_page_can_say_why(world):
    # k is 5: four respondents with large gaps must not shape the suggestion at all.
    round_ = mapping(world, n=4, gaps={"lean": (4, 12), "export": (4, 8)})

    suggestion = _suggest(world)

    assert suggestion.too_few
    assert suggestion.codes == []
    assert suggestion.round == round_


def test_at_k_the_areas_with_the_largest_mean_gap_are_suggested(world):
    mapping(
        world,
        n=5,
        gaps={
            "lean": (5, 10),  # mean 2
            "export": (5, 14),  # mean 2.8
            "hse": (5, 5),  # mean 1
            "robotics": (5, 0),  # no gap: never suggested
            "leadership": (5, -3),  # level above importance: never suggested
        },
    )

    suggestion = _suggest(world)

    assert not suggestion.too_few
    assert suggestion.codes == ["export", "lean", "hse"]


def test_an_area_rated_by_fewer_than_k_is_left_out(world):
    mapping(world, n=8, gaps={"lean": (8, 8), "export": (2, 8)})
    assert _suggest(world).codes == ["lean"]


def test_at_most_a_handful_and_only_areas_of_the_current_taxonomy(world):
    gaps = {f"area-{i}": (6, 6 + i) for i in range(9)}
    mapping(world, n=6, gaps=gaps)

    assert len(_suggest(world).codes) == SUGGESTED_COUNT
    assert _suggest(world).codes[0] == "area-8"
    assert _suggest(world, area_codes=["area-1", "area-2"]).codes == ["area-2", "area-1"]


def test_the_latest_released_round_counts_and_open_rounds_and_drafts_do_not(world):
    today = timezone.localdate()
    mapping(world, n=10, gaps={"lean": (10, 20)}, opens_on=today - dt.timedelta(days=400))
    mapping(world, n=10, gaps={"export": (10, 20)}, opens_on=today - dt.timedelta(days=30))
    mapping(world, n=10, gaps={"robotics": (10, 20)}, status="open", opens_on=today - dt.timedelta(days=5))
    mapping(world, n=10, gaps={"hse": (10, 20)}, status="draft", opens_on=today)

    assert _suggest(world).codes == ["export"]


def test_a_neighbours_mapping_is_never_used(world):
    neighbour = type(world)(
        cluster=world.cluster,
        membership=world.other_membership,
        other_membership=world.membership,
        users=world.users,
    )
    mapping(neighbour, n=20, gaps={"lean": (20, 60)})

    assert _suggest(world).round is None


def test_suggestions_read_aggregates_not_raw_answers(world):
    mapping(world, n=6, gaps={"lean": (6, 12)})
    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        _suggest(world)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "surveys_areaaggregate" in tables
    assert "surveys_answer" not in tables and "surveys_gapanswer" not in tables
    assert "surveys_response" not in tables.replace("surveys_responsedraft", "")
