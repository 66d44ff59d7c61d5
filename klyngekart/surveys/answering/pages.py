"""How a survey is cut into the pages a respondent moves through, and what it asks of them.

A section is one page, except where it holds a competence gap matrix: the matrix gets one page per
area group of the taxonomy (digital, green, ...), so a phone shows a handful of areas at a time
instead of all forty. The section's other questions keep their order around it: those before the
matrix on a page of their own before it, those after on one after it.

The plan is made from the round's definition only (sections, questions, areas), never from the
answers: page numbers in the URLs stay the same whatever the respondent answers. A page whose
questions are all hidden by show-if is skipped by the views, as a section was.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from klyngekart.surveys.definitions.logic import gap_areas
from klyngekart.surveys.models import Question, QuestionType, Section
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup


@dataclass(frozen=True)
class Page:
    """One page: its section's index, its questions' keys, and for a matrix page the area group
    and the area codes it asks about (a matrix page holds the matrix alone)."""

    section: int
    keys: tuple[str, ...]
    group: str = ""
    area_codes: tuple[str, ...] = ()
    group_number: int = 0
    group_count: int = 0

    @property
    def is_matrix(self) -> bool:
        return bool(self.area_codes)

    @property
    def group_label(self) -> str:
        return str(CompetenceGroup(self.group).label) if self.group in CompetenceGroup.values else ""


def _by_group(codes: Sequence[str], areas: dict[str, CompetenceArea]) -> list[tuple[str, list[str]]]:
    """The codes grouped by their area group, groups in the order their first area comes."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(areas[code].group, []).append(code)
    return list(groups.items())


def plan_pages(
    sections: Sequence[Section], questions: Sequence[Question], areas: Sequence[CompetenceArea]
) -> list[Page]:
    """The pages of a survey, in order (see the module's docstring)."""
    by_code = {area.code: area for area in areas}
    codes = list(by_code)
    pages: list[Page] = []
    for index, section in enumerate(sections):
        own = [question for question in questions if question.section_id == section.pk]
        before = len(pages)
        waiting: list[str] = []
        for question in own:
            matrix = gap_areas(question, codes) if question.type == QuestionType.GAP_MATRIX else []
            groups = _by_group(matrix, by_code)
            if len(groups) < 2:
                waiting.append(question.key)
                continue
            if waiting:
                pages.append(Page(index, tuple(waiting)))
                waiting = []
            for number, (group, group_codes) in enumerate(groups, start=1):
                pages.append(
                    Page(
                        index,
                        (question.key,),
                        group=group,
                        area_codes=tuple(group_codes),
                        group_number=number,
                        group_count=len(groups),
                    )
                )
        if waiting or len(pages) == before:
            pages.append(Page(index, tuple(waiting)))
    return pages


# Seconds a respondent takes, by question type: to read and tap an answer on a phone. A gap matrix
# costs this per area (read the area, two ratings), and each part a moment to load and press Next.
# Generous on purpose: the start page must not promise less than it takes. The browser journey
# (e2e/test_e2e_survey_phone.py) answers the employee mapping at 360 px, counts the required taps
# and holds the estimate to at least 5 s per tap.
SECONDS = {
    QuestionType.LIKERT: 10,
    QuestionType.NPS: 10,
    QuestionType.SINGLE: 10,
    QuestionType.NUMBER: 12,
    QuestionType.MULTIPLE: 20,
    QuestionType.RANKING: 25,
    QuestionType.TEXT: 45,
}
SECONDS_PER_AREA = 12
SECONDS_PER_PAGE = 4


@dataclass(frozen=True)
class Effort:
    """What a survey asks: its questions (a matrix is one), the areas its matrices rate, its pages
    and the minutes it takes, rounded up."""

    questions: int
    areas: int
    pages: int
    minutes: int


def effort(questions: Sequence[Question], area_codes: Sequence[str], pages: int) -> Effort:
    """The start page's promise, from the survey itself. Every question counts, show-if or not
    (the estimate is for someone who sees them all); free text counts as written."""
    seconds = SECONDS_PER_PAGE * pages
    rated = 0
    for question in questions:
        if question.type == QuestionType.GAP_MATRIX:
            count = len(gap_areas(question, area_codes))
            rated += count
            seconds += SECONDS_PER_AREA * count
        else:
            seconds += SECONDS.get(QuestionType(question.type), 10)
    return Effort(len(questions), rated, pages, max(1, math.ceil(seconds / 60)))


def page_heading(page: Page, section_title: str) -> str:
    """The heading of a page: the section's title, with the area group on a matrix page."""
    if not page.is_matrix:
        return section_title
    return _("%(section)s: %(group)s") % {"section": section_title, "group": page.group_label}
