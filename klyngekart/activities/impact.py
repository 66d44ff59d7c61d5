"""Impact of activities (issue 14, item 8): for a completed activity that targeted competence
areas, the mean gap of the member companies that attended against the other companies, before
and after, as a difference in differences (``klyngekart.surveys.results.impact``).

- An activity is completed when it has ended; its participants are the member companies with
  someone checked in as attended (guests count in no company); its areas are its own.
- The round before is the last released mapping round that closed on or before its first day;
  the round after, the first released one that opened after its last day.
- Each impact is checked beside every other group whose impact a viewer can see for the same
  areas, the completed measures' and the other activities' (``results.impact_groups``), so that
  no two groups can be differenced into a group under k.

The cluster's impact view, which shows measures and activities together, lives here: the
measures app sits below activities and cannot read them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from klyngekart.activities.models import Activity, Registration, RegistrationStatus
from klyngekart.core.models import Cluster
from klyngekart.measures import selectors as measure_selectors
from klyngekart.surveys import results


def _completed(cluster: Cluster) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(cluster=cluster, ends_at__lte=timezone.now())
        .exclude(areas=[])
        .order_by("ends_at", "pk")
    )


def _participants(activity_ids: list[int]) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = {pk: set() for pk in activity_ids}
    rows = Registration.objects.filter(
        activity_id__in=activity_ids, status=RegistrationStatus.ATTENDED, membership__isnull=False
    ).values_list("activity_id", "membership_id")
    for activity_id, membership_id in rows:
        groups[activity_id].add(membership_id)
    return groups


def impact_groups(cluster: Cluster) -> list[results.ImpactGroup]:
    """The activities' source of impact groups (registered in apps.py): the member companies that
    attended each completed activity with areas (those nobody attended have no group)."""
    completed = list(_completed(cluster).values_list("pk", "areas"))
    groups = _participants([pk for pk, _areas in completed])
    return [
        results.ImpactGroup(f"activity:{pk}", frozenset(groups[pk]), frozenset(areas))
        for pk, areas in completed
        if groups[pk]
    ]


def _impact(
    activity: Activity,
    members: set[int],
    shown: list[results.ImpactGroup],
    reader: results.ImpactReader | None = None,
) -> results.Impact:
    before, after = results.impact_rounds(
        cluster=activity.cluster,
        source_round_id=None,
        starts_on=timezone.localdate(activity.starts_at),
        ends_on=timezone.localdate(activity.ends_at),
    )
    return results.impact(
        before=before,
        after=after,
        membership_ids=members,
        area_codes=activity.areas,
        shown_alongside=results.alongside(shown, f"activity:{activity.pk}", activity.areas),
        reader=reader,
    )


def activity_impact(activity: Activity) -> results.Impact | None:
    """The impact of a completed activity in each of its areas; None before it has ended, without
    areas, or when no member company attended."""
    if activity.ends_at > timezone.now() or not activity.areas:
        return None
    members = _participants([activity.pk])[activity.pk]
    if not members:
        return None
    return _impact(activity, members, results.impact_groups(activity.cluster))


@dataclass(frozen=True)
class ImpactItem:
    """One row of the cluster's impact view: a completed measure or activity and its impact."""

    kind: str  # "measure" or "activity"
    pk: int
    title: str
    impact: results.Impact


def impact_areas(cluster: Cluster) -> list[str]:
    """The competence areas that completed measures and activities targeted."""
    codes = set(measure_selectors.impact_areas())
    for group in impact_groups(cluster):
        codes |= group.area_codes
    return sorted(codes)


def cluster_impact(cluster: Cluster, *, area: str = "") -> list[ImpactItem]:
    """The impact of every completed measure and activity (only those targeting ``area`` when
    given, and then only that area); each round read once for them all."""
    shown = results.impact_groups(cluster)
    reader = results.ImpactReader(code for group in shown for code in group.area_codes)
    out = [
        ImpactItem("measure", item.measure.pk, item.measure.title, item.impact)
        for item in measure_selectors.cluster_impact(area=area, reader=reader)
    ]
    activities = [a for a in _completed(cluster) if not area or area in a.areas]
    members = _participants([a.pk for a in activities])
    for activity in activities:
        if not members[activity.pk]:
            continue
        found = _impact(activity, members[activity.pk], shown, reader)
        if area:
            found = results.Impact(
                before=found.before,
                after=found.after,
                k=found.k,
                areas=[row for row in found.areas if row.code == area],
                reason=found.reason,
            )
        out.append(ImpactItem("activity", activity.pk, activity.local_title, found))
    return out
