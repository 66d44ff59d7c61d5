"""The competence areas pages over HTTP: who sees what, and the edits as plain forms and htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion
from klyngekart.taxonomy.services import taxonomy_current
from klyngekart.taxonomy.tests.factories import pin_with_round

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"taxonomy:{name}", kwargs={"cluster_slug": world.cluster.slug, **kwargs})


def _area(world, code: str, number: int | None = None) -> CompetenceArea:
    with scopes_disabled():
        version = (
            TaxonomyVersion.objects.get(cluster=world.cluster, number=number)
            if number
            else taxonomy_current(cluster=world.cluster)
        )
        return CompetenceArea.objects.get(version=version, code=code)


def test_the_page_lists_areas_by_group_with_esco_links(world, login, english):
    client = login(world.users["board"])
    response = client.get(_url("index", world))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Green transition and sustainability" in body and "Circular economy" in body
    assert (
        '<a class="ds-link" href="http://data.europa.eu/esco/skill/22c45bf7-e52b-475f-847b-c32a87f65a5d" '
        'rel="noopener noreferrer" lang="en">circular economy</a>'
    ) in body
    # The other language's name is beside it.
    assert "Sirkulær økonomi" in body
    # A reader gets no edit controls.
    assert _url("area_add", world) not in body and "/hide/" not in body
    assert "Competence areas" in body and 'aria-current="page"' in body


def test_a_company_contact_may_read_it_and_a_member_user_may_not(world, login):
    assert login(world.users["contact"]).get(_url("index", world)).status_code == 200
    assert login(world.users["member"]).get(_url("index", world)).status_code == 403


def test_the_team_gets_the_edit_controls(world, login, english):
    body = login(world.users["staff"]).get(_url("index", world)).content.decode()
    area = _area(world, "digital-data-analytics")
    assert _url("area_edit", world, pk=area.pk) in body
    assert _url("area_hide", world, pk=area.pk) in body
    assert "Move Data analytics down" in body and "Move Data analytics up" not in body


def test_edit_saves_both_languages_and_esco(world, login, english):
    area = _area(world, "operations-lean")
    client = login(world.users["manager"])
    assert client.get(_url("area_edit", world, pk=area.pk)).status_code == 200
    uri = "http://data.europa.eu/esco/skill/82fea746-853f-4f1b-8ab7-55de8619cccd"
    response = client.post(
        _url("area_edit", world, pk=area.pk),
        {
            "name_nb": "Lean",
            "name_en": "Lean",
            "description_nb": "Mindre sløsing.",
            "description_en": "Less waste.",
            "group": "operations",
            "esco": [uri],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#group-operations")
    area.refresh_from_db()
    assert (area.name_nb, area.description_en, area.esco) == ("Lean", "Less waste.", [uri])


def test_edit_keeps_what_was_typed_when_it_is_wrong(world, login, english):
    area = _area(world, "operations-lean")
    response = login(world.users["manager"]).post(
        _url("area_edit", world, pk=area.pk), {"name_nb": "Lean", "name_en": "", "group": "operations"}
    )
    assert response.status_code == 200
    assert (
        'value="Lean"' in response.content.decode() and "This field is required." in response.content.decode()
    )


def test_editing_a_pinned_version_says_so_and_keeps_it(world, login, english):
    area = _area(world, "market-sales")
    with scopes_disabled():
        pin_with_round(area.version, title="Vårrunden")
    client = login(world.users["manager"])

    response = client.post(_url("area_hide", world, pk=area.pk), follow=True)

    body = response.content.decode()
    assert "Mapping rounds use version 1, so it stays as it was; your change is in the new version 2." in body
    assert "Vårrunden" in body and "Copy of version 1" in body
    assert not _area(world, "market-sales", number=1).hidden
    assert _area(world, "market-sales", number=2).hidden


def test_hide_show_and_move_without_javascript(world, login, english):
    client = login(world.users["staff"])
    area = _area(world, "people-recruitment")
    assert client.get(_url("area_hide", world, pk=area.pk)).status_code == 405

    assert client.post(_url("area_hide", world, pk=area.pk)).status_code == 302
    assert _area(world, "people-recruitment").hidden
    assert client.post(_url("area_show", world, pk=area.pk)).status_code == 302
    assert not _area(world, "people-recruitment").hidden

    response = client.post(_url("area_move", world, pk=area.pk), {"direction": "down"})
    assert response.status_code == 302
    with scopes_disabled():
        people = list(
            CompetenceArea.objects.filter(version=area.version, group="people")
            .order_by("position", "code")
            .values_list("code", flat=True)
        )
    assert people[:2] == ["people-competence-development", "people-recruitment"]
    with scopes_disabled():
        assert list(
            AuditLog.objects.filter(cluster=world.cluster).order_by("pk").values_list("action", flat=True)
        ) == ["taxonomy.area.hidden", "taxonomy.area.shown", "taxonomy.area.moved"]


def test_htmx_gets_the_list_alone(world, login, english):
    area = _area(world, "people-teamwork")
    response = login(world.users["staff"]).post(
        _url("area_move", world, pk=area.pk), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="kk-taxonomy-areas"') and "<html" not in body
    assert "Version history" not in body


def test_a_bad_direction_changes_nothing(world, login, english):
    area = _area(world, "people-teamwork")
    response = login(world.users["staff"]).post(
        _url("area_move", world, pk=area.pk), {"direction": "sideways"}, follow=True
    )
    assert "Choose whether to move the area up or down." in response.content.decode()
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="taxonomy.area.moved").exists()


def test_add_an_area(world, login, english):
    client = login(world.users["manager"])
    assert client.get(_url("area_add", world)).status_code == 200
    response = client.post(
        _url("area_add", world),
        {"name_nb": "Havbruksteknologi", "name_en": "Aquaculture technology", "group": "technology"},
        follow=True,
    )
    assert "Aquaculture technology is added." in response.content.decode()
    added = _area(world, "aquaculture-technology")
    assert added.is_custom and added.name_nb == "Havbruksteknologi"


def test_advisor_cannot_change(world, login):
    area = _area(world, "people-teamwork")
    client = login(world.users["advisor"])
    assert client.get(_url("index", world)).status_code == 200
    assert client.post(_url("area_hide", world, pk=area.pk)).status_code == 403
    assert client.get(_url("area_add", world)).status_code == 403
    assert not _area(world, "people-teamwork").hidden


def test_esco_terms_are_labelled_english_and_codes_are_for_the_team_only(world, login, english):
    code = "<code"
    contact = login(world.users["contact"]).get(_url("index", world)).content.decode()
    assert "ESCO concepts (in English)" in contact
    assert "names its concepts in English" in contact
    assert code not in contact and "digital-data-analytics<" not in contact
    for role in ("advisor", "board"):
        assert code not in login(world.users[role]).get(_url("index", world)).content.decode()
    staff = login(world.users["staff"]).get(_url("index", world)).content.decode()
    assert "<code" in staff and ">digital-data-analytics</code>" in staff
