"""Taxonomy writes: copy-on-write for pinned versions, audited edits, order, custom areas."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from klyngekart.core.models import AuditLog
from klyngekart.taxonomy import selectors, services
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion
from klyngekart.taxonomy.tests.factories import pin_with_round

pytestmark = pytest.mark.django_db

ESCO_DATA_ANALYTICS = "http://data.europa.eu/esco/skill/97bd1c21-66b2-4b7e-ad0f-e3cda590e378"


def _area(version: TaxonomyVersion, code: str) -> CompetenceArea:
    return CompetenceArea.objects.get(version=version, code=code)


def _actions(cluster) -> list[str]:
    return list(AuditLog.objects.filter(cluster=cluster).order_by("pk").values_list("action", flat=True))


def _snapshot(version: TaxonomyVersion) -> list[tuple]:
    return list(
        version.areas.order_by("code").values_list(
            "code",
            "group",
            "name_nb",
            "name_en",
            "description_nb",
            "description_en",
            "esco",
            "position",
            "hidden",
        )
    )


def test_an_unpinned_version_is_edited_in_place(world, in_alfa):
    version = services.taxonomy_current(cluster=in_alfa)
    area = _area(version, "digital-data-analytics")

    updated = services.area_update(
        area=area,
        actor=world.users["manager"],
        data={"name_nb": "Dataanalyse og BI", "esco": [ESCO_DATA_ANALYTICS]},
    )

    assert updated.pk == area.pk and updated.version_id == version.pk
    assert TaxonomyVersion.objects.count() == 1
    area.refresh_from_db()
    assert (area.name_nb, area.esco) == ("Dataanalyse og BI", [ESCO_DATA_ANALYTICS])
    entry = AuditLog.objects.get(action="taxonomy.area.updated")
    assert entry.actor == world.users["manager"]
    assert entry.data == {"code": "digital-data-analytics", "version": 1, "fields": ["name_nb", "esco"]}


def test_editing_a_pinned_version_copies_it_first_and_leaves_it_unchanged(world, in_alfa):
    pinned = services.taxonomy_current(cluster=in_alfa)
    pin_with_round(pinned)
    before = _snapshot(pinned)
    area = _area(pinned, "green-circular-economy")

    updated = services.area_update(area=area, actor=world.users["staff"], data={"name_en": "Circularity"})

    assert _snapshot(pinned) == before
    copy = services.taxonomy_current(cluster=in_alfa)
    assert copy.number == 2 and updated.version_id == copy.pk
    assert updated.code == "green-circular-economy" and updated.name_en == "Circularity"
    assert copy.areas.count() == pinned.areas.count()
    # Everything else came over as it was.
    assert [row for row in _snapshot(copy) if row[0] != "green-circular-economy"] == [
        row for row in before if row[0] != "green-circular-economy"
    ]
    assert _actions(in_alfa) == ["taxonomy.version.created", "taxonomy.area.updated"]
    created = AuditLog.objects.get(action="taxonomy.version.created")
    assert created.data == {"number": 2, "copied_from": 1}


def test_the_copy_is_edited_in_place_until_a_round_pins_it(world, in_alfa):
    first = services.taxonomy_current(cluster=in_alfa)
    pin_with_round(first)
    actor = world.users["manager"]
    services.area_hide(area=_area(first, "market-sales"), actor=actor)
    # The caller still holds an area of the pinned version: the edit lands on the copy, by code.
    services.area_update(area=_area(first, "market-sales"), actor=actor, data={"name_nb": "Salg"})
    assert TaxonomyVersion.objects.count() == 2

    second = services.taxonomy_current(cluster=in_alfa)
    pin_with_round(second)
    services.area_show(area=_area(second, "market-sales"), actor=actor)

    third = services.taxonomy_current(cluster=in_alfa)
    assert [v.number for v in TaxonomyVersion.objects.order_by("number")] == [1, 2, 3]
    assert [_area(v, "market-sales").hidden for v in (first, second, third)] == [False, True, False]
    assert [_area(v, "market-sales").name_nb for v in (first, second, third)] == [
        "Salg og forhandling",
        "Salg",
        "Salg",
    ]


def test_no_change_writes_nothing(world, in_alfa):
    version = services.taxonomy_current(cluster=in_alfa)
    area = _area(version, "operations-lean")
    services.area_update(area=area, actor=world.users["manager"], data={"name_nb": area.name_nb})
    services.area_show(area=area, actor=world.users["manager"])
    assert _actions(in_alfa) == []


def test_updates_are_validated(world, in_alfa):
    area = _area(services.taxonomy_current(cluster=in_alfa), "operations-lean")
    actor = world.users["manager"]
    with pytest.raises(ValidationError) as error:
        services.area_update(area=area, actor=actor, data={"esco": ["https://example.com/skill"]})
    assert "esco" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.area_update(area=area, actor=actor, data={"code": "lean"})
    with pytest.raises(ValidationError) as error:
        services.area_update(area=area, actor=actor, data={"group": "cooking"})
    assert "group" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.area_update(area=area, actor=actor, data={"name_en": ""})
    area.refresh_from_db()
    assert area.name_en == "Lean and continuous improvement" and area.code == "operations-lean"


def test_hidden_areas_leave_the_visible_list_but_keep_their_names(world, in_alfa):
    version = services.taxonomy_current(cluster=in_alfa)
    services.area_hide(area=_area(version, "digital-iot-sensors"), actor=world.users["manager"])

    visible = [area.code for area in selectors.visible_areas(version=version)]
    assert "digital-iot-sensors" not in visible and len(visible) == version.areas.count() - 1
    assert selectors.area_names(version=version, language="en")["digital-iot-sensors"] == (
        "Internet of Things and sensors"
    )
    assert selectors.area_names(version=version, language="nb")["digital-data-analytics"] == "Dataanalyse"
    assert _actions(in_alfa) == ["taxonomy.area.hidden"]


def _group_codes(version: TaxonomyVersion, group: str) -> list[str]:
    return [a.code for a in version.areas.filter(group=group).order_by("position", "code")]


def test_moving_reorders_within_the_group_only(world, in_alfa):
    version = services.taxonomy_current(cluster=in_alfa)
    digital = _group_codes(version, "digital")
    order_before = [a.code for a in version.areas.order_by("position", "code")]

    services.area_move(area=_area(version, digital[2]), actor=world.users["manager"], position=0)

    assert _group_codes(version, "digital") == [digital[2], digital[0], digital[1], *digital[3:]]
    order_after = [a.code for a in version.areas.order_by("position", "code")]
    assert order_after[len(digital) :] == order_before[len(digital) :]
    assert AuditLog.objects.get(action="taxonomy.area.moved").data["position"] == 0


def test_moving_past_the_ends_is_clamped(world, in_alfa):
    version = services.taxonomy_current(cluster=in_alfa)
    people = _group_codes(version, "people")
    services.area_move(area=_area(version, people[0]), actor=world.users["manager"], position=99)
    assert _group_codes(version, "people") == [*people[1:], people[0]]
    services.area_move(area=_area(version, people[2]), actor=world.users["manager"], position=-3)
    assert _group_codes(version, "people")[0] == people[2]
    # Moving to where it already is records nothing.
    services.area_move(area=_area(version, people[2]), actor=world.users["manager"], position=0)
    assert _actions(in_alfa).count("taxonomy.area.moved") == 2


def test_added_area_gets_a_unique_code_from_its_english_name(world, in_alfa):
    actor = world.users["staff"]
    data = {
        "name_nb": "Havvind",
        "name_en": "Offshore Wind Ø&M",
        "description_nb": "",
        "description_en": "",
        "group": "green",
        "esco": [],
    }
    first = services.area_add(cluster=in_alfa, actor=actor, data=data)
    second = services.area_add(cluster=in_alfa, actor=actor, data=data)

    assert (first.code, second.code) == ("offshore-wind-om", "offshore-wind-om-2")
    assert first.is_custom and not first.hidden
    version = services.taxonomy_current(cluster=in_alfa)
    assert _group_codes(version, "green")[-2:] == ["offshore-wind-om", "offshore-wind-om-2"]
    assert _actions(in_alfa) == ["taxonomy.area.added", "taxonomy.area.added"]


def test_a_code_left_in_an_old_version_is_never_reused(world, in_alfa):
    first = services.taxonomy_current(cluster=in_alfa)
    actor = world.users["manager"]
    data = {"name_nb": "Hydrogen", "name_en": "Hydrogen", "group": "green"}
    services.area_add(cluster=in_alfa, actor=actor, data=data)
    pin_with_round(first)
    # Simulate a later version that no longer has the area.
    copy = services.taxonomy_for_editing(cluster=in_alfa, actor=actor)
    CompetenceArea.objects.filter(version=copy, code="hydrogen").delete()

    again = services.area_add(cluster=in_alfa, actor=actor, data=data)

    assert again.code == "hydrogen-2"


def test_a_long_name_still_gives_a_code_within_the_limit(world, in_alfa):
    data = {"name_nb": "Langt", "name_en": "x" * 45, "group": "other"}
    codes = {
        services.area_add(cluster=in_alfa, actor=world.users["manager"], data=data).code for _ in range(3)
    }
    assert all(len(code) <= 40 for code in codes) and len(codes) == 3


def test_adding_to_a_pinned_version_copies_it(world, in_alfa):
    pinned = services.taxonomy_current(cluster=in_alfa)
    pin_with_round(pinned)
    count = pinned.areas.count()

    area = services.area_add(
        cluster=in_alfa,
        actor=world.users["manager"],
        data={"name_nb": "Ny", "name_en": "New", "group": "people"},
    )

    assert pinned.areas.count() == count
    assert area.version.number == 2 and area.version.areas.count() == count + 1


def test_version_history_lists_the_rounds_that_pinned_each_version(world, in_alfa):
    first = services.taxonomy_current(cluster=in_alfa)
    round_ = pin_with_round(first, title="Kartlegging 2025")
    services.area_hide(area=_area(first, "market-sales"), actor=world.users["manager"])

    history = selectors.version_history(cluster=in_alfa)

    assert [version.number for version in history] == [2, 1]
    assert history[0].pinned_rounds == [] and history[1].pinned_rounds == [round_]  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_a_new_round_pins_the_current_version_inside_its_own_transaction(world, in_alfa):
    current = services.taxonomy_current(cluster=in_alfa)
    with transaction.atomic():
        assert services.taxonomy_to_pin(cluster=in_alfa) == current
    # Outside the round's transaction the lock would be released before the round is saved, and an
    # edit could slip in between: refused rather than quietly racy.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.taxonomy_to_pin(cluster=in_alfa)
