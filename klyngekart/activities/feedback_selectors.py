"""Reads of the activities' feedback: a round's progress (counts only), an activity's released
results and the overview per kind of activity. Every figure comes from the read side
(``klyngekart.surveys.results``): released at the round's close, under the cluster's k.

Per kind, the mean and the wishes are pooled only over the activities whose own figures are
shown (``results.pooled_scale_means``): the kind's figure minus the shown activities' figures can
never be a hidden activity's figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from klyngekart.activities.feedback import NEXT_KINDS, NEXT_TEXT, RATING, USEFUL
from klyngekart.activities.models import Activity, ActivityKind, Registration, RegistrationStatus
from klyngekart.core.models import Cluster
from klyngekart.core.privacy import Cell
from klyngekart.surveys import results
from klyngekart.surveys.models import Round, RoundCompany, RoundStatus, SurveyKind


@dataclass(frozen=True)
class FeedbackProgress:
    """How far the feedback round has come, in counts only: never who answered."""

    round: Round
    invited: int
    completed: int
    guests: int

    @property
    def is_open(self) -> bool:
        return self.round.status == RoundStatus.OPEN


def feedback_progress(activity: Activity) -> FeedbackProgress | None:
    if activity.feedback_round_id is None:
        return None
    round_ = Round.objects.select_related("cluster").get(pk=activity.feedback_round_id)
    invited = completed = 0
    for part in RoundCompany.objects.filter(round=round_):
        invited += part.invited_count
        completed += part.completed_count
    guests = Registration.objects.filter(
        activity=activity, status=RegistrationStatus.ATTENDED, membership__isnull=True
    ).count()
    return FeedbackProgress(round=round_, invited=invited, completed=completed, guests=guests)


@dataclass(frozen=True)
class Wish:
    key: str
    label: str
    count: int


def _wishes(counts: Cell[dict[str, int]]) -> Cell[list[Wish]]:
    if counts.suppressed or counts.value is None:
        return Cell.hidden()
    labels = dict(ActivityKind.choices)
    wishes = [
        Wish(key, str(labels.get(key, key)), n) for key, n in counts.value.items() if key in labels and n
    ]
    wishes.sort(key=lambda wish: (-wish.count, wish.label))
    return Cell(suppressed=False, value=wishes, n=counts.n)


@dataclass(frozen=True)
class FeedbackResults:
    round: Round
    released: bool
    rating: Cell[results.ScaleFigure]
    wishes: Cell[list[Wish]]
    useful: Cell[list[results.Comment]]
    next_text: Cell[list[results.Comment]]

    @property
    def suppressed(self) -> bool:
        return self.rating.suppressed


def activity_feedback(activity: Activity, *, with_hidden: bool = False) -> FeedbackResults | None:
    """The released feedback of one activity; None while it has no feedback round. Before the
    release every figure is hidden (``released`` False). ``with_hidden`` also lists the comments
    the team hid (for the team, to show them again)."""
    if activity.feedback_round_id is None:
        return None
    round_ = Round.objects.select_related("cluster").get(pk=activity.feedback_round_id)
    if not results.is_released(round_):
        hidden: Cell[Any] = Cell.hidden()
        return FeedbackResults(round_, False, hidden, hidden, hidden, hidden)
    ratings, _pool = results.pooled_scale_means([round_], RATING)
    counts, _all = results.pooled_choice_counts([round_], NEXT_KINDS, gate_key=RATING)
    texts = {
        key: results.free_texts(round=round_, round_company=None, question_key=key, with_hidden=with_hidden)
        for key in (USEFUL, NEXT_TEXT)
    }
    return FeedbackResults(
        round=round_,
        released=True,
        rating=ratings[round_.pk],
        wishes=_wishes(counts[round_.pk]),
        useful=texts[USEFUL],
        next_text=texts[NEXT_TEXT],
    )


@dataclass(frozen=True)
class ActivityRating:
    activity: Activity
    rating: Cell[results.ScaleFigure]


@dataclass(frozen=True)
class KindFeedback:
    kind: str
    label: str
    rating: Cell[results.ScaleFigure]  # pooled over the activities shown below
    wishes: Cell[list[Wish]]
    activities: list[ActivityRating]


def released_feedback_activities(cluster: Cluster) -> list[tuple[Activity, Round]]:
    """The cluster's activities whose feedback is released, with their round, oldest first."""
    rounds = {
        round_.pk: round_
        for round_ in results.released_rounds(cluster, kinds=[SurveyKind.ACTIVITY_FEEDBACK]).select_related(
            "cluster"
        )
    }
    activities = Activity.objects.filter(cluster=cluster, feedback_round_id__in=list(rounds))
    return [
        (activity, rounds[activity.feedback_round_id or 0])
        for activity in activities.order_by("starts_at", "pk")
    ]


def feedback_overview(cluster: Cluster) -> list[KindFeedback]:
    """Per kind of activity (those with released feedback): each activity's mean rating, and the
    kind's mean and wishes pooled over the activities shown."""
    released = released_feedback_activities(cluster)
    out = []
    for kind, label in ActivityKind.choices:
        pairs = [(activity, round_) for activity, round_ in released if activity.kind == kind]
        if not pairs:
            continue
        rounds = [round_ for _activity, round_ in pairs]
        ratings, pooled = results.pooled_scale_means(rounds, RATING)
        _counts, wishes = results.pooled_choice_counts(rounds, NEXT_KINDS, gate_key=RATING)
        out.append(
            KindFeedback(
                kind=kind,
                label=str(label),
                rating=pooled,
                wishes=_wishes(wishes),
                activities=[ActivityRating(activity, ratings[round_.pk]) for activity, round_ in pairs],
            )
        )
    return out
