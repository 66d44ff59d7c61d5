"""A member survey built by the real services from a cluster's services, answered through the
real submit service and released as closing releases it."""

from __future__ import annotations

import datetime
import itertools
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
            RoundCompany.objects.filter(round=round_).select_related("round", "cluster", "membership").order_by("pk")
        )


def answer(
    part: RoundCompany, *, nps: int, scores: dict[int, tuple[int | None, int | None]], more_of: list[str] | None = None
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
        response_submit(round_company=part, raw_answers=raw, submission_key=f"ms-{next(_keys)}", language="nb")


def open_and_release(round_: Round, fill: Any) -> Round:
    from klyngekart.surveys.rounds.services import round_open

    with scope(round_.cluster):
        round_open(round_=round_, actor=None)
    fill(parts(round_))
    return release(round_)
