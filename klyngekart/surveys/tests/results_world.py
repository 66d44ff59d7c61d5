"""Shared setup for the results tests: a mapping round over a few member companies, filled with
responses through the real submit service (or, for the property tests, through the aggregates'
own tally/apply, which is what the submit service runs, without the raw rows)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.definitions.logic import response_segments
from klyngekart.surveys.models import Question, Round, RoundCompany
from klyngekart.surveys.results import aggregates
from klyngekart.surveys.tests.factories import (
    QuestionFactory,
    RoundCompanyFactory,
    SectionFactory,
    gap_survey,
)

AREA_CODES = ("digital-ai", "green-energy", "lean")
PRIORITIES = [
    {"key": "courses", "nb": "Kurs", "en": "Courses"},
    {"key": "mentoring", "nb": "Mentorordning", "en": "Mentoring"},
    {"key": "trips", "nb": "Studieturer", "en": "Study trips"},
    {"key": "elearning", "nb": "E-læring", "en": "E-learning"},
]
ROLES = ("production", "office")
_keys = itertools.count()


@dataclass
class ResultsRound:
    round: Round
    questions: dict[str, Question]
    companies: list[RoundCompany] = field(default_factory=list)
    questions_list: list[Question] = field(default_factory=list)

    def add_company(self, membership: Any = None) -> RoundCompany:
        cluster = self.round.cluster
        membership = membership or MembershipFactory(cluster=cluster)
        made: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
            round=self.round, cluster=cluster, membership=membership
        )
        with scopes_disabled():
            company = RoundCompany.objects.select_related("round", "company", "cluster").get(pk=made.pk)
        self.companies.append(company)
        return company


def build_round(cluster: Any, *, area_codes: tuple[str, ...] = AREA_CODES) -> ResultsRound:
    made = gap_survey(cluster, area_codes=area_codes)
    version = made["version"]
    extra = SectionFactory(version=version, cluster=cluster, position=5)
    questions = dict(made["questions"])
    questions.update(
        culture=QuestionFactory(section=extra, key="culture", type="likert"),
        recommend=QuestionFactory(section=extra, key="recommend", type="nps"),
        top=QuestionFactory(section=extra, key="top", type="ranking", options=PRIORITIES),
    )
    with scopes_disabled():
        round_ = Round.objects.select_related("cluster").get(pk=made["round"].pk)
    return ResultsRound(round=round_, questions=questions)


def answers(
    rng: random.Random, *, role: str = "production", area_codes: tuple[str, ...] = AREA_CODES, text: str = ""
) -> dict[str, Any]:
    gaps = {code: {"importance": rng.randint(2, 5), "level": rng.randint(1, 4)} for code in area_codes}
    result: dict[str, Any] = {
        "role": role,
        "gaps": gaps,
        "culture": rng.randint(1, 5),
        "recommend": rng.randint(0, 10),
        "top": rng.sample([option["key"] for option in PRIORITIES], 3),
    }
    if text:
        result["challenges"] = text
    return result


def submit(company: RoundCompany, raw: dict[str, Any]) -> None:
    """One response through the real submit service."""
    with scope(company.cluster):
        response_submit(
            round_company=company, raw_answers=raw, submission_key=f"results-{next(_keys)}", language="nb"
        )


def fill(
    company: RoundCompany, count: int, *, seed: int = 1, roles: tuple[str, ...] = ROLES, text: str = ""
) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    for index in range(count):
        submit(company, answers(rng, role=roles[index % len(roles)], text=f"{text} {index}" if text else ""))


def tally_only(company: RoundCompany, questions: list[Question], raw: dict[str, Any]) -> None:
    """Add one (already clean) response to the aggregates exactly as the submit service does,
    without storing the raw rows: fast enough for property tests over many response sets."""
    segments = response_segments(questions, raw)
    with scope(company.cluster):
        aggregates.apply(round_company=company, increments=aggregates.tally(questions, raw, segments))


def release(round_: Round) -> Round:
    """Close the round and build its release, as closing does (in production a task builds it after
    the closing commits; test transactions never commit, so the build is called here)."""
    from klyngekart.surveys.results.release import release_build
    from klyngekart.surveys.rounds.services import round_close

    with scope(round_.cluster):
        round_close(round_=round_, actor=None)
    release_build(round_id=round_.pk)
    round_.refresh_from_db()
    return round_


def mark_released(round_: Round) -> Round:
    """For aggregates written by ``tally_only``: close the round and mark its release ready as it
    stands (a real release would recompute the sums from raw answers, which these tests skip)."""
    from django.utils import timezone

    from klyngekart.surveys.models import ReleaseStatus, RoundRelease

    with scope(round_.cluster):
        Round.objects.filter(pk=round_.pk).update(status="closed", closed_at=timezone.now())
        RoundRelease.objects.update_or_create(
            cluster_id=round_.cluster_id,
            round=round_,
            defaults={"status": ReleaseStatus.READY, "finished_at": timezone.now()},
        )
    round_.refresh_from_db()
    return round_


def dated_round(
    cluster: Any, opens_on: Any, memberships: list[Any] | None = None, companies: int = 4
) -> ResultsRound:
    """A released round (``mark_released``, filled with ``tally_only``) of ``companies`` companies
    (``memberships`` when given), opening on ``opens_on`` and closing three weeks later: for
    comparing the rounds before and after something happened (impact of a measure)."""
    import datetime

    made = build_round(cluster)
    for index in range(companies):
        made.add_company(memberships[index] if memberships else None)
    with scopes_disabled():
        made.questions_list = list(made.round.survey_version.questions.all())
        Round.objects.filter(pk=made.round.pk).update(
            opens_on=opens_on, closes_on=opens_on + datetime.timedelta(days=20)
        )
    mark_released(made.round)
    return made


def answer_gaps(made: ResultsRound, index: int, count: int, *, level: int, areas: tuple[str, ...]) -> None:
    """``count`` people of the round's company ``index`` rate ``areas`` at importance 4 and ``level``."""
    for _n in range(count):
        raw = {"gaps": {code: {"importance": 4, "level": level} for code in areas}}
        tally_only(made.companies[index], made.questions_list, raw)
