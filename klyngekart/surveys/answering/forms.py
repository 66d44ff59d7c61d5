"""From the answering form's POST to the raw answers surveys.logic.validate_answers cleans.

The partials in templates/surveys/questions/ name their inputs: ``<key>`` for one value,
``<key>`` repeated for multiple choice, ``<key>__rank1..3`` for a ranking,
``<key>__<area>__importance`` / ``__level`` for the gap matrix (with ``<key>__<area>__not_relevant``
for "not relevant for me", which wins over ratings given in the same row) and ``<key>__other`` for
the "other" text. Values stay strings here; validation (and its messages) lives in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import QueryDict

from klyngekart.surveys.definitions.logic import NOT_RELEVANT, OTHER_SUFFIX, RANKING_SIZE
from klyngekart.surveys.models import Question, QuestionType

_GAP_PARTS = ("importance", "level")


def _gap(question: Question, post: QueryDict) -> dict[str, dict[str, Any]]:
    prefix = question.key + "__"
    matrix: dict[str, dict[str, str]] = {}
    for name in post:
        if not name.startswith(prefix):
            continue
        code, _sep, part = name[len(prefix) :].rpartition("__")
        if not code or part not in (*_GAP_PARTS, NOT_RELEVANT):
            continue
        value = post.get(name, "").strip()
        if value:
            matrix.setdefault(code, {})[part] = value
    rows: dict[str, dict[str, Any]] = {}
    for code, pair in matrix.items():
        if pair.get(NOT_RELEVANT):
            # Ticked "not relevant": that is the answer, whatever was rated before ticking it.
            rows[code] = {NOT_RELEVANT: True}
        elif any(pair.get(part) for part in _GAP_PARTS):
            # A half-answered area keeps both parts, so validation can say "rate both".
            rows[code] = {part: pair.get(part, "") for part in _GAP_PARTS}
    return rows


def post_to_raw(questions: Iterable[Question], post: QueryDict) -> dict[str, Any]:
    """The raw answers of ``questions`` in ``post``; unanswered questions are left out. A gap
    matrix gives the rows posted (a page of the matrix posts one area group's rows)."""
    raw: dict[str, Any] = {}
    for question in questions:
        key = question.key
        value: Any
        if question.type == QuestionType.MULTIPLE:
            value = [item for item in post.getlist(key) if item.strip()]
        elif question.type == QuestionType.RANKING:
            picks = (post.get(f"{key}__rank{n}", "").strip() for n in range(1, RANKING_SIZE + 1))
            value = [pick for pick in picks if pick]
        elif question.type == QuestionType.GAP_MATRIX:
            value = _gap(question, post)
        elif question.type == QuestionType.TEXT:
            value = post.get(key, "")
            value = value if value.strip() else ""
        else:
            value = post.get(key, "").strip()
        if value not in ("", [], {}):
            raw[key] = value
        if question.allow_other:
            other = post.get(key + OTHER_SUFFIX, "").strip()
            if other:
                raw[key + OTHER_SUFFIX] = other
    return raw
