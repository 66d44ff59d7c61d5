"""Feedback after an activity: a round of the cluster's feedback survey for the people who attended.

The feedback survey is an ordinary survey of kind ``activity_feedback``, made on demand from the
spec below the first time a cluster needs one, published at once; the team may change its wording
on the survey pages like any survey (a new version is used from then on, as long as it keeps the
question keys below, which the results read).

The questions:
- ``rating``: "Overall, the activity was worth my time", on the 1–5 agreement scale. We chose the
  1–5 scale over 0–10: it is the scale every other statement in Klyngekart uses, it is answered
  in one tap on a phone, and a mean of 1–5 reads at a glance beside the member survey's figures;
  the recommendation question (0–10) belongs to the membership's NPS, not to one afternoon.
- ``useful``: what was useful (free text);
- ``next_kinds``: what the attendee wants next, as activity kinds (multiple choice);
- ``next_text``: what they want next in their own words (free text: topics, competence areas).

Each activity gets its own round, opened when it has ended (by the daily task or by the team from
the activity page): one RoundCompany per member company with someone who attended, and one
personal invitation per attendee, in the language they registered in. The round closes after
``KLYNGEKART_FEEDBACK_OPEN_DAYS`` days (14 unless set) through the rounds' daily duty, reminds
halfway, and its results are released at close like every round's.

Guests without a member company are not invited. A round's answers belong to the companies of
the round, and everything derived from them (completion counts, engagement's "feedback given",
the released sums) is per company; a guest would be an answer of no company, which the release
cannot hold, and padding a company with guests' answers would be false. The activity page says
how many guests attended and were not asked.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from klyngekart.activities.models import Activity, ActivityKind, Registration, RegistrationStatus
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import MembershipStatus
from klyngekart.surveys.definitions.services import survey_create_from_spec
from klyngekart.surveys.models import (
    Audience,
    Question,
    QuestionType,
    RespondentInvitation,
    Round,
    RoundCompany,
    SurveyKind,
    SurveyVersion,
    VersionStatus,
)
from klyngekart.surveys.rounds.services import invitations_add, round_create, round_open

logger = logging.getLogger(__name__)

RATING = "rating"
USEFUL = "useful"
NEXT_KINDS = "next_kinds"
NEXT_TEXT = "next_text"
# The daily task opens feedback for activities that ended at most this long ago: an activity
# from before the feature (or a long outage) is not asked about months later.
LOOKBACK = datetime.timedelta(days=7)


def open_days() -> int:
    return max(1, int(settings.KLYNGEKART_FEEDBACK_OPEN_DAYS))


def _both(text: str) -> dict[str, str]:
    """A msgid in nb and en, for survey texts that are stored per language."""
    out = {}
    for language in ("nb", "en"):
        with translation.override(language):
            out[language] = str(_(text))
    return out


def feedback_spec() -> dict[str, Any]:
    kinds = []
    for kind in ActivityKind:
        labels = {}
        for language in ("nb", "en"):
            with translation.override(language):
                labels[language] = str(kind.label)
        kinds.append({"key": kind.value, **labels})
    return {
        "title": _both(gettext_noop("Activity feedback")),
        "intro": _both(
            gettext_noop("Thank you for taking part. A few short questions help us plan what comes next.")
        ),
        "sections": [
            {
                "title": _both(gettext_noop("Your feedback")),
                "questions": [
                    {
                        "key": RATING,
                        "type": "likert",
                        "required": True,
                        "text": _both(gettext_noop("Overall, the activity was worth my time.")),
                    },
                    {"key": USEFUL, "type": "text", "text": _both(gettext_noop("What was useful to you?"))},
                    {
                        "key": NEXT_KINDS,
                        "type": "multiple",
                        "text": _both(gettext_noop("What would you like the cluster to offer next?")),
                        "options": kinds,
                    },
                    {
                        "key": NEXT_TEXT,
                        "type": "text",
                        "text": _both(gettext_noop("Which topics or competence areas would you like next?")),
                    },
                ],
            }
        ],
    }


def feedback_version(cluster: Cluster) -> SurveyVersion:
    """The newest published version of the cluster's feedback survey that still asks the rating,
    made from the spec when the cluster has none (call inside the cluster's scope)."""
    rated = Question.objects.filter(key=RATING, type=QuestionType.LIKERT).values("version_id")
    version = (
        SurveyVersion.objects.filter(
            survey__kind=SurveyKind.ACTIVITY_FEEDBACK, status=VersionStatus.PUBLISHED, pk__in=rated
        )
        .order_by("-survey__created_at", "-number")
        .first()
    )
    if version is not None:
        return version
    survey = survey_create_from_spec(
        cluster=cluster, actor=None, spec=feedback_spec(), kind=SurveyKind.ACTIVITY_FEEDBACK, publish=True
    )
    return survey.versions.get(number=1)


def attendees(activity: Activity) -> list[Registration]:
    return list(
        Registration.objects.filter(activity=activity, status=RegistrationStatus.ATTENDED)
        .select_related("membership")
        .order_by("pk")
    )


def _asked(registration: Registration, cluster_id: int) -> bool:
    membership = registration.membership
    return (
        membership is not None
        and membership.cluster_id == cluster_id
        and membership.status == MembershipStatus.ACTIVE
    )


def feedback_round_open(
    *, activity: Activity, actor: Any, today: datetime.date | None = None, notify: bool = True
) -> Round:
    """Open the feedback round of an activity that has ended and invite its attendees from member
    companies. Raises ValidationError when it has not ended, already has one, or nobody from a
    member company attended. ``notify=False`` mails nobody (the demo's made-up people): the
    invitations are recorded as sent, so opening the round queues no mail."""
    today = today or timezone.localdate()
    cluster = activity.cluster
    with scope(cluster), transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.feedback_round_id is not None:
            raise ValidationError(_("The feedback survey of this activity has already been sent."))
        if timezone.now() < locked.ends_at:
            raise ValidationError(_("The feedback survey is sent when the activity has ended."))
        people = attendees(locked)
        asked = [r for r in people if _asked(r, cluster.pk)]
        if not asked:
            raise ValidationError(
                _("Nobody from a member company is checked in as attended, so there is no one to ask.")
            )
        days = open_days()
        with translation.override("nb"):
            title = (_("Feedback: %(title)s") % {"title": locked.title})[:200]
        memberships = list({r.membership_id: r.membership for r in asked}.values())
        round_ = round_create(
            cluster=cluster,
            actor=actor,
            survey_version=feedback_version(cluster),
            title=title,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=days),
            audience=Audience.EMPLOYEES,
            companies=memberships,  # type: ignore[arg-type]
            reminder_days=[days // 2] if days >= 2 else [],
        )
        groups: dict[tuple[int, str], list[str]] = defaultdict(list)
        for registration in asked:
            groups[(registration.membership_id, registration.language)].append(registration.email)  # type: ignore[index]
        parts = {
            part.membership_id: part
            for part in RoundCompany.objects.filter(round=round_).select_related("round", "cluster")
        }
        invited = 0
        for (membership_id, language), emails in groups.items():
            report = invitations_add(
                round_company=parts[membership_id],
                actor=actor,
                emails=emails,
                language=language,
                fixed_audience=True,
            )
            invited += report.added
        if not notify:
            RespondentInvitation.objects.filter(round=round_).update(sent_on=today)
        round_open(round_=round_, actor=actor)
        Activity.objects.filter(pk=locked.pk).update(feedback_round=round_)
        activity.feedback_round = round_
        audit_log(
            cluster=cluster,
            actor=actor,
            action="activities.feedback.opened",
            target=locked,
            data={"round": round_.pk, "invitations": invited, "guests": len(people) - len(asked)},
        )
    return round_


def feedback_rounds_due(*, now: datetime.datetime | None = None) -> list[Round]:
    """The daily duty: a feedback round for every activity, in every cluster, that ended in the
    last week, has none yet and had attendees from member companies. One activity's failure is
    logged and does not stop the others."""
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Activity.objects.filter(
                ends_at__lte=now,
                ends_at__gte=now - LOOKBACK,
                feedback_round__isnull=True,
                registrations__status=RegistrationStatus.ATTENDED,
                registrations__membership__isnull=False,
            )
            .distinct()
            .select_related("cluster")
            .order_by("ends_at", "pk")
        )
    opened = []
    for activity in due:
        try:
            opened.append(feedback_round_open(activity=activity, actor=None, today=timezone.localdate(now)))
        except ValidationError as error:
            logger.info("No feedback round for activity %s: %s", activity.pk, " ".join(error.messages))
        except Exception:
            logger.exception("The feedback round of activity %s could not open", activity.pk)
    return opened
