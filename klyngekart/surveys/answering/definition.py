"""What a round asks, read once per process instead of on every answering request.

A round's survey version is published before the round can use it and a published version is never
edited (surveys/definitions/services.py copies it into a new draft instead); the taxonomy version a
round pins is copied before any edit (taxonomy/services.py). So its sections, questions, visible
areas and the page plan made from them (pages.py) cannot change while the round takes answers, and
each process keeps them in the per-version LRU of services.py (keyed by the versions' ids and
updated_at; a save or delete of any definition row clears it). A request then reads only the link's
token and the respondent's own draft.

Nothing here is per respondent, per company or per cluster: the company's and the cluster's names,
the survey's title and the cluster's k can change during a round and are read with the token.
The cached instances are shared by every request of the process: callers must not change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from klyngekart.surveys.answering.pages import Page, plan_pages
from klyngekart.surveys.answering.services import definition_cache, round_areas, round_questions
from klyngekart.surveys.models import Question, Round, Section
from klyngekart.taxonomy.models import CompetenceArea


@dataclass(frozen=True)
class RoundDefinition:
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    areas: tuple[CompetenceArea, ...]
    pages: tuple[Page, ...]

    @property
    def area_codes(self) -> list[str]:
        return [area.code for area in self.areas]


def _load(round_: Round) -> RoundDefinition:
    sections = tuple(round_.survey_version.sections.order_by("position", "id"))
    questions = tuple(round_questions(round_))
    areas = tuple(round_areas(round_))
    return RoundDefinition(sections, questions, areas, tuple(plan_pages(sections, questions, areas)))


def definition_key(round_: Round) -> tuple[object, ...]:
    """What the definition of ``round_`` depends on: its two versions (id and last change)."""
    survey, taxonomy = round_.survey_version, round_.taxonomy_version
    return (survey.pk, survey.updated_at, taxonomy.pk, taxonomy.updated_at)


def definition_of(round_: Round) -> RoundDefinition:
    """The definition of ``round_``, cached per version when its survey version is published (a
    round of a draft version, which only tests make, is read afresh)."""
    if not round_.survey_version.is_published:
        return _load(round_)
    return definition_cache.get(("round-definition", *definition_key(round_)), lambda: _load(round_))
