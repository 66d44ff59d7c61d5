"""The builder pages over HTTP, as the cluster team uses them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from klyngekart.core.tenancy import scope
from klyngekart.surveys.definitions.services import ordered_questions
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import Survey, SurveyVersion
from klyngekart.surveys.tests.test_api_surveys import small_xlsform

pytestmark = pytest.mark.django_db


def _url(world, name: str, *args) -> str:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    return reverse(f"surveys:{name}", args=[world.cluster.slug, *args])


def test_a_blank_survey_is_built_published_and_copied(world, login, english) -> None:
    client = login(world.users["manager"])
    response = client.post(_url(world, "create"), {"title_nb": "Puls", "title_en": "Pulse", "kind": "pulse"})
    assert response.status_code == 302
    with scope(world.cluster):
        version = SurveyVersion.objects.get(survey__title_nb="Puls")
        section = version.sections.get()
    assert response["Location"] == _url(world, "edit", version.pk)

    page = client.get(_url(world, "edit", version.pk))
    assert page.status_code == 200 and "Add at least one question" in page.content.decode()

    question = {
        "key": "role",
        "type": "single",
        "text_nb": "Rolle?",
        "text_en": "Role?",
        "options": "prod | Produksjon | Production\noffice | Kontor | Office",
        "is_segment": "on",
        "required": "on",
    }
    assert client.post(_url(world, "question_add", section.pk), question).status_code == 302
    # The show-if list offers the earlier question's values, as one choice each.
    form_page = client.get(_url(world, "question_add", section.pk)).content.decode()
    condition = json.dumps({"question": "role", "equals": "office"})
    assert "role = Office" in form_page
    follow = {"key": "why", "type": "text", "text_nb": "Hvorfor?", "show_if": condition}
    assert client.post(_url(world, "question_add", section.pk), follow).status_code == 302
    with scope(world.cluster):
        role, why = ordered_questions(version)
    assert role.options[1] == {"key": "office", "nb": "Kontor", "en": "Office"} and role.is_segment
    assert why.show_if == {"question": "role", "equals": "office"}

    # A bad question keeps what was typed and says why.
    bad = client.post(
        _url(world, "question_add", section.pk), {"key": "role", "type": "likert", "text_nb": "x"}
    )
    assert bad.status_code == 200 and "already exists" in bad.content.decode()

    preview = client.get(_url(world, "preview", version.pk) + "?lang=en").content.decode()
    assert "Role?" in preview and "Office" in preview and 'name="role"' in preview

    assert client.post(_url(world, "publish", version.pk)).status_code == 302
    with scope(world.cluster):
        version.refresh_from_db()
    assert version.is_published
    # Published: the editor sends you back, and a change is refused.
    assert client.get(_url(world, "edit", version.pk)).status_code == 302
    client.post(_url(world, "question_edit", role.pk), {**question, "text_nb": "Endret"})
    with scope(world.cluster):
        role.refresh_from_db()
    assert role.text_nb == "Rolle?"

    assert client.post(_url(world, "new_version", version.survey_id)).status_code == 302
    with scope(world.cluster):
        assert version.survey.versions.filter(number=2, status="draft").exists()


def test_move_and_remove_questions(world, login) -> None:
    client = login(world.users["staff"])
    client.post(_url(world, "create"), {"title_nb": "T", "kind": "custom"})
    with scope(world.cluster):
        version = SurveyVersion.objects.get(survey__title_nb="T")
        section = version.sections.get()
    for key in ("a", "b"):
        client.post(_url(world, "question_add", section.pk), {"key": key, "type": "likert", "text_nb": key})
    with scope(world.cluster):
        b = version.questions.get(key="b")
    client.post(_url(world, "question_move", b.pk), {"to": "up"})
    with scope(world.cluster):
        assert [q.key for q in ordered_questions(version)] == ["b", "a"]
    client.post(_url(world, "question_delete", b.pk))
    client.post(_url(world, "section_add", version.pk), {"title_nb": "Del 2"})
    with scope(world.cluster):
        assert [q.key for q in ordered_questions(version)] == ["a"]
        assert version.sections.count() == 2


def test_templates_export_and_import_pages(world, login, english) -> None:
    client = login(world.users["manager"])
    page = client.get(_url(world, "create")).content.decode()
    assert "Employee competence needs mapping" in page and "Pulse check" in page
    response = client.post(_url(world, "create_from_template"), {"template": "employee_mapping"})
    with scope(world.cluster):
        survey = Survey.objects.get(kind="employee_mapping")
        version = survey.versions.get()
    assert response["Location"] == _url(world, "detail", survey.pk) and version.is_published

    listing = client.get(_url(world, "list")).content.decode()
    assert "Employee competence needs mapping" in listing and "Published" in listing

    export = client.get(_url(world, "export", version.pk))
    assert export["Content-Disposition"].endswith('-v1.xlsx"')
    assert load_workbook(io.BytesIO(export.content)).sheetnames == ["survey", "choices", "settings"]

    upload = SimpleUploadedFile("import.xlsx", small_xlsform())
    imported = client.post(_url(world, "import"), {"file": upload}).content.decode()
    assert "imported as a draft" in imported and "geopoint" in imported
    bad = client.post(_url(world, "import"), {"file": SimpleUploadedFile("x.xlsx", b"nope")}).content.decode()
    assert "could not be read" in bad


def test_an_advisor_may_look_but_not_change(world, login) -> None:
    survey = survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    with scope(world.cluster):
        version = survey.versions.get()
    client = login(world.users["advisor"])
    assert client.get(_url(world, "detail", survey.pk)).status_code == 200
    assert client.get(_url(world, "preview", version.pk)).status_code == 200
    assert client.post(_url(world, "new_version", survey.pk)).status_code == 403
    assert client.get(_url(world, "create")).status_code == 403
