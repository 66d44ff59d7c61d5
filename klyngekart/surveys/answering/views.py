"""The answering pages, /s/<token>/: one section per page, and a gap matrix one area group per
page (surveys/answering/pages.py), no JavaScript needed.

The token is a company's open link or a personal invitation. Answers so far are kept as an
encrypted draft under a key only the respondent holds: the personal token itself, or for an open
link a random resume token in a cookie limited to this link's path. That key is also the
submission key, so a double click or a re-POST of the last page stores one response.

One browser answers an open link once: once its key has stored a response, the link shows the
thank-you page until the round closes. A browser that answers the link again all the same (with its
resume cookie changed or deleted, but the "answered" cookie still there), and an address that sends
more answers through the link within minutes than the installation allows, are held for the
cluster team's review (surveys/rounds/open_links.py). The respondent sees the same thank-you either way:
whoever pads must not learn that they were caught.

Nothing here records who answers: no user, IP address or user agent is read into anything stored;
the rate limit and the burst counter keep only expiring keyed hashes of the address in the cache.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from klyngekart.core.privacy import k_threshold
from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.drafts import draft_load, draft_save
from klyngekart.surveys.answering.forms import post_to_raw
from klyngekart.surveys.answering.language import pick_language
from klyngekart.surveys.answering.pages import Page, effort, page_heading, plan_pages
from klyngekart.surveys.answering.services import (
    AlreadyAnswered,
    AnswersInvalid,
    Respondent,
    RoundClosed,
    personal_link_answered,
    receipt_for,
    respondent_for_token,
    response_submit,
    round_accepts_answers,
    round_areas,
    round_questions,
    submitted,
)
from klyngekart.surveys.answering.throttle import allow_post
from klyngekart.surveys.definitions.logic import (
    NOT_RELEVANT,
    OTHER_SUFFIX,
    gap_areas,
    gap_row_errors,
    is_not_relevant,
    is_visible,
    validate_answers,
)
from klyngekart.surveys.models import Question, QuestionType, RoundStatus, Section
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.open_links import open_link_hold
from klyngekart.taxonomy.models import CompetenceArea

RESUME_COOKIE = "kk_resume"
# Set once a browser has stored an answer through an open link: if the same browser answers the
# link again (say, with its resume cookie deleted), that answer is held as a repeat.
ANSWERED_COOKIE = "kk_answered"
RESUME_DAYS = 30
# The name suffix of a matrix part's "none of these concern my work" box (no area code is empty, so
# post_to_raw never reads it as a row).
GROUP_NOT_RELEVANT = "__group_not_relevant"
_RESUME_FORMAT = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class Visit:
    """One request to a survey link, resolved: who holds it, in which language, with which key."""

    request: HttpRequest
    token: str
    respondent: Respondent
    language: str
    key: str
    new_key: bool = False
    answered: bool = False
    _questions: list[Question] | None = field(default=None, repr=False)
    _sections: list[Section] | None = field(default=None, repr=False)
    _areas: list[CompetenceArea] | None = field(default=None, repr=False)
    _pages: list[Page] | None = field(default=None, repr=False)

    @property
    def company(self) -> Any:
        return self.respondent.round_company

    @property
    def round(self) -> Any:
        return self.respondent.round

    @property
    def is_personal(self) -> bool:
        return self.respondent.invitation is not None

    @property
    def questions(self) -> list[Question]:
        if self._questions is None:
            self._questions = round_questions(self.round)
        return self._questions

    @property
    def sections(self) -> list[Section]:
        if self._sections is None:
            self._sections = list(self.round.survey_version.sections.order_by("position", "id"))
        return self._sections

    @property
    def areas(self) -> list[CompetenceArea]:
        if self._areas is None:
            self._areas = round_areas(self.round)
        return self._areas

    @property
    def pages(self) -> list[Page]:
        if self._pages is None:
            self._pages = plan_pages(self.sections, self.questions, self.areas)
        return self._pages

    @property
    def area_codes(self) -> list[str]:
        return [area.code for area in self.areas]

    def url(self, name: str, *args: Any, language: str | None = None) -> str:
        path = reverse(f"respond:{name}", args=[self.token, *args])
        return f"{path}?{urlencode({'lang': language or self.language})}"

    def page_questions(self, index: int) -> list[Question]:
        keys = self.pages[index].keys
        return [question for question in self.questions if question.key in keys]

    def visible_in(self, index: int, answers: dict[str, Any]) -> list[Question]:
        return [question for question in self.page_questions(index) if is_visible(question, answers)]

    def matrix_codes(self, index: int, question: Question) -> list[str]:
        """The areas of a gap matrix that page ``index`` asks about."""
        page = self.pages[index]
        return list(page.area_codes) if page.is_matrix else gap_areas(question, self.area_codes)

    def render(self, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        cluster = self.company.cluster
        other = "en" if self.language == "nb" else "nb"
        base = {
            "visit": self,
            "language": self.language,
            "cluster_name": cluster.name,
            "company_name": self.company.membership.name,
            "survey_title": self.round.survey_version.survey.title,
            "closes_on": self.round.closes_on,
            "k": k_threshold(cluster),
            "switch_url": f"{self.request.path}?{urlencode({'lang': other})}",
            "switch_language": other,
        }
        return render(self.request, template, {**base, **context}, status=status)


def _resume_key(request: HttpRequest) -> str | None:
    value = request.COOKIES.get(RESUME_COOKIE, "")
    return value if _RESUME_FORMAT.match(value) else None


def _cookie_days(visit: Visit) -> int:
    """At least RESUME_DAYS, and until the round closes: a browser that has answered keeps seeing
    the thank-you page for as long as the link takes answers."""
    return max(RESUME_DAYS, (visit.round.closes_on - timezone.localdate()).days + 1)


def _set_link_cookie(response: HttpResponse, visit: Visit, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=_cookie_days(visit) * 24 * 3600,
        path=reverse("respond:start", args=[visit.token]),
        secure=visit.request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _answered_before(visit: Visit) -> bool:
    return visit.request.COOKIES.get(ANSWERED_COOKIE) == "1"


def respondent_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token (404 when unknown), enter its cluster's scope and language, and keep the
    open link's resume cookie. Everything, rendering included, runs inside the scope."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        respondent = respondent_for_token(token)
        if respondent is None:
            raise Http404
        language = pick_language(request, respondent, request.GET.get("lang"))
        if respondent.invitation is not None:
            key, new_key = token, False
        else:
            existing = _resume_key(request)
            key, new_key = (existing, False) if existing else (secrets.token_urlsafe(24), True)
        visit = Visit(
            request=request, token=token, respondent=respondent, language=language, key=key, new_key=new_key
        )
        with scope(respondent.round_company.cluster), translation.override(language):
            session = None if visit.new_key else visit.key
            if respondent.invitation is not None and respondent.invitation.withdrawn:
                # Withdrawn by whoever invited: say so, on every page of the link.
                response = visit.render("surveys/respond/withdrawn.html", {}, status=410)
            elif request.method == "POST" and not allow_post(request, link=token, session=session):
                response = visit.render("surveys/respond/busy.html", {}, status=429)
            else:
                response = view(visit, *args, **kwargs)
        if visit.new_key:
            _set_link_cookie(response, visit, RESUME_COOKIE, visit.key)
        if visit.answered:
            _set_link_cookie(response, visit, ANSWERED_COOKIE, "1")
        response.headers["Cache-Control"] = "no-store"
        # Not "no-referrer": with it, browsers send "Origin: null" on the form's POST and Django's
        # CSRF check refuses every answer. "strict-origin" still keeps the token out of any Referer.
        response.headers["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper


def _closed(visit: Visit) -> HttpResponse:
    not_yet = visit.round.status == RoundStatus.DRAFT
    return visit.render("surveys/respond/closed.html", {"not_yet": not_yet}, status=410)


def _used_invitation(visit: Visit) -> bool:
    """A personal link that has answered: completed, or answered with its completion still waiting
    for its batch (surveys/rounds/completions.py), through these pages or the API."""
    invitation = visit.respondent.invitation
    if invitation is None:
        return False
    return invitation.status == InvitationStatus.COMPLETED or personal_link_answered(visit.round, visit.token)


def _finished(visit: Visit) -> bool:
    return _used_invitation(visit) or submitted(round_company=visit.company, submission_key=visit.key)


@require_GET
@respondent_view
def start(visit: Visit) -> HttpResponse:
    if _finished(visit):
        return HttpResponseRedirect(visit.url("thanks"))
    if not round_accepts_answers(visit.round):
        return _closed(visit)
    draft = None if visit.new_key else draft_load(round_company=visit.company, token=visit.key)
    resume_at = min(draft[1], len(visit.pages) - 1) if draft else 0
    return visit.render(
        "surveys/respond/start.html",
        {
            "intro": visit.round.survey_version.intro(visit.language),
            "has_draft": draft is not None,
            "first_url": visit.url("part", resume_at + 1),
            "effort": effort(visit.questions, visit.area_codes, len(visit.pages)),
            "open_link": not visit.is_personal,
        },
    )


def _next_index(visit: Visit, index: int, answers: dict[str, Any], step: int) -> int | None:
    """The next page in ``step`` direction with a question to show, or None."""
    index += step
    while 0 <= index < len(visit.pages):
        if visit.visible_in(index, answers):
            return index
        index += step
    return None


def _draft_answers(visit: Visit) -> tuple[dict[str, Any], int]:
    draft = None if visit.new_key else draft_load(round_company=visit.company, token=visit.key)
    return draft if draft is not None else ({}, 0)


def _cleaned_for_draft(visit: Visit, raw: dict[str, Any]) -> dict[str, Any]:
    cleaned = validate_answers(visit.questions, raw, area_codes=visit.area_codes, partial=True)
    kept = dict(cleaned.answers)
    kept.update({key + OTHER_SUFFIX: text for key, text in cleaned.other_texts.items()})
    return kept


def _render_part(
    visit: Visit,
    index: int,
    answers: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    row_errors: dict[str, dict[str, str]] | None = None,
    shown: list[Question] | None = None,
    more_appeared: bool = False,
) -> HttpResponse:
    errors = errors or {}
    row_errors = row_errors or {}
    page = visit.pages[index]
    questions = shown if shown is not None else visit.visible_in(index, answers)
    areas = visit.areas
    if page.is_matrix:
        wanted = set(page.area_codes)
        areas = [area for area in visit.areas if area.code in wanted]
    names = {area.code: area for area in areas}
    items = [
        {
            "question": question,
            "value": answers.get(question.key),
            "other_text": answers.get(question.key + OTHER_SUFFIX, ""),
            "error": errors.get(question.key, ""),
            "row_errors": row_errors.get(question.key, {}),
        }
        for question in questions
    ]
    summary = []
    for item in items:
        question = item["question"]
        if item["row_errors"]:
            # One line per area, named, each linking to its row.
            summary += [
                {
                    "anchor": f"q-{question.key}-{code}",
                    "text": (names[code].name_en or names[code].name_nb)
                    if visit.language == "en"
                    else (names[code].name_nb or names[code].name_en),
                    "error": message,
                }
                for code, message in item["row_errors"].items()
                if code in names
            ]
        elif item["error"]:
            summary.append(
                {"anchor": f"q-{question.key}", "text": question.text(visit.language), "error": item["error"]}
            )
    group_box = None
    if page.is_matrix and items:
        matrix = items[0]["question"]
        given = items[0]["value"] if isinstance(items[0]["value"], dict) else {}
        group_box = {
            "name": matrix.key + GROUP_NOT_RELEVANT,
            "id": f"q-{matrix.key}-group-nr",
            "checked": all(is_not_relevant(given.get(code)) for code in page.area_codes),
        }
    section = visit.sections[page.section]
    total = len(visit.pages)
    return visit.render(
        "surveys/respond/part.html",
        {
            "section_title": page_heading(page, section.title(visit.language)),
            "section_intro": section.intro(visit.language) if page.group_number <= 1 else "",
            "page": page,
            "number": index + 1,
            "total": total,
            "percent": round(100 * index / total) if total else 0,
            "items": items,
            "summary": summary,
            "shown": ",".join(question.key for question in questions),
            "is_last": _next_index(visit, index, answers, 1) is None,
            "has_previous": index > 0,
            "more_appeared": more_appeared,
            "action": visit.url("part", index + 1),
            "areas": areas,
            "group_box": group_box,
        },
    )


@require_http_methods(["GET", "POST"])
@respondent_view
def part(visit: Visit, number: int) -> HttpResponse:
    index = number - 1
    if not 0 <= index < len(visit.pages):
        raise Http404
    if _finished(visit):
        return HttpResponseRedirect(visit.url("thanks"))
    if not round_accepts_answers(visit.round):
        return _closed(visit)
    answers, _section = _draft_answers(visit)
    if visit.request.method == "GET":
        return _render_part(visit, index, answers)
    return _post_part(visit, index, answers)


def _page_raw(visit: Visit, index: int, saved: dict[str, Any], post: Any) -> dict[str, Any]:
    """The answers so far with this page's replaced by what it posted. A matrix page replaces only
    its own area group's rows of the matrix: the other groups' rows stay as saved."""
    own = visit.page_questions(index)
    own_keys = {question.key for question in own}
    raw = {
        key: value
        for key, value in saved.items()
        if key not in own_keys and key.removesuffix(OTHER_SUFFIX) not in own_keys
    }
    posted = post_to_raw(own, post)
    for question in own:
        if question.type != QuestionType.GAP_MATRIX:
            continue
        codes = set(visit.matrix_codes(index, question))
        earlier = saved.get(question.key)
        saved_rows = earlier if isinstance(earlier, dict) else {}
        rows = {code: pair for code, pair in saved_rows.items() if code not in codes}
        rows.update({code: pair for code, pair in posted.pop(question.key, {}).items() if code in codes})
        if post.get(question.key + GROUP_NOT_RELEVANT):
            # "None of these concern my work": one tick for the whole group, whatever was rated.
            rows.update(dict.fromkeys(codes, {NOT_RELEVANT: True}))
        if rows:
            posted[question.key] = rows
    raw.update(posted)
    return raw


def _page_errors(
    visit: Visit, index: int, raw: dict[str, Any], keys: set[str]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """What is wrong on page ``index`` among the questions ``keys``: a message per question, and
    for a gap matrix a message per area of this page (a required matrix's later groups are not
    asked about yet, so they are no error here)."""
    full = validate_answers(visit.questions, raw, area_codes=visit.area_codes)
    errors: dict[str, str] = {}
    row_errors: dict[str, dict[str, str]] = {}
    for question in visit.page_questions(index):
        if question.key not in keys:
            continue
        if question.type == QuestionType.GAP_MATRIX:
            rows = gap_row_errors(question, raw.get(question.key), visit.matrix_codes(index, question))
            if rows:
                row_errors[question.key] = rows
                errors[question.key] = ngettext(
                    "%(n)s area needs an answer.", "%(n)s areas need an answer.", len(rows)
                ) % {"n": len(rows)}
        elif question.key in full.errors:
            errors[question.key] = full.errors[question.key]
    return errors, row_errors


def _post_part(visit: Visit, index: int, saved: dict[str, Any]) -> HttpResponse:
    post = visit.request.POST
    raw = _page_raw(visit, index, saved, post)
    kept = _cleaned_for_draft(visit, raw)
    if post.get("action") == "back":
        draft_save(round_company=visit.company, token=visit.key, answers=kept, section=index)
        previous = _next_index(visit, index, kept, -1)
        return HttpResponseRedirect(visit.url("part", (previous if previous is not None else index) + 1))

    shown_keys = set(filter(None, post.get("shown", "").split(",")))
    visible = visit.visible_in(index, kept)
    errors, row_errors = _page_errors(visit, index, raw, shown_keys)
    appeared = [question for question in visible if question.key not in shown_keys]
    if errors or appeared:
        # Keep what was typed: the raw POST values go back into the fields, not the cleaned ones.
        draft_save(round_company=visit.company, token=visit.key, answers=kept, section=index)
        return _render_part(
            visit,
            index,
            raw,
            errors=errors,
            row_errors=row_errors,
            shown=visible,
            more_appeared=bool(appeared),
        )

    following = _next_index(visit, index, kept, 1)
    draft_save(
        round_company=visit.company,
        token=visit.key,
        answers=kept,
        section=following if following is not None else index,
    )
    if following is not None:
        return HttpResponseRedirect(visit.url("part", following + 1))
    return _submit(visit, raw)


def _submit(visit: Visit, raw: dict[str, Any]) -> HttpResponse:
    hold = None
    if not visit.is_personal:
        # Counted before storing, so that answers sent at once are counted at once.
        hold = open_link_hold(
            request=visit.request, round_company=visit.company, answered_before=_answered_before(visit)
        )
    try:
        result = response_submit(
            round_company=visit.company,
            raw_answers=raw,
            submission_key=visit.key,
            language=visit.language,
            invitation_token=visit.token if visit.is_personal else None,
            hold=hold,
        )
    except RoundClosed:
        return _closed(visit)
    except AlreadyAnswered:
        return HttpResponseRedirect(visit.url("thanks"))
    except AnswersInvalid as error:
        # Only when an earlier page holds an error (say, a question that became required, or a
        # matrix group left unanswered): show the first such page with its errors.
        for index in range(len(visit.pages)):
            keys = {question.key for question in visit.page_questions(index)} & set(error.errors)
            if not keys:
                continue
            errors, row_errors = _page_errors(visit, index, raw, keys)
            if errors:
                return _render_part(visit, index, raw, errors=errors, row_errors=row_errors)
        raise
    visit.answered = result.created and not visit.is_personal
    return HttpResponseRedirect(visit.url("thanks"))


@require_GET
@respondent_view
def thanks(visit: Visit) -> HttpResponse:
    done = submitted(round_company=visit.company, submission_key=visit.key)
    if not done and not _used_invitation(visit):
        return HttpResponseRedirect(visit.url("start"))
    # The same page whether the answer was counted or held: nothing here may tell them apart.
    return visit.render(
        "surveys/respond/thanks.html", {"receipt": receipt_for(visit.round, visit.key) if done else ""}
    )
