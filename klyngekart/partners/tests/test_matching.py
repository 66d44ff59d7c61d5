"""Partner matching: the ranking and its reasons, and each part of the score on its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from klyngekart.core.tenancy import scope
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.landscape.tests.factories import make_profile
from klyngekart.partners import matching, scoring
from klyngekart.partners.matching import MatchFilters, Seeker
from klyngekart.partners.selectors import cluster_seeker
from klyngekart.partners.tests.helpers import AI, AQUA, ENERGY, EXPORT, LEAN, even_round

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def test_complementarity_is_breadth_times_depth() -> None:
    needs = {AQUA: 2.0, AI: 1.0, LEAN: 1.0}
    assert scoring.complementarity(needs, {}) == 0
    # The deepest need at full depth is half of everything; at solid depth two thirds of that.
    assert scoring.complementarity(needs, {AQUA: 3}) == pytest.approx(0.5)
    assert scoring.complementarity(needs, {AQUA: 2}) == pytest.approx(1 / 3)
    # Two shallow needs weigh as much as the deep one: breadth counts as well as depth.
    assert scoring.complementarity(needs, {AI: 3, LEAN: 3}) == pytest.approx(0.5)
    assert scoring.complementarity(needs, {AQUA: 3, AI: 3, LEAN: 3}) == pytest.approx(1.0)
    assert scoring.complementarity({}, {AQUA: 3}) == 0


def test_similarity_is_the_jaccard_of_sectors_and_needs() -> None:
    assert scoring.similarity((2, 2, 2), None) == 1.0
    assert scoring.similarity((1, 2, 3), None) == pytest.approx(0.25)
    assert scoring.similarity((0, 2, 3), None) == 0
    # Needs count only where both sides have them.
    assert scoring.similarity((1, 2, 3), (0, 3, 0)) == pytest.approx(0.25)
    assert scoring.similarity((1, 2, 3), (3, 3, 3)) == pytest.approx((0.25 + 1) / 2)


def test_maturity_ranks_gold_over_silver_over_bronze_and_an_expired_label_low() -> None:
    def value(state: str) -> float:
        return scoring.maturity(state, 2010, Decimal("2"), TODAY)

    assert value("gold") > value("silver") > value("bronze") > value("expired") > value("none")
    assert scoring.label_state("gold", TODAY - dt.timedelta(days=1), TODAY) == "expired"
    assert scoring.label_state("gold", TODAY, TODAY) == "gold"
    assert scoring.maturity("none", TODAY.year - 20, Decimal(5), TODAY) == pytest.approx(0.4)
    assert scoring.maturity("none", TODAY.year - 5, None, TODAY) == pytest.approx(0.1)


def test_geography_follows_the_preference() -> None:
    assert scoring.geography(scoring.NEARBY, True, True) == 1.0
    assert scoring.geography(scoring.NEARBY, True, False) == 0.7
    assert scoring.geography(scoring.NEARBY, False, False) == 0.0
    assert scoring.geography(scoring.CROSS_BORDER, False, False) == 1.0
    assert scoring.geography(scoring.CROSS_BORDER, True, True) == 0.0
    assert scoring.geography(scoring.ANY, True, True) == scoring.geography(scoring.ANY, False, False)
    assert scoring.same_region(("Vestland", "NO0A"), ("", "NO0A2"))
    assert scoring.same_region(("Vestland", ""), ("vestland", ""))
    assert not scoring.same_region(("", "NO06"), ("", "NO0A"))


def test_the_weights_sum_to_one() -> None:
    assert sum(scoring.WEIGHTS.values()) == pytest.approx(1.0)
    assert scoring.Parts(1, 1, 1, 1).score == 100.0


def _seeker(**changes) -> Seeker:  # type: ignore[no-untyped-def]
    base: dict[str, Any] = {
        "needs": {AQUA: 1.8, AI: 1.2, LEAN: 1.0},
        "need_names": {AQUA: "Automation", AI: "AI", LEAN: "Lean"},
        "sectors": frozenset({(TagKind.NACE, "28"), (TagKind.CATEGORY, "production_technology")}),
        "country": "NO",
        "region": "Vestland",
        "nuts": "NO0A",
    }
    return Seeker(**(base | changes))


def test_a_partner_strong_in_our_deepest_need_ranks_first_and_the_reason_says_so(english) -> None:
    deep = make_profile(name="Deep Partner", country="DE", tags=[(TagKind.AREA, AQUA)])
    make_profile(name="Shallow Partner", country="DE", tags=[(TagKind.AREA, LEAN)])
    make_profile(name="Sector Twin", country="DE", tags=[(TagKind.NACE, "28")])
    make_profile(name="Nothing in common", country="DE")
    seeker = _seeker()
    found = matching.explain(seeker, matching.rank(seeker, today=TODAY))
    names = [match.profile.name for match in found]  # type: ignore[union-attr]
    assert names[0] == "Deep Partner"
    assert names.index("Shallow Partner") < names.index("Nothing in common")
    first = found[0]
    assert first.profile_id == deep.pk
    assert "Their strength Automation and robotics meets your deepest need (gap 1.8)." in first.reasons
    assert "They cover 1 of your 3 top needs." in first.reasons


def test_every_part_moves_the_ranking(english) -> None:
    gold = make_profile(
        name="Gold", country="SE", label="gold", label_valid_until=TODAY + dt.timedelta(days=99), founded=2000
    )
    expired = make_profile(
        name="Expired",
        country="SE",
        label="gold",
        label_valid_until=TODAY - dt.timedelta(days=1),
        founded=2000,
    )
    home = make_profile(name="Home", country="NO", region="Vestland")
    twin = make_profile(
        name="Twin", country="SE", tags=[(TagKind.NACE, "28"), (TagKind.CATEGORY, "production_technology")]
    )
    seeker = _seeker(needs={}, need_names={})
    by_id = {match.profile_id: match for match in matching.rank(seeker, today=TODAY, limit=50)}
    assert by_id[gold.pk].parts.maturity > by_id[expired.pk].parts.maturity
    assert by_id[twin.pk].parts.similarity == 1.0
    assert by_id[home.pk].parts.geography == by_id[gold.pk].parts.geography  # no preference
    nearby = {
        m.profile_id: m for m in matching.rank(_seeker(needs={}, preference="nearby"), today=TODAY, limit=50)
    }
    assert nearby[home.pk].parts.geography == 1.0 and nearby[gold.pk].parts.geography == 0.0
    far = {
        m.profile_id: m
        for m in matching.rank(_seeker(needs={}, preference="cross_border"), today=TODAY, limit=50)
    }
    assert far[home.pk].parts.geography == 0.0 and far[gold.pk].parts.geography == 1.0
    reasons = matching.reasons_for(_seeker(preference="nearby"), nearby[home.pk], home)
    assert "Nearby: in your region, Norway." in reasons
    reasons = matching.reasons_for(seeker, by_id[expired.pk], expired)
    assert "Their ESCA label has expired." in reasons


def test_filters_by_country_label_and_lowest_score() -> None:
    make_profile(name="A", country="DK", label="silver", tags=[(TagKind.AREA, AQUA)])
    make_profile(name="B", country="SE", tags=[(TagKind.AREA, AQUA)])
    make_profile(name="C", country="SE")
    seeker = _seeker()
    assert {m.country for m in matching.rank(seeker, filters=MatchFilters(country="se"))} == {"SE"}
    assert [m.label_state for m in matching.rank(seeker, filters=MatchFilters(label="silver"))] == ["silver"]
    kept = matching.rank(seeker, filters=MatchFilters(min_score=15))
    assert kept and all(match.score >= 15 for match in kept)


def test_the_cluster_never_matches_its_own_profile(world, english) -> None:
    with scope(world.cluster):
        even_round(world.cluster, {AQUA: 1.8, AI: 1.2})
        from klyngekart.partners.services import partner_settings_save

        own = partner_settings_save(
            cluster=world.cluster, actor=world.users["manager"], values={"published": True}
        )
        make_profile(name="Other", country="DE", tags=[(TagKind.AREA, AQUA)])
        look = cluster_seeker(world.cluster)
        found = matching.rank(look.seeker, limit=50)
    assert own is not None
    assert own.pk not in {match.profile_id for match in found}
    assert look.seeker.needs == {AQUA: 1.8, AI: 1.2}


def test_declared_depth_of_a_published_partner_counts(world, other_world, english) -> None:
    from klyngekart.partners.services import partner_settings_save

    with scope(other_world.cluster):
        partner_settings_save(
            cluster=other_world.cluster,
            actor=other_world.users["manager"],
            values={"published": True},
            strengths={AQUA: 3},
        )
    make_profile(name="Directory record", country="DE", tags=[(TagKind.AREA, AQUA)])
    seeker = _seeker()
    found = matching.explain(seeker, matching.rank(seeker, today=TODAY))
    assert found[0].live and found[0].parts.complementarity > found[1].parts.complementarity
    assert any("they declare it: leading" in reason for reason in found[0].reasons)


def test_ranking_reads_a_fixed_number_of_queries(django_assert_max_num_queries) -> None:
    for index in range(30):
        make_profile(
            name=f"P{index}",
            country="SE",
            tags=[(TagKind.AREA, AQUA), (TagKind.NACE, "28"), (TagKind.NEED, ENERGY)],
        )
    seeker = _seeker(needs={AQUA: 2.0, EXPORT: 1.0})
    # The directory's index (its stamp, tags, declared depths, profiles), then the page's profiles.
    with django_assert_max_num_queries(6):
        found = matching.explain(seeker, matching.rank(seeker, limit=10))
    assert len(found) == 10
    # Unchanged, the index is kept with the profiles it has read: one query, its stamp.
    with django_assert_max_num_queries(1):
        again = matching.explain(seeker, matching.rank(seeker, limit=10))
    assert [match.profile_id for match in again] == [match.profile_id for match in found]
    # A change of the directory is seen at once, in the ranking and in the profiles shown.
    make_profile(name="New", country="SE", tags=[(TagKind.AREA, AQUA), (TagKind.AREA, EXPORT)])
    assert matching.rank(seeker, limit=1)[0].profile_id == matching.directory_index().ids[-1]
    shown = ClusterProfile.objects.get(pk=found[0].profile_id)  # a fresh row, as another server would
    shown.name = "Renamed"
    shown.save()
    renamed = matching.explain(seeker, matching.rank(seeker, limit=10))
    assert "Renamed" in {match.profile.name for match in renamed if match.profile is not None}


def _brute_force(seeker: Seeker, today: dt.date) -> list[tuple[float, int]]:
    """Every profile scored on its own, from its rows: what ``rank`` must agree with."""
    out = []
    for profile in ClusterProfile.objects.prefetch_related("tags"):
        tags = [(tag.kind, tag.code) for tag in profile.tags.all()]
        out.append((matching.score_profile(seeker, profile, tags, {}, today).score, profile.pk))
    return sorted(out, key=lambda item: (-item[0], item[1]))


@pytest.mark.parametrize("seed", range(4))
def test_the_index_and_its_early_stop_agree_with_scoring_every_profile(seed: int) -> None:
    import random

    rng = random.Random(seed)  # noqa: S311 - test data
    areas = [AQUA, AI, LEAN, ENERGY, EXPORT]
    sectors = [
        (TagKind.NACE, "28"),
        (TagKind.NACE, "10"),
        (TagKind.CATEGORY, "food"),
        (TagKind.CATEGORY, "it"),
    ]
    for index in range(40):
        tags = [(TagKind.AREA, code) for code in rng.sample(areas, rng.randint(0, 3))]
        tags += rng.sample(sectors, rng.randint(0, 3))
        tags += [(TagKind.NEED, code) for code in rng.sample(areas, rng.randint(0, 2))]
        make_profile(
            name=f"R{index}",
            country=rng.choice(["NO", "SE", "DE"]),
            region=rng.choice(["Vestland", "Skåne", ""]),
            label=rng.choice(["none", "bronze", "silver", "gold"]),
            label_valid_until=TODAY + dt.timedelta(days=rng.randint(-300, 300)),
            founded=rng.choice([None, 1995, 2015, 2024]),
            management_fte=rng.choice([None, Decimal("0.5"), Decimal("4")]),
            tags=tags,
        )
    for preference in ("any", "nearby", "cross_border"):
        seeker = _seeker(
            needs={code: rng.choice([1.0, 1.5, 2.2]) for code in rng.sample(areas, 3)},
            sectors=frozenset(rng.sample(sectors, 2)),
            preference=preference,
        )
        expected = _brute_force(seeker, TODAY)[:7]
        found = [(match.score, match.profile_id) for match in matching.rank(seeker, limit=7, today=TODAY)]
        # Equal scores are ordered by how much of our needs they meet, then by id.
        assert [score for score, _pk in found] == [score for score, _pk in expected]
        assert {pk for _score, pk in found} <= {
            pk for score, pk in _brute_force(seeker, TODAY) if score >= found[-1][0]
        }


def test_a_company_sees_only_clusters_strong_in_its_needs() -> None:
    strong = make_profile(name="Strong", country="SE", tags=[(TagKind.AREA, AQUA)])
    make_profile(name="Same need only", country="SE", tags=[(TagKind.NEED, AQUA), (TagKind.NACE, "28")])
    seeker = _seeker(needs={AQUA: 2.0, LEAN: 1.0}, weights=dict(matching.COMPANY_WEIGHTS))
    found = matching.rank(seeker, require_met=True)
    assert [match.profile_id for match in found] == [strong.pk]
    assert found[0].score == pytest.approx(100 * 2.0 * 2 / 3 / 3.0, abs=0.1)
