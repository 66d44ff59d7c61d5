"""Damaged files on the survey engine's two upload doors, the XLSForm import (page and API) and a
company's invitation list: a clear message, never a 500, and nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.tests.test_damaged_files import DAMAGED_UTF16
from klyngekart.surveys.definitions import xlsform
from klyngekart.surveys.models import RespondentInvitation, Survey
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db
NAMES = ("ansatte.csv", "skjema.xlsx", "skjema.xls", "ansatte.txt")


def _surveys(world: Any) -> int:
    with scope(world.cluster):
        return Survey.objects.count()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("content", DAMAGED_UTF16.values(), ids=DAMAGED_UTF16.keys())
def test_the_invitation_list_says_the_file_is_damaged(world, login, english, content, name) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    response = login(world.users["contact"]).post(
        reverse("rounds:invite", args=[world.cluster.slug, round_.pk, part.pk]),
        {"file": SimpleUploadedFile(name, content), "language": "nb"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "damaged near character" in body or "not an Excel workbook" in body or "(.xls)" in body
    with scopes_disabled():
        assert not RespondentInvitation.objects.exists()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("content", DAMAGED_UTF16.values(), ids=DAMAGED_UTF16.keys())
def test_the_xlsform_import_page_and_api_refuse_a_damaged_file(world, client, english, content, name) -> None:
    client.force_login(world.users["manager"])
    page = client.post(
        reverse("surveys:import", args=[world.cluster.slug]), {"file": SimpleUploadedFile(name, content)}
    )
    assert page.status_code == 200
    assert "could not be read as an XLSForm workbook" in page.content.decode()
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    api = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/surveys/import-xlsform",
        {"file": SimpleUploadedFile(name, content)},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert api.status_code == 422
    assert "could not be read" in api.json()["detail"][0]["msg"]
    assert _surveys(world) == 0


def test_a_workbook_whose_texts_cannot_be_stored_is_refused_by_row(world, english, monkeypatch) -> None:
    """A reader that hands back a lone surrogate (xlrd decodes BIFF strings itself) must not reach
    the database, where it cannot be encoded: the row is named instead."""
    book = {"survey": [{"type": "text", "name": "why", "label": "Hvorfor \udc00?"}]}
    monkeypatch.setattr(xlsform, "_read_workbook", lambda data, filename: book)
    parsed = xlsform.parse_xlsform(b"x", "skjema.xlsx")
    assert [(problem.row, problem.message) for problem in parsed.errors] == [
        (2, "This row has characters that are not valid text (a damaged file?).")
    ]
    with pytest.raises(xlsform.ValidationError):
        xlsform.survey_import_xlsform(cluster=world.cluster, actor=None, data=b"x", filename="skjema.xlsx")
    assert _surveys(world) == 0
