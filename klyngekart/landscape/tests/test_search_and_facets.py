"""Search runs in the database's full-text engine; facets count in SQL; labels expire."""

from __future__ import annotations

from datetime import date

import pytest

from klyngekart.landscape.models import EXPIRED, ClusterProfile, Label, TagKind
from klyngekart.landscape.selectors import Filters, country_counts, facets, profile_list
from klyngekart.landscape.services import profile_save
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def _names(filters: Filters) -> list[str]:
    return list(profile_list(filters, TODAY).values_list("name", flat=True))


def test_search_finds_words_and_prefixes_in_name_description_and_sectors() -> None:
    make_profile(name="Ocean Hyperspectral Alliance", description="Sensors for fish farms.")
    make_profile(
        name="Bayern Automotive Cluster", country="DE", region="Bayern", tags=[("category", "automotive")]
    )
    make_profile(name="Trøndelag Wood Network", city="Trondheim")

    assert _names(Filters(q="hyperspectral")) == ["Ocean Hyperspectral Alliance"]
    assert _names(Filters(q="fish")) == ["Ocean Hyperspectral Alliance"]  # "fish" is a prefix of "fish farms"
    assert _names(Filters(q="hyper allia")) == ["Ocean Hyperspectral Alliance"]
    assert _names(Filters(q="automotive")) == ["Bayern Automotive Cluster"]
    # The sector's Norwegian name finds it too, and the country's name.
    assert _names(Filters(q="Tyskland")) == ["Bayern Automotive Cluster"]
    assert _names(Filters(q="trondheim")) == ["Trøndelag Wood Network"]
    assert _names(Filters(q="nowhere")) == []


def test_search_ignores_the_engines_syntax() -> None:
    make_profile(name="Hydrogen Valley")
    queries = ['"', "hydrogen OR", "NEAR(", "*", "hydrogen:*", "'; DROP TABLE x; --", "a & | !"]
    for query in queries:
        profile_list(Filters(q=query), TODAY).count()  # no error from the engine
    assert _names(Filters(q='"hydrogen"')) == ["Hydrogen Valley"]


def test_search_follows_changes_to_a_profile() -> None:
    profile = make_profile(name="Old Name Cluster")
    profile.name = "Renamed Photonics Cluster"
    profile_save(profile=profile, tags=[])
    assert _names(Filters(q="photonics")) == ["Renamed Photonics Cluster"]
    assert _names(Filters(q="old")) == []
    ClusterProfile.objects.filter(pk=profile.pk).delete()
    assert _names(Filters(q="photonics")) == []


def test_a_label_past_its_date_is_expired_in_the_filter_and_the_counts() -> None:
    make_profile(name="Gold now", label=Label.GOLD, label_valid_until=date(2027, 1, 1))
    make_profile(name="Gold before", label=Label.GOLD, label_valid_until=date(2026, 5, 31))
    make_profile(name="Bronze open-ended", label=Label.BRONZE, label_valid_until=None)
    make_profile(name="No label")

    assert _names(Filters(label="gold")) == ["Gold now"]
    assert _names(Filters(label=EXPIRED)) == ["Gold before"]
    counts = {value.value: value.count for value in facets(Filters(), TODAY)["label"]}
    assert counts == {"none": 1, "bronze": 1, "gold": 1, EXPIRED: 1}
    expired = ClusterProfile.objects.get(name="Gold before")
    assert expired.label_state(TODAY) == EXPIRED
    assert expired.label_state(date(2026, 5, 31)) == Label.GOLD  # valid through its last day


def test_each_facet_counts_under_the_other_filters() -> None:
    make_profile(
        country="NO",
        region="Vestland",
        programme="nce",
        tags=[("category", "fishing"), ("area", "green-renewable-energy")],
    )
    make_profile(country="NO", region="Nordland", programme="arena", tags=[("category", "fishing")])
    make_profile(country="NO", region="Vestland", programme="gce", tags=[("category", "oil_gas")])
    make_profile(country="DE", region="Bayern", tags=[("category", "fishing"), ("nace", "28")])

    chosen = Filters(country="NO", sector="category:fishing")
    result = facets(chosen, TODAY)
    # The country facet ignores the country filter (so other countries can be chosen) but keeps the sector.
    assert {v.value: (v.count, v.selected) for v in result["country"]} == {"NO": (2, True), "DE": (1, False)}
    # The sector facet keeps the country but not the sector.
    sectors = {v.value: v.count for v in result["sector"]}
    assert sectors == {"category:fishing": 2, "category:oil_gas": 1}
    assert {v.value: v.count for v in result["region"]} == {"Vestland": 1, "Nordland": 1}
    assert {v.value: v.count for v in result["programme"]} == {"nce": 1, "arena": 1}
    assert {v.value: v.count for v in result["area"]} == {"green-renewable-energy": 1}
    assert len(profile_list(chosen, TODAY)) == 2
    assert country_counts(Filters(sector="fishing"), TODAY) == {"NO": 2, "DE": 1}
    # A sector filter written as a NACE division finds the NACE tag.
    assert len(profile_list(Filters(sector="C28"), TODAY)) == 1


def test_filters_combine_with_search_and_sort() -> None:
    make_profile(name="B Energy", founded=2010, tags=[(TagKind.CATEGORY, "electric_power")])
    make_profile(name="A Energy", founded=2020, tags=[(TagKind.CATEGORY, "electric_power")])
    make_profile(name="C Energy", country="SE", founded=2015)
    assert _names(Filters(q="energy", country="NO")) == ["A Energy", "B Energy"]
    assert _names(Filters(q="energy", sort="-founded")) == ["A Energy", "C Energy", "B Energy"]


def test_a_search_can_list_the_best_match_first() -> None:
    make_profile(name="A Wood Cluster", description="Furniture.")
    make_profile(name="B Ocean Cluster", description="Ocean technology, ocean energy and ocean data.")
    make_profile(name="C Ocean Wood", description="Boats.")
    assert _names(Filters(q="ocean", sort="relevance"))[0] == "B Ocean Cluster"
    assert _names(Filters(q="ocean", sort="name")) == ["B Ocean Cluster", "C Ocean Wood"]
    assert _names(Filters(sort="relevance")) == ["A Wood Cluster", "B Ocean Cluster", "C Ocean Wood"]
