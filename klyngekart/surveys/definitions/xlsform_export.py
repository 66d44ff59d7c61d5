"""XLSForm out: a survey version as a workbook other tools (KoboToolbox, ODK, Excel) open.

Our own types that XLSForm lacks (agreement scale, NPS, gap matrix) and the segment flag travel in
``klyngekart_*`` columns, which other tools ignore, so the import in surveys.xlsform reads an
export back to the same survey: keys, types, options, show-if and both languages.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.text import slugify
from openpyxl import Workbook

from klyngekart.core.spreadsheets import xlsx_cell
from klyngekart.surveys.definitions.services import ordered_questions, ordered_sections
from klyngekart.surveys.models import Question, QuestionType, SurveyVersion

NB_HEADER = "Norwegian (nb)"
EN_HEADER = "English (en)"
LIKERT_LABELS = [
    ("Helt uenig", "Strongly disagree"),
    ("Uenig", "Disagree"),
    ("Verken enig eller uenig", "Neither agree nor disagree"),
    ("Enig", "Agree"),
    ("Helt enig", "Strongly agree"),
]

SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{NB_HEADER}",
    f"label::{EN_HEADER}",
    f"hint::{NB_HEADER}",
    f"hint::{EN_HEADER}",
    "required",
    "relevant",
    "constraint",
    "klyngekart_type",
    "klyngekart_areas",
    "klyngekart_segment",
]


def _relevant(question: Question, by_key: dict[str, Question]) -> str:
    condition = question.show_if or {}
    source = by_key.get(condition.get("question", ""))
    if source is None:
        return ""
    values = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
    parts = []
    for value in values:
        if source.type in (QuestionType.LIKERT, QuestionType.NPS):
            parts.append(f"${{{source.key}}} = {int(value)}")
        elif source.type in (QuestionType.MULTIPLE, QuestionType.RANKING):
            parts.append(f"selected(${{{source.key}}}, '{value}')")
        else:
            parts.append(f"${{{source.key}}} = '{value}'")
    return " or ".join(parts)


def _question_row(question: Question, by_key: dict[str, Question]) -> dict[str, Any]:
    other = " or_other" if question.allow_other else ""
    kind = {
        QuestionType.SINGLE: f"select_one {question.key}{other}",
        QuestionType.MULTIPLE: f"select_multiple {question.key}{other}",
        QuestionType.RANKING: f"rank {question.key}{other}",
        QuestionType.LIKERT: "select_one klyngekart_likert",
        QuestionType.NPS: "integer",
        QuestionType.NUMBER: "integer",
        QuestionType.TEXT: "text",
        QuestionType.GAP_MATRIX: "note",
    }[QuestionType(question.type)]
    constraint = ""
    if question.type == QuestionType.NPS:
        constraint = ". >= 0 and . <= 10"
    elif question.type == QuestionType.NUMBER:
        bounds = []
        if question.min_value is not None:
            bounds.append(f". >= {question.min_value}")
        if question.max_value is not None:
            bounds.append(f". <= {question.max_value}")
        constraint = " and ".join(bounds)
    ours = question.type in (QuestionType.LIKERT, QuestionType.NPS, QuestionType.GAP_MATRIX)
    return {
        "type": kind,
        "name": question.key,
        f"label::{NB_HEADER}": question.text_nb,
        f"label::{EN_HEADER}": question.text_en,
        f"hint::{NB_HEADER}": question.help_nb,
        f"hint::{EN_HEADER}": question.help_en,
        "required": "yes" if question.required else "",
        "relevant": _relevant(question, by_key),
        "constraint": constraint,
        "klyngekart_type": question.type if ours else "",
        "klyngekart_areas": " ".join(question.areas) if question.type == QuestionType.GAP_MATRIX else "",
        "klyngekart_segment": "yes" if question.is_segment else "",
    }


def export_xlsform(version: SurveyVersion) -> bytes:
    """The version as an XLSForm workbook (survey, choices and settings sheets)."""
    questions = ordered_questions(version)
    by_key = {q.key: q for q in questions}
    rows: list[dict[str, Any]] = []
    if version.intro_nb:
        rows.append(
            {
                "type": "note",
                "name": "intro",
                f"label::{NB_HEADER}": version.intro_nb,
                f"label::{EN_HEADER}": version.intro_en,
            }
        )
    for number, section in enumerate(ordered_sections(version), start=1):
        rows.append(
            {
                "type": "begin_group",
                "name": f"section_{number}",
                f"label::{NB_HEADER}": section.title_nb,
                f"label::{EN_HEADER}": section.title_en,
            }
        )
        if section.intro_nb:
            rows.append(
                {
                    "type": "note",
                    "name": f"section_{number}_intro",
                    f"label::{NB_HEADER}": section.intro_nb,
                    f"label::{EN_HEADER}": section.intro_en,
                }
            )
        rows += [_question_row(q, by_key) for q in questions if q.section_id == section.pk]
        rows.append({"type": "end_group"})

    choices: list[list[Any]] = []
    if any(q.type == QuestionType.LIKERT for q in questions):
        choices += [
            ["klyngekart_likert", str(n), nb, en] for n, (nb, en) in enumerate(LIKERT_LABELS, start=1)
        ]
    for question in questions:
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING):
            choices += [
                [question.key, option["key"], option.get("nb", ""), option.get("en", "")]
                for option in question.options
            ]

    # Write-only cells through xlsx_cell: a label that starts with "=" would otherwise be saved as
    # a live formula and run in the Excel of whoever opens the export.
    workbook = Workbook(write_only=True)

    def sheet_of(title: str, table: list[list[Any]]) -> None:
        sheet = workbook.create_sheet(title)
        for values in table:
            sheet.append([xlsx_cell(sheet, value or None) for value in values])

    sheet_of(
        "survey", [SURVEY_COLUMNS, *([row.get(column, "") for column in SURVEY_COLUMNS] for row in rows)]
    )
    sheet_of("choices", [["list_name", "name", f"label::{NB_HEADER}", f"label::{EN_HEADER}"], *choices])
    survey = version.survey
    sheet_of(
        "settings",
        [
            ["form_title", "form_id", "version", "default_language", "klyngekart_title_en"],
            [
                survey.title_nb,
                slugify(survey.title_nb)[:50] or "survey",
                str(version.number),
                NB_HEADER,
                survey.title_en,
            ],
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
