"""API: surveys. See the module docstring of klyngekart/api/api.py for the conventions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.surveys.definitions.services import survey_list
from klyngekart.surveys.definitions.xlsform import MAX_FILE_BYTES, survey_import_xlsform

router = Router(tags=["surveys"])


class TextsOut(Schema):
    nb: str
    en: str


class VersionOut(Schema):
    number: int
    status: str
    published_at: datetime | None
    questions: int


class SurveyOut(Schema):
    id: int
    kind: str
    title: TextsOut
    versions: list[VersionOut]


class ImportWarningOut(Schema):
    row: int
    message: str


class ImportOut(Schema):
    survey: int
    version: int
    warnings: list[ImportWarningOut]


@router.get(
    "/clusters/{slug}/surveys",
    response={200: list[SurveyOut], **ERROR_RESPONSES},
    summary="The cluster's surveys",
    description=(
        "Every survey, newest first, with its versions (newest first). A `published` version never "
        "changes and is what a round uses; a `draft` is still being edited. `kind` is one of "
        "employee_mapping, membership_strategy, annual_member, activity_feedback, pulse, custom."
    ),
)
def surveys_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "surveys.view") as access:
        surveys = survey_list(access.cluster)
        return [
            {
                "id": survey.pk,
                "kind": survey.kind,
                "title": {"nb": survey.title_nb, "en": survey.title_en},
                "versions": [
                    {
                        "number": version.number,
                        "status": version.status,
                        "published_at": version.published_at,
                        "questions": version.questions.count(),
                    }
                    for version in survey.version_list  # type: ignore[attr-defined]
                ],
            }
            for survey in surveys
        ]


@router.post(
    "/clusters/{slug}/surveys/import-xlsform",
    response={201: ImportOut, **ERROR_RESPONSES},
    summary="Import a survey from an XLSForm workbook",
    description=(
        "Send the workbook (.xlsx or .xls, at most 5 MB) as the multipart field `file`. The survey "
        "is created with a draft version 1 to review and publish. Groups become sections; "
        "select_one, select_multiple (with or_other), rank, integer, decimal, text and notes are "
        "read, with `label::<language> (nb|en)` translations, `required` and simple `relevant` "
        "conditions. Everything that could not be kept is listed in `warnings` with its row "
        "(the survey sheet's, header = row 1, unless the message names the choices sheet). A "
        "workbook that cannot be imported gives 422 with the problems by row."
    ),
)
def surveys_import_xlsform(
    request: HttpRequest, slug: str, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "surveys.change") as access:
        data = file.read(MAX_FILE_BYTES + 1)
        try:
            result = survey_import_xlsform(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=data,
                filename=file.name or "survey.xlsx",
            )
        except ValidationError as error:
            raise ApiValidationError(error, lambda key: ["body", key]) from error
        return Status(
            201,
            {
                "survey": result.survey.pk,
                "version": result.version.number,
                "warnings": [warning.as_dict() for warning in result.warnings],
            },
        )
