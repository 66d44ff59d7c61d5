"""The shipped default taxonomy and its ESCO subset."""

from __future__ import annotations

import re

import pytest

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.taxonomy.defaults import DATA, ESCO_URI, default_areas, esco_labels
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup, TaxonomyVersion
from klyngekart.taxonomy.services import taxonomy_current


def test_about_forty_areas_each_named_and_described_in_both_languages():
    areas = default_areas()
    assert 38 <= len(areas) <= 46
    for area in areas:
        for language in ("nb", "en"):
            assert area["name"][language].strip(), area["code"]
            assert len(area["name"][language]) <= 120, area["code"]
            description = area["description"][language].strip()
            assert description.endswith("."), area["code"]


def test_every_group_is_used_and_codes_are_stable_slugs():
    areas = default_areas()
    used = {area["group"] for area in areas}
    assert used == {value for value, _label in CompetenceGroup.choices} - {CompetenceGroup.OTHER}
    codes = [area["code"] for area in areas]
    assert len(set(codes)) == len(codes)
    for area in areas:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", area["code"]) and len(area["code"]) <= 40
        # The code says its group, so a code read in a results export is understood alone.
        assert area["code"].startswith(area["group"] + "-")


def test_every_esco_uri_is_shipped_with_its_label():
    labels = esco_labels()
    for area in default_areas():
        assert 2 <= len(area["esco"]) <= 6, area["code"]
        for uri in area["esco"]:
            assert uri.startswith("http://data.europa.eu/esco/skill/")
            assert ESCO_URI.match(uri)
            assert labels.get(uri), uri
    # Only the subset the areas use is shipped.
    used = {uri for area in default_areas() for uri in area["esco"]}
    assert set(labels) == used


def test_the_esco_file_says_its_source_and_licence():
    head = (DATA / "esco_concepts.csv").read_text(encoding="utf-8").splitlines()[:6]
    comment = " ".join(line for line in head if line.startswith("#"))
    assert "European Union" in comment and "CC BY 4.0" in comment
    assert "uri,preferred_label_en" in head


@pytest.mark.django_db
def test_first_use_loads_version_one_from_the_default_file(world):
    with scopes_disabled():
        assert not TaxonomyVersion.objects.filter(cluster=world.cluster).exists()
        version = taxonomy_current(cluster=world.cluster)
        again = taxonomy_current(cluster=world.cluster)
        areas = list(version.areas.order_by("position"))

    assert version.number == 1 and again.pk == version.pk
    assert [area.code for area in areas] == [item["code"] for item in default_areas()]
    first = areas[0]
    assert first.name_nb == "Dataanalyse" and first.name_en == "Data analytics"
    assert first.description_nb and first.description_en
    assert first.esco == default_areas()[0]["esco"]
    assert not any(area.hidden or area.is_custom for area in areas)
    with scopes_disabled():
        assert CompetenceArea.objects.filter(cluster=world.cluster).count() == len(default_areas())


@pytest.mark.django_db
def test_each_cluster_gets_its_own_copy(world, other_world):
    with scopes_disabled():
        mine = taxonomy_current(cluster=world.cluster)
        theirs = taxonomy_current(cluster=other_world.cluster)
        assert mine.pk != theirs.pk
        assert theirs.areas.count() == mine.areas.count() == len(default_areas())
