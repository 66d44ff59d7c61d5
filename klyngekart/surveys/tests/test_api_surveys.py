"""The surveys API: list and XLSForm import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.tenancy import scope
from klyngekart.surveys.definitions.services import ordered_questions
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import Survey

pytestmark = pytest.mark.django_db


def small_xlsform() -> bytes:
    """A two-question XLSForm with a group, nb/en labels, a condition and one unsupported row."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Norsk (nb)", "label::English (en)", "relevant"])
    survey.append(["begin_group", "about", "Om bedriften", "About the company", None])
    survey.append(["select_one yn", "ai", "Bruker dere KI?", "Do you use AI?", None])
    survey.append(["text", "how", "Hvordan?", "How?", "${ai} = 'yes'"])
    survey.append(["geopoint", "where", "Hvor?", "Where?", None])
    survey.append(["end_group", None, None, None, None])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Norsk (nb)", "label::English (en)"])
    choices.append(["yn", "yes", "Ja", "Yes"])
    choices.append(["yn", "no", "Nei", "No"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _headers(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_list_gives_surveys_with_versions(world, client) -> None:
    survey_create_from_template(cluster=world.cluster, actor=None, template_key="pulse")
    response = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/surveys", **_headers(world.users["advisor"])
    )
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["kind"] == "pulse" and item["title"] == {"nb": "Pulsmåling", "en": "Pulse check"}
    assert item["versions"] == [
        {
            "number": 1,
            "status": "published",
            "published_at": item["versions"][0]["published_at"],
            "questions": 3,  # NPS, one scale question and a free text
        }
    ]


def test_import_creates_a_draft_and_reports_warnings_by_row(world, client) -> None:
    upload = SimpleUploadedFile("kartlegging.xlsx", small_xlsform())
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/surveys/import-xlsform",
        {"file": upload},
        **_headers(world.users["staff"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert [w["row"] for w in body["warnings"]] == [5] and "geopoint" in body["warnings"][0]["message"]
    with scope(world.cluster):
        survey = Survey.objects.get(pk=body["survey"])
        questions = ordered_questions(survey.versions.get())
    assert survey.title_nb == "kartlegging"
    assert [(q.key, q.type, q.text_en) for q in questions] == [
        ("ai", "single", "Do you use AI?"),
        ("how", "text", "How?"),
    ]
    assert questions[1].show_if == {"question": "ai", "equals": "yes"}


def test_a_broken_file_is_422_and_creates_nothing(world, client) -> None:
    upload = SimpleUploadedFile("bad.xlsx", b"this is not a workbook")
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/surveys/import-xlsform",
        {"file": upload},
        **_headers(world.users["manager"]),
    )
    assert response.status_code == 422
    assert "could not be read" in response.json()["detail"][0]["msg"]
    with scope(world.cluster):
        assert not Survey.objects.exists()
