"""API: public survey endpoints for respondents. They take the survey link token in the path
instead of an API token (auth=None), and reach the same submit service as the answering pages.

Anonymity: nothing here reads or stores who calls. The rate limit counts under a keyed hash of
the address that expires in minutes (surveys/answering/throttle.py), and production logging drops these paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from klyngekart.api.errors import ErrorOut
from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.language import pick_language
from klyngekart.surveys.answering.services import (
    AlreadyAnswered,
    AnswersInvalid,
    Respondent,
    RoundClosed,
    respondent_for_token,
    response_submit,
    round_accepts_answers,
    round_areas,
    round_questions,
)
from klyngekart.surveys.answering.throttle import allow_post
from klyngekart.surveys.definitions.logic import gap_areas
from klyngekart.surveys.models import Question, QuestionType
from klyngekart.surveys.rounds.open_links import open_link_hold
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup

router = Router(tags=["public"])


class OptionOut(Schema):
    key: str
    label: str


# "Public" in the names: the OpenAPI document keys schemas by class name, and the cluster
# endpoints have an AreaOut, RoundOut and SurveyOut of other shapes.
class PublicAreaOut(Schema):
    code: str
    name: str
    description: str
    # The area group (digital, green, ...): the answering pages ask a large matrix one group per part.
    group: str
    group_name: str


class QuestionOut(Schema):
    key: str
    type: str
    text: str
    help: str
    required: bool
    options: list[OptionOut]
    allow_other: bool
    min: int | None
    max: int | None
    show_if: dict[str, Any]
    areas: list[PublicAreaOut]


class SectionOut(Schema):
    title: str
    intro: str
    questions: list[QuestionOut]


class PublicRoundOut(Schema):
    title: str
    closes_on: dt.date


class PublicSurveyOut(Schema):
    round: PublicRoundOut
    cluster: str
    company: str
    language: str
    intro: str
    sections: list[SectionOut]


class LanguageQuery(Schema):
    lang: str | None = None


class AnswersIn(Schema):
    answers: dict[str, Any]


class StoredOut(Schema):
    receipt: str
    stored: bool


class AnswerErrorsOut(Schema):
    detail: dict[str, str]


PUBLIC_ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 429: ErrorOut}


@contextmanager
def _respondent(token: str) -> Iterator[Respondent]:
    respondent = respondent_for_token(token)
    if respondent is None:
        raise Http404
    if respondent.invitation is not None and respondent.invitation.withdrawn:
        raise HttpError(410, _("This invitation has been withdrawn, so the link no longer works."))
    with scope(respondent.round_company.cluster):
        yield respondent


def _gone() -> Status[dict[str, str]]:
    return Status(410, {"detail": _("This survey is not open for answers. Thank you for your interest.")})


def _group_name(group: str, language: str) -> str:
    if group not in CompetenceGroup.values:
        return ""
    with translation.override(language):
        return str(CompetenceGroup(group).label)


def _area(area: CompetenceArea, language: str) -> dict[str, str]:
    english = language == "en"
    return {
        "code": area.code,
        "name": (area.name_en if english else area.name_nb) or area.name_nb or area.name_en,
        "description": (area.description_en if english else area.description_nb) or area.description_nb,
        "group": area.group,
        "group_name": _group_name(area.group, language),
    }


def _question(question: Question, language: str, areas: dict[str, CompetenceArea]) -> dict[str, Any]:
    in_matrix = gap_areas(question, list(areas)) if question.type == QuestionType.GAP_MATRIX else []
    return {
        "key": question.key,
        "type": question.type,
        "text": question.text(language),
        "help": question.help(language),
        "required": question.required,
        "options": [
            {"key": str(option["key"]), "label": question.option_label(str(option["key"]), language)}
            for option in question.options
        ],
        "allow_other": question.allow_other,
        "min": question.min_value,
        "max": question.max_value,
        "show_if": question.show_if or {},
        "areas": [_area(areas[code], language) for code in in_matrix],
    }


@router.get(
    "/public/surveys/{token}",
    auth=None,
    response={200: PublicSurveyOut, 404: ErrorOut, 410: ErrorOut},
    summary="A survey as its respondents see it",
    description=(
        "The token is the survey link's last part (an open link or a personal invitation). `lang` picks "
        "nb or en; without it the invitation's language, else Accept-Language, else nb. 410 when the "
        "round is not open."
    ),
)
def public_survey(request: HttpRequest, token: str, query: Query[LanguageQuery]) -> Any:
    with _respondent(token) as respondent:
        round_ = respondent.round
        if not round_accepts_answers(round_):
            return _gone()
        language = pick_language(request, respondent, query.lang)
        areas = {area.code: area for area in round_areas(round_)}
        questions = round_questions(round_)
        sections = []
        for section in round_.survey_version.sections.order_by("position", "id"):
            sections.append(
                {
                    "title": section.title(language),
                    "intro": section.intro(language),
                    "questions": [
                        _question(question, language, areas)
                        for question in questions
                        if question.section_id == section.pk
                    ],
                }
            )
        cluster = respondent.round_company.cluster
        return {
            "round": {"title": round_.title, "closes_on": round_.closes_on},
            "cluster": cluster.name,
            "company": respondent.round_company.membership.name,
            "language": language,
            "intro": round_.survey_version.intro(language),
            "sections": sections,
        }


@router.post(
    "/public/surveys/{token}/responses",
    auth=None,
    response={200: StoredOut, 201: StoredOut, 422: AnswerErrorsOut, **PUBLIC_ERRORS},
    summary="Submit an anonymous response",
    description=(
        'Send a random `Idempotency-Key` header (required) and `{"answers": {question_key: value}}`. '
        'A gap matrix is `{area_code: {"importance": 1-5, "level": 1-5}}`, where an area that does not '
        'concern the respondent\'s work may be `{"not_relevant": true}` instead: it completes a required '
        "matrix and enters no figure (neither answer nor gap). "
        "201 when stored; a retry with the same key gets 200 and the same body and stores nothing. "
        '422 `{"detail": {question_key: message}}`; 409 when a personal link has been used; 410 when '
        "the round is not open; 429 when one address sends too many to one link in a few minutes. "
        "An open link is answered once per person: answers through it that look like one person "
        "answering many times are stored held for the cluster's review and count only if approved "
        "(the reply is the same)."
    ),
)
def public_submit(request: HttpRequest, token: str, payload: AnswersIn, query: Query[LanguageQuery]) -> Any:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200:
        return Status(400, {"detail": _("Send an Idempotency-Key header (1 to 200 characters).")})
    # No respondent key here (the idempotency key is the client's to pick): counted per address
    # and link, and per address in all (surveys/answering/throttle.py).
    if not allow_post(request, link=token):
        return Status(
            429, {"detail": _("Too many submissions from here just now. Try again in a few minutes.")}
        )
    with _respondent(token) as respondent:
        language = pick_language(request, respondent, query.lang)
        personal = respondent.invitation is not None
        # An open link's answers from one address within minutes beyond the installation's
        # setting are held for review (surveys/rounds/open_links.py); the reply does not say so.
        hold = (
            None
            if personal
            else open_link_hold(
                request=request, round_company=respondent.round_company, answered_before=False
            )
        )
        with translation.override(language):
            try:
                result = response_submit(
                    round_company=respondent.round_company,
                    raw_answers=payload.answers,
                    submission_key=key,
                    language=language,
                    invitation_token=token if personal else None,
                    hold=hold,
                )
            except RoundClosed:
                return _gone()
            except AlreadyAnswered:
                return Status(409, {"detail": _("This personal link has already been used to answer.")})
            except AnswersInvalid as error:
                return Status(422, {"detail": error.errors})
        return Status(201 if result.created else 200, {"receipt": result.receipt, "stored": True})
