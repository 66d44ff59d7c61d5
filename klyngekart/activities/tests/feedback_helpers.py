"""An activity that has ended, with attendees checked in, and its feedback answered through the
real submit service and released as closing releases it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from klyngekart.activities.feedback import NEXT_KINDS, NEXT_TEXT, RATING, USEFUL, feedback_round_open
from klyngekart.activities.models import Activity, RegistrationStatus
from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.tests.results_world import release

_keys = itertools.count()


def ended_activity(cluster: Any, **kwargs: Any) -> Activity:
    start = timezone.now() - dt.timedelta(days=1, hours=3)
    return make_activity(cluster=cluster, starts_at=start, ends_at=start + dt.timedelta(hours=3), **kwargs)


def attend(activity: Activity, membership: Membership | None, count: int, *, language: str = "nb") -> None:
    for _n in range(count):
        make_registration(
            activity=activity,
            membership=membership,
            status=RegistrationStatus.ATTENDED,
            email=f"deltaker{next(_keys)}@example.no",
            language=language,
        )


def parts(round_: Round) -> list[RoundCompany]:
    with scopes_disabled():
        return list(
            RoundCompany.objects.filter(round=round_).select_related("round", "cluster").order_by("pk")
        )


def answer(part: RoundCompany, *, rating: int, wants: list[str] | None = None, useful: str = "") -> None:
    raw: dict[str, Any] = {RATING: rating}
    if wants:
        raw[NEXT_KINDS] = wants
    if useful:
        raw[USEFUL] = useful
        raw[NEXT_TEXT] = f"Mer om {useful.lower()}"
    with scope(part.cluster):
        result = response_submit(
            round_company=part, raw_answers=raw, submission_key=f"fb-{next(_keys)}", language="nb"
        )
    assert getattr(result, "created", True), result


def released_feedback(
    activity: Activity, ratings: dict[int, list[int]], wants: list[str] | None = None
) -> Round:
    """Open the activity's feedback, answer it (``ratings``: membership id -> the ratings its
    attendees give) and release it."""
    with scope(activity.cluster):
        round_ = feedback_round_open(activity=activity, actor=None)
    by_membership = {part.membership_id: part for part in parts(round_)}
    for membership_id, values in ratings.items():
        for value in values:
            answer(by_membership[membership_id], rating=value, wants=wants, useful=f"Innlegg {value}")
    return release(round_)
