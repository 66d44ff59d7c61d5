"""Prepares one question for its partial (surveys/questions/<type>.html).

Templates cannot call ``question.text("en")`` or look inside nested answers, so this tag turns a
question, its current value (in the API shape of surveys.logic, or the raw strings of a POST
that failed validation) and the language into plain data the partials only loop over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.translation import gettext as _

from klyngekart.surveys.definitions.logic import NOT_RELEVANT, OTHER, RANKING_SIZE, gap_areas
from klyngekart.surveys.models import Question, QuestionType

register = template.Library()


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a) == str(b)


def _options(question: Question, language: str, chosen: Sequence[Any]) -> list[dict[str, Any]]:
    rows = [
        {
            "key": str(option["key"]),
            "label": question.option_label(str(option["key"]), language),
            "checked": any(_same(option["key"], item) for item in chosen),
        }
        for option in question.options
    ]
    if question.allow_other:
        rows.append(
            {
                "key": OTHER,
                "label": _("Other"),
                "checked": any(_same(OTHER, item) for item in chosen),
                "is_other": True,
            }
        )
    return rows


def _scale(low: int, high: int, value: Any) -> list[dict[str, Any]]:
    return [{"value": n, "checked": _same(n, value)} for n in range(low, high + 1)]


def _area_name(area: Any, language: str) -> str:
    return (area.name_en or area.name_nb) if language == "en" else (area.name_nb or area.name_en)


def _area_description(area: Any, language: str) -> str:
    if language == "en":
        return area.description_en or area.description_nb
    return area.description_nb or area.description_en


@register.simple_tag
def question_view(
    question: Question,
    value: Any = None,
    language: str = "nb",
    areas: Sequence[Any] | None = None,
    other_text: str = "",
    row_errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``row_errors``: for a gap matrix, a message per area code, shown on its row."""
    lang = (language or "nb")[:2]
    view: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "id": f"q-{question.key}",
        "text": question.text(lang),
        "help": question.help(lang),
        "required": question.required,
        "allow_other": question.allow_other,
        "other_text": other_text or "",
        "value": "" if value is None else value,
    }
    kind = question.type
    if kind == QuestionType.LIKERT:
        view["scale"] = _scale(1, 5, value)
    elif kind == QuestionType.NPS:
        view["scale"] = _scale(0, 10, value)
    elif kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
        view["options"] = _options(question, lang, chosen)
    elif kind == QuestionType.RANKING:
        ranked = list(value) if isinstance(value, list) else []
        ranked += [None] * (RANKING_SIZE - len(ranked))
        view["ranks"] = [
            {"n": n, "options": _options(question, lang, [ranked[n - 1]])} for n in range(1, RANKING_SIZE + 1)
        ]
    elif kind == QuestionType.NUMBER:
        view["min"] = question.min_value
        view["max"] = question.max_value
    elif kind == QuestionType.GAP_MATRIX:
        by_code = {area.code: area for area in areas or []}
        given = value if isinstance(value, dict) else {}
        rows = []
        for code in gap_areas(question, list(by_code)):
            found = given.get(code)
            pair: dict[str, Any] = found if isinstance(found, dict) else {}
            not_relevant = pair.get(NOT_RELEVANT) in (True, "1", "on", "true")
            rows.append(
                {
                    "code": code,
                    "not_relevant": not_relevant,
                    "error": (row_errors or {}).get(code, ""),
                    "name": _area_name(by_code[code], lang),
                    "description": _area_description(by_code[code], lang),
                    "importance": _scale(1, 5, None if not_relevant else pair.get("importance")),
                    "level": _scale(1, 5, None if not_relevant else pair.get("level")),
                }
            )
        view["rows"] = rows
    return view
