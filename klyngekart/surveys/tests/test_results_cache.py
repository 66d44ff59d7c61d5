"""The results' cache: what is derived from a round's release is kept under the release's name and
everything else it depends on, so a repair or a change of k shows on the next request, and nothing
kept for one round, cluster or k is served for another."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.results import cluster as csel
from klyngekart.surveys.results import core as sel
from klyngekart.surveys.results.release import release_version
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, fill, release
from klyngekart.taxonomy import services
from klyngekart.taxonomy.models import CompetenceArea

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def mapped(world) -> tuple[ResultsRound, RoundCompany, RoundCompany]:  # type: ignore[no-untyped-def]
    """Two companies: six answers and five (both reach the default k of 5)."""
    made = build_round(world.cluster)
    big = made.add_company(world.membership)
    fill(big, 6)
    other = made.add_company(world.other_membership)
    fill(other, 5, seed=2)
    release(made.round)
    return made, big, other


def _fresh(round_: Round) -> Round:
    with scopes_disabled():
        return Round.objects.select_related("cluster").get(pk=round_.pk)


def _respondents(body: str) -> int:
    marker = '<dd class="kk-stat__value">'
    return int(body.split(marker, 1)[1].split("<", 1)[0])


def test_a_repair_changes_the_name_of_the_release(world, mapped) -> None:
    made, _big, _other = mapped
    with scope(world.cluster):
        version = release_version(made.round)
        Round.objects.filter(pk=made.round.pk).update(aggregates_revision=made.round.aggregates_revision + 1)
        assert release_version(made.round) != version


def test_a_change_of_k_is_never_served_from_the_cache(world, mapped) -> None:
    """At k=6 the five-answer company cannot stand alone and the pool has to take the other one
    too; at k=5 both are shown. The same aggregates, read in between, must not decide for both."""
    made, big, other = mapped
    world.cluster.anonymity_threshold = 6
    world.cluster.save(update_fields=["anonymity_threshold"])
    with scope(world.cluster):
        strict = sel.company_results(round=_fresh(made.round), round_company=big)
        strict_cluster = csel.cluster_results(round=_fresh(made.round))
    assert strict.suppressed and strict.pooled
    assert all(row.n.suppressed for row in strict_cluster.companies)
    world.cluster.anonymity_threshold = 5
    world.cluster.save(update_fields=["anonymity_threshold"])
    with scope(world.cluster):
        relaxed = sel.company_results(round=_fresh(made.round), round_company=big)
        relaxed_cluster = csel.cluster_results(round=_fresh(made.round))
    assert not relaxed.suppressed and relaxed.n.value == (strict_cluster.n.value or 0) - 5
    assert {row.round_company.pk for row in relaxed_cluster.companies if not row.n.suppressed} == {
        big.pk,
        other.pk,
    }


def test_keys_name_the_round_the_cluster_and_what_the_figures_depend_on(world, other_world) -> None:
    mine = build_round(world.cluster).round
    theirs = build_round(other_world.cluster).round
    version = "1.0.10"
    keys = {
        sel.round_cache_key("summary", mine, version, 5),
        sel.round_cache_key("summary", theirs, version, 5),
        sel.round_cache_key("summary", mine, version, 6),
        sel.round_cache_key("summary", mine, "1.0.11", 5),
        sel.round_cache_key("segments", mine, version, 5),
    }
    assert len(keys) == 5
    # An id used again (a test database, a restore) with another creation time is another round.
    reused = Round(pk=mine.pk, cluster_id=mine.cluster_id, created_at=theirs.created_at)
    assert sel.round_cache_key("summary", reused, version, 5) != sel.round_cache_key(
        "summary", mine, version, 5
    )


def test_the_cached_summary_equals_a_fresh_one(world, mapped) -> None:
    made, _big, _other = mapped
    with scope(world.cluster):
        cached = sel.round_summary(made.round, 5)
        again = sel.round_summary(made.round, 5)
        fresh = sel.summarise(sel.load(made.round, None), 5)
    assert again == cached == fresh


def test_segment_figures_follow_the_segment_question(world, mapped) -> None:
    made, _big, _other = mapped
    with scope(world.cluster):
        plain = csel.cluster_results(round=made.round)
        split = csel.cluster_results(round=made.round, segment_question="role")
        plain_again = csel.cluster_results(round=made.round)
    assert plain.segments == [] == plain_again.segments
    assert [segment.key for segment in split.segments] == [
        f"role={option['key']}" for option in made.questions["role"].options
    ]


def _labels(result: Any) -> list[str]:
    return [segment.label for segment in result.segments]


def test_segment_labels_follow_the_language(world, mapped) -> None:
    made, _big, _other = mapped
    with scope(world.cluster):
        with translation.override("nb"):
            norwegian = _labels(csel.cluster_results(round=made.round, segment_question="role"))
        with translation.override("en"):
            english = _labels(csel.cluster_results(round=made.round, segment_question="role"))
    question = made.questions["role"]
    with translation.override("en"):
        assert english == [question.option_label(option["key"]) for option in question.options]
    with translation.override("nb"):
        assert norwegian == [question.option_label(option["key"]) for option in question.options]


def test_a_rounds_areas_are_read_once_and_stay_as_pinned_after_a_taxonomy_edit(
    world, mapped, django_assert_num_queries
) -> None:
    made, _big, _other = mapped
    round_ = _fresh(made.round)
    with scope(world.cluster):
        first = sel.round_areas(round_)
        with django_assert_num_queries(0):
            again = sel.round_areas(round_)
        area = first[0]
        services.area_update(area=area, actor=world.users["manager"], data={"name_en": "Renamed"})
        after = sel.round_areas(round_)
        stored = list(CompetenceArea.objects.filter(version_id=round_.taxonomy_version_id, hidden=False))
    assert [a.code for a in first] == [a.code for a in again] == [a.code for a in after]
    # The edit landed in a copy; the pinned version, and so the cached list, kept the old name.
    assert [(a.code, a.name_en) for a in after] == [(a.code, a.name_en) for a in stored]
    assert "Renamed" not in {a.name_en for a in after}
    with translation.override("nb"):
        assert [a.name for a in after] == [a.name_nb for a in stored]
