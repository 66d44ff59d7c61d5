"""What an answer may be, and which questions a respondent sees.

One set of rules for every door: the answering pages, the public API, the builder's preview,
imports of answers and the demo data all clean answers here. Values are the API's shapes:
Likert 1–5, NPS 0–10 and number as integers; single choice an option key (or "other", with its
text under "<key>__other"); multiple choice a list of option keys; ranking an ordered list of up
to three option keys; text a string; gap matrix {area_code: {"importance": 1–5, "level": 1–5}},
where an area may instead be {"not_relevant": true}: the respondent says it does not concern their
work. Such an area counts as answered (a required matrix is complete without a rating for it) but is
stored as no rating at all, so it enters no figure: not as a 0, not as a gap, and not in the area's n.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klyngekart.surveys.models import Question, QuestionType

OTHER = "other"
NOT_RELEVANT = "not_relevant"
OTHER_SUFFIX = "__other"
MAX_TEXT = 5000
RANKING_SIZE = 3


class AnswerError(ValueError):
    """A value a question cannot take; the message is for the respondent."""


def is_visible(question: Question, answers: dict[str, Any]) -> bool:
    """Show-if on an earlier answer: {"question": k, "equals": v} or {"question": k, "in": [...]}.
    A multiple-choice answer matches when it contains the value."""
    condition = question.show_if or {}
    source = condition.get("question")
    if not source:
        return True
    value = answers.get(source)
    wanted: list[Any] = [condition["equals"]] if "equals" in condition else list(condition.get("in", []))
    if isinstance(value, list):
        return any(item in wanted for item in value)
    return value in wanted


def gap_areas(question: Question, area_codes: Sequence[str]) -> list[str]:
    """The areas a gap matrix asks about: its own list (within the round's taxonomy) or all."""
    if question.areas:
        allowed = set(area_codes)
        return [code for code in question.areas if code in allowed]
    return list(area_codes)


def _option_keys(question: Question) -> list[str]:
    return [str(option["key"]) for option in question.options]


def _integer(value: Any, low: int | None, high: int | None) -> int:
    if isinstance(value, bool):
        raise AnswerError(_("Give a whole number."))
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            raise AnswerError(_("Give a whole number."))
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise AnswerError(_("Give a whole number."))
    if low is not None and value < low:
        raise AnswerError(_("The lowest allowed value is %(low)s.") % {"low": low})
    if high is not None and value > high:
        raise AnswerError(_("The highest allowed value is %(high)s.") % {"high": high})
    return value


def _plain_text(value: str) -> str:
    """Text as stored: NUL characters removed (PostgreSQL cannot store them in text or JSON, and
    no person types one), surrounding space trimmed."""
    return value.replace("\x00", "").strip()


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean_answer(
    question: Question, value: Any, *, area_codes: Sequence[str] = (), partial: bool = False
) -> Any:
    """The cleaned value, or AnswerError. ``value`` must not be empty (see is_empty). ``partial``
    (a draft) lets a gap matrix be incomplete and drops its rows that cannot be kept yet."""
    kind = question.type
    if kind == QuestionType.LIKERT:
        return _integer(value, 1, 5)
    if kind == QuestionType.NPS:
        return _integer(value, 0, 10)
    if kind == QuestionType.NUMBER:
        return _integer(value, question.min_value, question.max_value)
    if kind == QuestionType.TEXT:
        if not isinstance(value, str):
            raise AnswerError(_("Write your answer as text."))
        text = _plain_text(value)
        if len(text) > MAX_TEXT:
            raise AnswerError(_("Keep it under %(max)s characters.") % {"max": MAX_TEXT})
        return text
    if kind == QuestionType.SINGLE:
        keys = _option_keys(question) + ([OTHER] if question.allow_other else [])
        if not isinstance(value, str) or value not in keys:
            raise AnswerError(_("Choose one of the options."))
        return value
    if kind in (QuestionType.MULTIPLE, QuestionType.RANKING):
        keys = _option_keys(question) + ([OTHER] if question.allow_other else [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise AnswerError(_("Choose among the options."))
        if len(set(value)) != len(value) or any(item not in keys for item in value):
            raise AnswerError(_("Choose among the options, each at most once."))
        if kind == QuestionType.RANKING and len(value) > RANKING_SIZE:
            raise AnswerError(_("Rank at most %(n)s options.") % {"n": RANKING_SIZE})
        return list(value)
    if kind == QuestionType.GAP_MATRIX:
        return _clean_gap(question, value, area_codes, partial=partial)
    raise AnswerError(_("This question cannot be answered."))


def is_not_relevant(pair: Any) -> bool:
    """Whether a cleaned gap-matrix row says "not relevant for me"."""
    return isinstance(pair, dict) and pair.get(NOT_RELEVANT) is True


def clean_gap_row(pair: Any) -> dict[str, Any] | None:
    """One area of a gap matrix: {"importance", "level"} (1–5 each), {"not_relevant": True}, or
    None when it is left unanswered. AnswerError when it is neither."""
    if not isinstance(pair, dict) or set(pair) - {"importance", "level", NOT_RELEVANT}:
        raise AnswerError(_("Rate importance and today's level for each area."))
    flag = pair.get(NOT_RELEVANT)
    if flag not in (None, False, True):
        raise AnswerError(_("Mark an area as not relevant with true or false."))
    rated = not (is_empty(pair.get("importance")) and is_empty(pair.get("level")))
    if flag is True:
        if rated:
            raise AnswerError(_("Either rate the area or mark it as not relevant, not both."))
        return {NOT_RELEVANT: True}
    if not rated:
        return None
    if is_empty(pair.get("importance")) or is_empty(pair.get("level")):
        raise AnswerError(_("Rate both importance and today's level for each area you answer."))
    return {"importance": _integer(pair["importance"], 1, 5), "level": _integer(pair["level"], 1, 5)}


def gap_row_errors(question: Question, value: Any, codes: Sequence[str]) -> dict[str, str]:
    """Per area code of ``codes``, what is wrong with its row in ``value`` (a raw or cleaned
    matrix): a row that cannot be cleaned, or, in a required matrix, a row left unanswered. The
    answering pages show these beside each row and in the error summary."""
    given = value if isinstance(value, dict) else {}
    errors: dict[str, str] = {}
    for code in codes:
        try:
            row = clean_gap_row(given.get(code, {}))
        except AnswerError as error:
            errors[code] = str(error)
            continue
        if row is None and question.required:
            errors[code] = _("Rate this area, or mark it as not relevant for you.")
    return errors


def _clean_gap(
    question: Question, value: Any, area_codes: Sequence[str], *, partial: bool = False
) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise AnswerError(_("Rate importance and today's level for each area."))
    areas = set(gap_areas(question, area_codes))
    cleaned: dict[str, dict[str, Any]] = {}
    for code, pair in value.items():
        if code not in areas:
            raise AnswerError(_("“%(code)s” is not an area in this survey.") % {"code": code})
        try:
            row = clean_gap_row(pair)
        except AnswerError:
            if partial:
                continue  # a draft keeps the rows it can; the page says what is wrong
            raise
        if row is not None:
            cleaned[code] = row
    if question.required and not partial and len(cleaned) < len(areas):
        missing = len(areas) - len(cleaned)
        raise AnswerError(
            ngettext(
                "Rate every area, or mark it as not relevant for you: %(n)s area is missing.",
                "Rate every area, or mark it as not relevant for you: %(n)s areas are missing.",
                missing,
            )
            % {"n": missing}
        )
    return cleaned


@dataclass
class Cleaned:
    answers: dict[str, Any] = field(default_factory=dict)
    other_texts: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_answers(
    questions: Iterable[Question],
    raw: dict[str, Any],
    *,
    area_codes: Sequence[str] = (),
    partial: bool = False,
) -> Cleaned:
    """Clean every visible question's answer, in order (show-if looks at earlier answers).

    Answers to hidden questions are dropped, unknown keys are errors, and a required visible
    question without an answer is an error unless ``partial`` (a draft, saved as one goes)."""
    result = Cleaned()
    ordered = list(questions)
    known = {q.key for q in ordered}
    for key in raw:
        base = key[: -len(OTHER_SUFFIX)] if key.endswith(OTHER_SUFFIX) else key
        if base not in known:
            result.errors[key] = _("There is no such question in this survey.")
    for question in ordered:
        if not is_visible(question, result.answers):
            continue
        value = raw.get(question.key)
        if is_empty(value):
            if question.required and not partial:
                result.errors[question.key] = _("This question needs an answer.")
            continue
        try:
            result.answers[question.key] = clean_answer(
                question, value, area_codes=area_codes, partial=partial
            )
        except AnswerError as error:
            result.errors[question.key] = str(error)
            continue
        chosen = result.answers[question.key]
        if question.allow_other and (chosen == OTHER or (isinstance(chosen, list) and OTHER in chosen)):
            text = raw.get(question.key + OTHER_SUFFIX)
            text = _plain_text(text) if isinstance(text, str) else ""
            if not text and not partial:
                result.errors[question.key] = _("Tell us what “other” is.")
            elif text:
                result.other_texts[question.key] = text[:MAX_TEXT]
    return result


def response_segments(questions: Iterable[Question], answers: dict[str, Any]) -> list[str]:
    """The segments a response belongs to: one per answered segment question. "Other" is no
    segment: its free text could name a group of one."""
    return [
        f"{question.key}={answers[question.key]}"
        for question in questions
        if question.is_segment
        and question.type == QuestionType.SINGLE
        and isinstance(answers.get(question.key), str)
        and answers[question.key] != OTHER
    ]
