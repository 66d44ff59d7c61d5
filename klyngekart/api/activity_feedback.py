"""API: the feedback after activities. The same figures as the activity page and the feedback
overview, read through the same selectors: released at the feedback round's close, and a figure
that may not be shown leaves as ``"suppressed": true`` with no value. Progress is counts only."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from klyngekart.activities import feedback_selectors
from klyngekart.activities.access import access_activity
from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES
from klyngekart.core.privacy import Cell

router = Router(tags=["activities"])


class RatingOut(Schema):
    suppressed: bool
    mean: float | None = None
    n: int | None = None


class WishOut(Schema):
    kind: str
    label: str
    count: int


class FeedbackOut(Schema):
    activity_id: int
    status: str  # "not_sent", "open", "closed" (results being prepared) or "released"
    closes_on: datetime.date | None
    invited: int
    completed: int
    rating: RatingOut
    wants_next: list[WishOut] | None
    useful: list[str] | None
    topics_next: list[str] | None


class ActivityRatingOut(Schema):
    activity_id: int
    title: str
    starts_at: datetime.datetime
    rating: RatingOut


class KindFeedbackOut(Schema):
    kind: str
    label: str
    rating: RatingOut
    wants_next: list[WishOut] | None
    activities: list[ActivityRatingOut]


def _rating(cell: Cell[Any]) -> dict[str, Any]:
    if cell.suppressed or cell.value is None:
        return {"suppressed": True}
    return {"suppressed": False, "mean": cell.value.mean, "n": cell.value.n}


def _wishes(cell: Cell[Any]) -> list[dict[str, Any]] | None:
    if cell.suppressed or cell.value is None:
        return None
    return [{"kind": wish.key, "label": wish.label, "count": wish.count} for wish in cell.value]


def _texts(cell: Cell[Any]) -> list[str] | None:
    return None if cell.suppressed or cell.value is None else [comment.text for comment in cell.value]


@router.get(
    "/clusters/{slug}/activities/{activity_id}/feedback",
    response={200: FeedbackOut, **ERROR_RESPONSES},
    summary="An activity's feedback",
    description="Progress (counts) and, once the feedback survey has closed, the released figures "
    "under the cluster's k: the mean rating (1–5), what attendees want next and their comments.",
)
def activity_feedback(request: HttpRequest, slug: str, activity_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "activities.feedback") as access:
        activity = access_activity(access, activity_id)
        progress = feedback_selectors.feedback_progress(activity)
        found = feedback_selectors.activity_feedback(activity)
        hidden: Cell[Any] = Cell.hidden()
        if progress is None or found is None:
            status = "not_sent"
        elif found.released:
            status = "released"
        else:
            status = "open" if progress.is_open else "closed"
        return {
            "activity_id": activity.pk,
            "status": status,
            "closes_on": progress.round.closes_on if progress else None,
            "invited": progress.invited if progress else 0,
            "completed": progress.completed if progress else 0,
            "rating": _rating(found.rating if found else hidden),
            "wants_next": _wishes(found.wishes if found else hidden),
            "useful": _texts(found.useful if found else hidden),
            "topics_next": _texts(found.next_text if found else hidden),
        }


@router.get(
    "/clusters/{slug}/activity-feedback",
    response={200: list[KindFeedbackOut], **ERROR_RESPONSES},
    summary="Feedback per kind of activity",
    description="Per kind, each activity's mean rating and the kind's mean and wishes, pooled only "
    "over the activities shown (so no hidden activity can be worked out by subtraction).",
)
def feedback_overview(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "activities.feedback") as access:
        return [
            {
                "kind": kind.kind,
                "label": kind.label,
                "rating": _rating(kind.rating),
                "wants_next": _wishes(kind.wishes),
                "activities": [
                    {
                        "activity_id": row.activity.pk,
                        "title": row.activity.local_title,
                        "starts_at": row.activity.starts_at,
                        "rating": _rating(row.rating),
                    }
                    for row in kind.activities
                ],
            }
            for kind in feedback_selectors.feedback_overview(access.cluster)
        ]
