"""API: surveys and their versions, as the survey builder shows them (sections and questions in
the order a respondent meets them), the titles and introductions it edits, publishing, a new
draft version, the sections and questions of a draft (checked by the builder's own forms), and the
XLSForm import. The builder's own services do every write (audited)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.surveys.definitions import services as svc
from klyngekart.surveys.definitions.forms import QuestionForm, SectionForm, condition_choices
from klyngekart.surveys.definitions.services import survey_list
from klyngekart.surveys.definitions.xlsform import MAX_FILE_BYTES, survey_import_xlsform
from klyngekart.surveys.models import Question, QuestionType, Section, Survey, SurveyKind, SurveyVersion

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


class SurveyFilters(PageQuery):
    kind: SurveyKind | None = None


class SurveyPage(Schema):
    items: list[SurveyOut]
    count: int
    page: int
    page_size: int


class VersionPage(Schema):
    items: list[VersionOut]
    count: int
    page: int
    page_size: int


class BuilderOptionOut(Schema):
    key: str
    nb: str = ""
    en: str = ""


class BuilderQuestionOut(Schema):
    id: int
    key: str
    type: QuestionType
    text: TextsOut
    help: TextsOut
    required: bool
    options: list[BuilderOptionOut]
    allow_other: bool
    min_value: int | None
    max_value: int | None
    show_if: dict[str, Any] = Field(
        description='{"question": key, "equals": value} or {"question": key, "in": [values]}; {} always.'
    )
    areas: list[str] = Field(description="A gap matrix's competence area codes; empty: every visible area.")
    is_segment: bool


class BuilderSectionOut(Schema):
    id: int
    position: int
    title: TextsOut
    intro: TextsOut
    questions: list[BuilderQuestionOut]


class VersionDetailOut(VersionOut):
    survey: int
    intro: TextsOut
    sections: list[BuilderSectionOut]
    problems: list[str] = Field(description="What stops a draft from being published; empty when published.")


class SurveyPatch(Schema):
    title_nb: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    kind: SurveyKind | None = None


class VersionPatch(Schema):
    intro_nb: str | None = None
    intro_en: str | None = None


def _version_item(version: SurveyVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "questions": version.questions.count(),
    }


def _survey_item(survey: Survey, versions: list[SurveyVersion]) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "kind": survey.kind,
        "title": {"nb": survey.title_nb, "en": survey.title_en},
        "versions": [_version_item(version) for version in versions],
    }


def _question(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "key": question.key,
        "type": question.type,
        "text": {"nb": question.text_nb, "en": question.text_en},
        "help": {"nb": question.help_nb, "en": question.help_en},
        "required": question.required,
        "options": [
            {"key": str(option.get("key", "")), "nb": option.get("nb") or "", "en": option.get("en") or ""}
            for option in question.options
        ],
        "allow_other": question.allow_other,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "show_if": question.show_if or {},
        "areas": list(question.areas),
        "is_segment": question.is_segment,
    }


def _section(section: Section, questions: list[Question]) -> dict[str, Any]:
    return {
        "id": section.pk,
        "position": section.position,
        "title": {"nb": section.title_nb, "en": section.title_en},
        "intro": {"nb": section.intro_nb, "en": section.intro_en},
        "questions": [_question(question) for question in questions if question.section_id == section.pk],
    }


def _version_detail(version: SurveyVersion) -> dict[str, Any]:
    questions = svc.ordered_questions(version)
    return {
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "questions": len(questions),
        "survey": version.survey_id,
        "intro": {"nb": version.intro_nb, "en": version.intro_en},
        "sections": [_section(section, questions) for section in svc.ordered_sections(version)],
        "problems": []
        if version.is_published
        else [str(problem) for problem in svc.version_problems(version)],
    }


# One door per object, as on the builder's pages: the tenant manager limits every query to the
# cluster in scope, so another cluster's survey is the same 404 as a missing one.
def _survey(survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def _version(survey: Survey, number: int) -> SurveyVersion:
    version = survey.versions.filter(number=number).select_related("survey").first()
    if version is None:
        raise Http404("No such survey version")
    return version


@router.get(
    "/clusters/{slug}/surveys",
    response={200: SurveyPage, **ERROR_RESPONSES},
    summary="The cluster's surveys",
    description=(
        "Every survey, newest first, with its versions (newest first). A `published` version never "
        "changes and is what a round uses; a `draft` is still being edited. `kind` is one of "
        "employee_mapping, membership_strategy, annual_member, activity_feedback, pulse, custom."
    ),
)
def surveys_list(request: HttpRequest, slug: str, filters: Query[SurveyFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.view") as access:
        surveys = survey_list(access.cluster)
        if filters.kind:
            surveys = [survey for survey in surveys if survey.kind == filters.kind]
        return paged(
            surveys,
            filters,
            lambda survey: _survey_item(survey, survey.version_list),  # type: ignore[attr-defined]
        )


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


SURVEY = "/clusters/{slug}/surveys/{survey_id}"
VERSION = SURVEY + "/versions/{number}"


# Declared after the import: "import-xlsform" would otherwise match {survey_id} and a POST to it
# get this route's 405.
@router.get(SURVEY, response={200: SurveyOut, **ERROR_RESPONSES}, summary="A survey, with its versions")
def survey_get(request: HttpRequest, slug: str, survey_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.view"):
        survey = _survey(survey_id)
        return _survey_item(survey, list(survey.versions.order_by("-number")))


@router.patch(
    SURVEY,
    response={200: SurveyOut, **ERROR_RESPONSES},
    summary="Change a survey's titles or kind",
    description=(
        "Titles and kind belong to the survey, not a version, so they may change at any time. Audited."
    ),
)
def survey_patch(request: HttpRequest, slug: str, survey_id: int, payload: SurveyPatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        survey = _survey(survey_id)
        data = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        try:
            svc.survey_update(survey=survey, actor=request.auth, data=data)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _survey_item(survey, list(survey.versions.order_by("-number")))


@router.get(
    SURVEY + "/versions",
    response={200: VersionPage, **ERROR_RESPONSES},
    summary="A survey's versions, newest first",
)
def version_list(request: HttpRequest, slug: str, survey_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.view"):
        survey = _survey(survey_id)
        return paged(survey.versions.order_by("-number"), query, _version_item)


@router.post(
    SURVEY + "/versions",
    response={201: VersionDetailOut, **ERROR_RESPONSES},
    summary="Start a new draft version",
    description=(
        "A draft copied from the newest version, to change and publish. One draft at a time: "
        "while the newest version is a draft the answer is 422. Audited."
    ),
)
def version_create(request: HttpRequest, slug: str, survey_id: int) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "surveys.change"):
        survey = _survey(survey_id)
        try:
            version = svc.survey_new_version(survey=survey, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "survey_id"]) from error
        return Status(201, _version_detail(version))


@router.get(
    VERSION,
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="A survey version with its sections and questions",
    description=(
        "Sections and questions in the order a respondent meets them, with every text in nb and en, "
        "as the survey builder shows them; for a draft, what still stops it from being published."
    ),
)
def version_get(request: HttpRequest, slug: str, survey_id: int, number: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.view"):
        return _version_detail(_version(_survey(survey_id), number))


@router.patch(
    VERSION,
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Change a draft version's introduction",
    description="A published version never changes (422). Audited.",
)
def version_patch(
    request: HttpRequest, slug: str, survey_id: int, number: int, payload: VersionPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _version(_survey(survey_id), number)
        data = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        try:
            svc.version_update(version=version, actor=request.auth, data=data)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _version_detail(version)


@router.post(
    VERSION + "/publish",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Publish a draft version",
    description=(
        "Checks the whole draft and freezes it; rounds can then use it. Every problem is listed in "
        "the 422 (and the version stays a draft); a published version cannot be published again. Audited."
    ),
)
def version_publish(request: HttpRequest, slug: str, survey_id: int, number: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _version(_survey(survey_id), number)
        try:
            published = svc.survey_publish(version=version, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "number"]) from error
        return _version_detail(published)


# --- the builder: sections and questions of a draft ---------------------------------------------

SECTIONS = VERSION + "/sections"
QUESTIONS = VERSION + "/questions"


class SectionIn(Schema):
    title_nb: str
    title_en: str = ""
    intro_nb: str = ""
    intro_en: str = ""


class SectionPatch(Schema):
    title_nb: str | None = None
    title_en: str | None = None
    intro_nb: str | None = None
    intro_en: str | None = None


class OptionIn(Schema):
    key: str = Field(description="a–z, digits, - and single _, at most 60 characters; unique in the question")
    nb: str
    en: str = ""


# What an int column holds: a larger number would be the database's error, not the client's.
INT_LOW, INT_HIGH = -(2**31), 2**31 - 1
SHOW_IF = (
    '{"question": key, "equals": value} naming an earlier choice, agreement (1-5) or NPS (0-10) '
    "question and one of its values, as the builder offers them; {} to always ask."
)
AREAS = "A gap matrix's competence area codes, from the cluster's taxonomy; empty: every visible area."


class QuestionIn(Schema):
    key: str = Field(description="Starts with a letter; a–z, digits, - and single _; unique in the version.")
    type: QuestionType
    text_nb: str
    text_en: str = ""
    help_nb: str = ""
    help_en: str = ""
    required: bool = False
    options: list[OptionIn] = Field(default_factory=list, description="Choice and ranking questions.")
    allow_other: bool = Field(False, description="Choice and ranking questions: offer “Other” with a text.")
    min_value: int | None = Field(None, description="Number questions.", ge=INT_LOW, le=INT_HIGH)
    max_value: int | None = Field(None, description="Number questions.", ge=INT_LOW, le=INT_HIGH)
    show_if: dict[str, Any] = Field(default_factory=dict, description=SHOW_IF)
    areas: list[str] = Field(default_factory=list, description=AREAS)
    is_segment: bool = Field(False, description="Single choice: split results by this answer.")


class QuestionPatch(Schema):
    key: str | None = None
    type: QuestionType | None = None
    text_nb: str | None = None
    text_en: str | None = None
    help_nb: str | None = None
    help_en: str | None = None
    required: bool | None = None
    options: list[OptionIn] | None = None
    allow_other: bool | None = None
    min_value: int | None = Field(None, description="null clears it.", ge=INT_LOW, le=INT_HIGH)
    max_value: int | None = Field(None, description="null clears it.", ge=INT_LOW, le=INT_HIGH)
    show_if: dict[str, Any] | None = Field(None, description=SHOW_IF)
    areas: list[str] | None = Field(None, description=AREAS)
    is_segment: bool | None = None


# The PATCH fields whose null means "clear it"; for the others null means "unchanged".
NULLABLE = frozenset({"min_value", "max_value"})


class MoveIn(Schema):
    direction: Literal["up", "down"] = Field(description="One step towards the start (up) or the end (down).")


def _survey_version(survey_id: int, number: int) -> SurveyVersion:
    return _version(_survey(survey_id), number)


def _refuse_published(version: SurveyVersion) -> None:
    """A published version never changes: refused before the data sent is even looked at."""
    try:
        svc.check_draft(version)
    except ValidationError as error:
        raise ApiValidationError(error, lambda _key: ["path", "number"]) from error


def _draft_section(version: SurveyVersion, section_id: int) -> Section:
    section = version.sections.filter(pk=section_id).select_related("version__survey").first()
    if section is None:
        raise Http404("No such section")
    return section


def _draft_question(version: SurveyVersion, question_id: int) -> Question:
    question = version.questions.filter(pk=question_id).select_related("version__survey", "section").first()
    if question is None:
        raise Http404("No such question")
    return question


def _form_refused(form: Form) -> ApiValidationError:
    return ApiValidationError(ValidationError(form.errors.as_data()), payload_loc)


def _section_data(values: dict[str, Any]) -> dict[str, Any]:
    """The builder's section form, cleaning ``values`` as it cleans what a person types."""
    form = SectionForm(values)
    if not form.is_valid():
        raise _form_refused(form)
    return form.cleaned_data


def _question_data(
    version: SurveyVersion, section: Section, question: Question | None, values: dict[str, Any]
) -> dict[str, Any]:
    """The builder's question form, with the same choices as its page (show-if among the earlier
    questions' values, areas from the taxonomy), cleaning ``values`` (the service's shape)."""
    earlier = svc.show_if_sources(version, question, section)
    show_if = values.get("show_if") or {}
    offered = [value for value, _label in condition_choices(earlier, question.show_if if question else {})]
    # The page offers each condition as its JSON; the one sent is that choice whatever its key order.
    chosen = next((value for value in offered if value and json.loads(value) == show_if), json.dumps(show_if))
    data = {
        **values,
        "type": str(values.get("type") or ""),
        "options": "",
        "show_if": chosen if show_if else "",
        "areas": list(values.get("areas") or []),
    }
    areas = svc.current_areas(version.cluster)
    form = QuestionForm(data, earlier=earlier, areas=areas, instance=question)
    if not form.is_valid():
        raise _form_refused(form)
    return form.data_for_service(options=[dict(option) for option in values.get("options") or []])


def _write(call: Callable[[], Any]) -> None:
    try:
        call()
    except ValidationError as error:
        raise ApiValidationError(error, payload_loc) from error


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.post(
    SECTIONS,
    response={201: VersionDetailOut, **ERROR_RESPONSES},
    summary="Add a section to a draft version",
    description=(
        "The section goes last; the answer is the version, the new section being the last of "
        "`sections`. A published version never changes (422). Audited."
    ),
)
def section_create(
    request: HttpRequest, slug: str, survey_id: int, number: int, payload: SectionIn
) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        _refuse_published(version)
        data = _section_data(payload.model_dump())
        _write(lambda: svc.section_create(version=version, actor=_actor(request), data=data))
        return Status(201, _version_detail(version))


@router.patch(
    SECTIONS + "/{section_id}",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Change a section's titles or introductions",
    description="A published version never changes (422). Audited.",
)
def section_patch(
    request: HttpRequest, slug: str, survey_id: int, number: int, section_id: int, payload: SectionPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        section = _draft_section(version, section_id)
        _refuse_published(version)
        sent = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        data = _section_data({**{name: getattr(section, name) for name in svc.SECTION_FIELDS}, **sent})
        _write(lambda: svc.section_update(section=section, actor=_actor(request), data=data))
        return _version_detail(version)


@router.post(
    SECTIONS + "/{section_id}/move",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Move a section one step up or down",
    description="At the start or the end it stays. A published version never changes (422). Audited.",
)
def section_move(
    request: HttpRequest, slug: str, survey_id: int, number: int, section_id: int, payload: MoveIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        section = _draft_section(version, section_id)
        _refuse_published(version)
        step = -1 if payload.direction == "up" else 1
        _write(lambda: svc.section_move(section=section, actor=_actor(request), direction=step))
        return _version_detail(version)


@router.delete(
    SECTIONS + "/{section_id}",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Remove a section and its questions",
    description="The answer is the version without it. A published version never changes (422). Audited.",
)
def section_delete(
    request: HttpRequest, slug: str, survey_id: int, number: int, section_id: int
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        section = _draft_section(version, section_id)
        _refuse_published(version)
        _write(lambda: svc.section_delete(section=section, actor=_actor(request)))
        return _version_detail(version)


@router.post(
    SECTIONS + "/{section_id}/questions",
    response={201: VersionDetailOut, **ERROR_RESPONSES},
    summary="Add a question to a section of a draft version",
    description=(
        "Checked as the builder's form checks it; what does not belong to the type (options of a "
        "text question, say) is left out, as on the page. The question goes last in its section. "
        "A published version never changes (422). Audited."
    ),
)
def question_create(
    request: HttpRequest, slug: str, survey_id: int, number: int, section_id: int, payload: QuestionIn
) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        section = _draft_section(version, section_id)
        _refuse_published(version)
        data = _question_data(version, section, None, payload.model_dump())
        _write(lambda: svc.question_create(section=section, actor=_actor(request), data=data))
        return Status(201, _version_detail(version))


@router.patch(
    QUESTIONS + "/{question_id}",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Change a question of a draft version",
    description=(
        "The fields sent replace the question's, and the whole is checked as the builder's form "
        "checks it (a new type leaves out what no longer belongs to it, as on the page). A "
        "published version never changes (422). Audited."
    ),
)
def question_patch(
    request: HttpRequest, slug: str, survey_id: int, number: int, question_id: int, payload: QuestionPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        question = _draft_question(version, question_id)
        _refuse_published(version)
        sent = payload.model_dump(exclude_unset=True)
        sent = {key: value for key, value in sent.items() if value is not None or key in NULLABLE}
        values = {**{name: getattr(question, name) for name in svc.QUESTION_FIELDS}, **sent}
        data = _question_data(version, question.section, question, values)
        _write(lambda: svc.question_update(question=question, actor=_actor(request), data=data))
        return _version_detail(version)


@router.post(
    QUESTIONS + "/{question_id}/move",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Move a question one step up or down in its section",
    description="At the start or the end it stays. A published version never changes (422). Audited.",
)
def question_move(
    request: HttpRequest, slug: str, survey_id: int, number: int, question_id: int, payload: MoveIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        question = _draft_question(version, question_id)
        _refuse_published(version)
        step = -1 if payload.direction == "up" else 1
        _write(lambda: svc.question_move(question=question, actor=_actor(request), direction=step))
        return _version_detail(version)


@router.delete(
    QUESTIONS + "/{question_id}",
    response={200: VersionDetailOut, **ERROR_RESPONSES},
    summary="Remove a question",
    description="The answer is the version without it. A published version never changes (422). Audited.",
)
def question_delete(
    request: HttpRequest, slug: str, survey_id: int, number: int, question_id: int
) -> dict[str, Any]:
    with cluster_scope(request, slug, "surveys.change"):
        version = _survey_version(survey_id, number)
        question = _draft_question(version, question_id)
        _refuse_published(version)
        _write(lambda: svc.question_delete(question=question, actor=_actor(request)))
        return _version_detail(version)
