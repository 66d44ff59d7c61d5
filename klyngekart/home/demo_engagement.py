"""The demo's engagement: the scores of the demo cluster's members worked out from what the demo
built before (strategies, mapping rounds, the member survey, interest in measures, a year of
activities with registrations and check-ins), with a few stories on top, so the page shows
champions, members who drift away and everyone in between.

- The demo registers people while it builds each activity, so every registration would be dated
  today: each past activity's registrations move to two weeks before it starts.
- A few companies take part in everything: they come to the past activities they missed, up to
  the targets, and become the champions.
- A few companies that never came to anything registered and joined measures more than a year ago
  and have done nothing since: their score fell and they are at risk."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klyngekart.activities.models import Activity, Attendance, Audience, Registration, RegistrationStatus
from klyngekart.engagement.models import EngagementScore
from klyngekart.engagement.services import scores_rebuild
from klyngekart.home.demo_mapping import MappingContext
from klyngekart.measures.models import MeasureInterest
from klyngekart.members.models import Contact

CHAMPIONS = 4
DRIFTING = 4
LONG_AGO = timedelta(days=400)


def _take_part(ctx: MappingContext, score: EngagementScore, past: list[Activity]) -> None:
    """Register and check in one of the company's contacts for the past activities it missed,
    until it has as many as the targets ask for."""
    contact = Contact.objects.filter(membership_id=score.membership_id).exclude(email="").first()
    if contact is None:
        return
    taken = set(
        Registration.objects.filter(membership_id=score.membership_id).values_list("activity_id", flat=True)
    )
    missing = max(0, 4 - score.registered)
    for activity in [a for a in past if a.pk not in taken][:missing]:
        registration = Registration.objects.create(
            cluster=ctx.cluster,
            activity=activity,
            email=contact.email,
            name=contact.name,
            membership_id=score.membership_id,
            status=RegistrationStatus.ATTENDED,
            registered_by=ctx.manager,
        )
        Registration.objects.filter(pk=registration.pk).update(
            created_at=activity.starts_at - timedelta(days=14)
        )
        Attendance.objects.create(
            cluster=ctx.cluster, registration=registration, day=activity.days[0], checked_in_by=ctx.manager
        )


def build_engagement(ctx: MappingContext) -> None:
    """Call inside ``scope(cluster)`` after ``build_activities``. Safe to run again: the stories
    are told once (the first time there are no scores yet)."""
    now = timezone.now()
    first_time = not EngagementScore.objects.filter(cluster=ctx.cluster).exists()
    past = list(
        Activity.objects.filter(cluster=ctx.cluster, starts_at__lt=now)
        .exclude(audience=Audience.CHOSEN)
        .order_by("starts_at")
    )
    if first_time:
        for activity in past:
            Registration.objects.filter(activity=activity, created_at__gt=activity.starts_at).update(
                created_at=activity.starts_at - timedelta(days=14)
            )
    scores_rebuild(cluster=ctx.cluster, now=now)
    if first_time:
        scores = EngagementScore.objects.filter(cluster=ctx.cluster).exclude(
            membership_id=ctx.login_membership.pk
        )
        for score in scores.order_by("-score", "name")[:CHAMPIONS]:
            _take_part(ctx, score, past)
        drifting = list(
            scores.filter(attended=0, measures__gt=0).order_by("name").values_list("membership_id", flat=True)
        )[:DRIFTING]
        Registration.objects.filter(membership_id__in=drifting).update(created_at=now - LONG_AGO)
        MeasureInterest.objects.filter(membership_id__in=drifting).update(created_at=now - LONG_AGO)
    scores_rebuild(cluster=ctx.cluster, now=now)
