"""A member survey built by the real services from a cluster's services, answered through the
real submit service and released as closing releases it."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.memberservices.models import MemberService
from klyngekart.memberservices.services import member_survey_create, service_create, service_question_keys
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.tests.results_world import release

_keys = itertools.count()


def add_service(cluster: Any, name: str, *, order: int = 0, active: bool = True) -> MemberService:
    with scope(cluster):
        return service_create(
            cluster=cluster,
            actor=None,
            data={"name_nb": name, "name_en": name, "category": "other", "active": active, "order": order},
        )


def start_survey(cluster: Any, title: str = "Medlemsundersøkelse") -> Round:
    today = timezone.localdate()
    round_ = member_survey_create(
        cluster=cluster,
        actor=None,
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        reminder_days=[7],
    )
    with scopes_disabled():
        return Round.objects.select_related("cluster").get(pk=round_.pk)


def parts(round_: Round) -> list[RoundCompany]:
    with scopes_disabled():
        return list(
            RoundCompany.objects.filter(round=round_)
            .select_related("round", "cluster", "membership")
            .order_by("pk")
        )


def answer(
    part: RoundCompany,
    *,
    nps: int,
    scores: Mapping[int, tuple[int | None, int | None]],
    more_of: list[str] | None = None,
) -> None:
    """One response: ``scores`` maps a service id to (importance, satisfaction); None skips it."""
    raw: dict[str, Any] = {"nps": nps}
    for service_id, (importance, satisfaction) in scores.items():
        imp_key, sat_key = service_question_keys(service_id)
        if importance is not None:
            raw[imp_key] = importance
        if satisfaction is not None:
            raw[sat_key] = satisfaction
    if more_of:
        raw["more_of"] = more_of
    with scope(part.cluster):
        response_submit(
            round_company=part, raw_answers=raw, submission_key=f"ms-{next(_keys)}", language="nb"
        )


def open_and_release(round_: Round, fill: Any) -> Round:
    from klyngekart.surveys.rounds.services import round_open

    with scope(round_.cluster):
        round_open(round_=round_, actor=None)
    fill(parts(round_))
    return release(round_)


def released_member_survey(cluster: Any, service_id: int) -> Round:
    """A closed, released member-survey round of ``cluster`` that asked about one service (the
    first such round when there is one): no answers, so every figure is suppressed."""
    from klyngekart.surveys.models import Question, RoundRelease, SurveyKind, SurveyVersion
    from klyngekart.surveys.tests.factories import (
        QuestionFactory,
        RoundFactory,
        SectionFactory,
        SurveyFactory,
        SurveyVersionFactory,
    )

    imp_key, sat_key = service_question_keys(service_id)
    with scopes_disabled():
        existing = Round.objects.filter(
            cluster=cluster, survey_version__survey__kind=SurveyKind.ANNUAL_MEMBER, release__status="ready"
        ).first()
        if existing is not None:
            return existing
    survey = SurveyFactory(cluster=cluster, kind=SurveyKind.ANNUAL_MEMBER)
    version: SurveyVersion = SurveyVersionFactory(  # type: ignore[assignment]
        survey=survey, cluster=cluster, status="published"
    )
    section = SectionFactory(version=version, cluster=cluster)
    for key in (imp_key, sat_key):
        QuestionFactory(section=section, cluster=cluster, key=key, type="likert")
    round_: Round = RoundFactory(cluster=cluster, survey_version=version, status="closed")  # type: ignore[assignment]
    with scopes_disabled():
        RoundRelease.objects.create(cluster=cluster, round=round_, status="ready")
        assert Question.objects.filter(version=version).count() == 2
    return round_
