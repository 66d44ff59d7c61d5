"""The score's arithmetic: parts from 0 to 1, weights normalised by their sum, parts that do not
apply left out, and the rules for members at risk and champions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from klyngekart.engagement import scoring
from klyngekart.engagement.models import EngagementSettings

TODAY = dt.date(2026, 12, 7)


def weights(**changes: int) -> EngagementSettings:
    return EngagementSettings(**changes)


def test_a_count_saturates_at_its_target():
    assert scoring.saturating(0, 4) == 0.0
    assert scoring.saturating(2, 4) == 0.5
    assert scoring.saturating(4, 4) == 1.0
    assert scoring.saturating(9, 4) == 1.0


def test_a_member_that_does_everything_scores_100_and_one_that_does_nothing_0():
    full = scoring.Inputs(
        strategy=True, response_rate=Decimal(1), registered=4, attended=3, feedback=3, measures=1
    )
    assert scoring.score_of(scoring.parts_of(full, weights()), weights()) == 100
    assert scoring.score_of(scoring.parts_of(scoring.Inputs(), weights()), weights()) == 0


def test_the_weights_are_normalised_by_their_sum():
    only_strategy = scoring.Inputs(strategy=True, response_rate=Decimal(0))
    # Strategy alone: 15 of the default 100 points.
    assert scoring.score_of(scoring.parts_of(only_strategy, weights()), weights()) == 15
    doubled = weights(
        weight_strategy=30,
        weight_response=40,
        weight_registered=30,
        weight_attended=50,
        weight_feedback=20,
        weight_measures=30,
    )
    assert scoring.score_of(scoring.parts_of(only_strategy, doubled), doubled) == 15


def test_a_part_weighted_zero_counts_for_nothing():
    only_strategy = weights(
        weight_strategy=1,
        weight_response=0,
        weight_registered=0,
        weight_attended=0,
        weight_feedback=0,
        weight_measures=0,
    )
    assert (
        scoring.score_of(scoring.parts_of(scoring.Inputs(strategy=True), only_strategy), only_strategy) == 100
    )
    assert scoring.score_of(scoring.parts_of(scoring.Inputs(attended=9), only_strategy), only_strategy) == 0


def test_the_response_rate_is_left_out_when_there_was_no_mapping_round():
    inputs = scoring.Inputs(strategy=True)
    parts = scoring.parts_of(inputs, weights())
    assert parts["response"] is None
    # 15 of the 80 points that apply.
    assert scoring.score_of(parts, weights()) == round(100 * 15 / 80)
    with_round = scoring.parts_of(scoring.Inputs(strategy=True, response_rate=Decimal(0)), weights())
    assert scoring.score_of(with_round, weights()) == 15


def test_the_targets_set_when_a_part_is_full():
    inputs = scoring.Inputs(registered=2)
    assert scoring.parts_of(inputs, weights())["registered"] == 0.5
    assert scoring.parts_of(inputs, weights(target_registered=2))["registered"] == 1.0


@pytest.mark.parametrize(
    ("last", "before", "score", "expected"),
    [
        (None, None, 0, True),  # never took part
        (TODAY - dt.timedelta(days=200), None, 40, True),  # nothing for six months
        (TODAY - dt.timedelta(days=20), 80, 60, True),  # fell 20 points
        (TODAY - dt.timedelta(days=20), 70, 60, False),  # fell 10: within the threshold
        (TODAY - dt.timedelta(days=20), 60, 60, False),
        (TODAY - dt.timedelta(days=20), None, 10, False),  # new this half year, taking part
    ],
)
def test_who_is_at_risk(last, before, score, expected):
    assert (
        scoring.is_at_risk(score=score, score_before=before, last_participation=last, today=TODAY, falling=15)
        is expected
    )


def test_a_champion_is_in_the_top_tenth_and_scores_at_least_70():
    assert scoring.champion_cutoff(None) is None
    assert scoring.champion_cutoff(85) == 85
    assert scoring.champion_cutoff(40) == scoring.CHAMPION_MIN
    assert scoring.is_champion(85, 85)
    assert not scoring.is_champion(69, scoring.champion_cutoff(40))
