"""Figures of several rounds pooled (the activities' feedback per kind): as an insider with the
page, the pool minus the rounds shown one by one must never give a hidden round away, and no
figure shown comes from fewer than k answers."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys import results
from klyngekart.surveys.models import QuestionAggregate
from klyngekart.surveys.tests.results_world import dated_round, tally_only

pytestmark = pytest.mark.django_db

# Per round, the ratings (1–5) given in each of its two companies.
RATINGS = st.lists(st.integers(min_value=1, max_value=5), min_size=0, max_size=7)
ROUNDS = st.lists(st.tuples(RATINGS, RATINGS), min_size=1, max_size=4)


@pytest.fixture
def rounds(world):  # type: ignore[no-untyped-def]
    return [dated_round(world.cluster, datetime.date(2025, 1 + i, 10), companies=2) for i in range(4)]


def _fill(made, per_company) -> None:  # type: ignore[no-untyped-def]
    for company, ratings in zip(made.companies, per_company, strict=True):
        for rating in ratings:
            tally_only(company, made.questions_list, {"culture": rating})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=ROUNDS, k=st.integers(min_value=3, max_value=5))
def test_the_pool_counts_only_the_rounds_shown(world, rounds, plan, k) -> None:
    with scopes_disabled():
        QuestionAggregate.objects.filter(round__in=[made.round for made in rounds]).delete()
    world.cluster.anonymity_threshold = k
    world.cluster.save(update_fields=["anonymity_threshold"])
    used = rounds[: len(plan)]
    for made, per_company in zip(used, plan, strict=True):
        made.round.cluster.anonymity_threshold = k
        _fill(made, per_company)
    with scope(world.cluster):
        per_round, pooled = results.pooled_scale_means([made.round for made in used], "culture")
    shown = []
    for made, (first, second) in zip(used, plan, strict=True):
        cell = per_round[made.round.pk]
        ratings = first + second
        if cell.suppressed:
            continue
        # A round shown has k answers or more, and its figure is theirs.
        assert len(ratings) >= k
        assert cell.value.n == len(ratings)  # type: ignore[union-attr]
        assert cell.value.mean == round(sum(ratings) / len(ratings), 2)  # type: ignore[union-attr]
        shown += ratings
    if not shown:
        assert pooled.suppressed
        return
    # The pool is exactly the rounds shown: minus them it leaves nothing of a hidden round.
    assert pooled.value.n == len(shown)  # type: ignore[union-attr]
    assert pooled.value.mean == round(sum(shown) / len(shown), 2)  # type: ignore[union-attr]
