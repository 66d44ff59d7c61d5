"""Reads of the engagement app: the kept scores (one indexed table, so a page costs the same few
queries at 40 members or 20,000), the champions' cut-off, and the contacts of the members at risk."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet

from klyngekart.core.models import Cluster
from klyngekart.engagement import scoring
from klyngekart.engagement.models import EngagementScore, EngagementSettings
from klyngekart.measures.selectors import contact_recipients
from klyngekart.members.models import Membership

FILTERS = ("all", "at_risk", "champions")
SORTS = {
    "-score": ("-score", "name", "id"),
    "score": ("score", "name", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
}
DEFAULT_SORT = "-score"
SUMMARY_SECONDS = 24 * 3600


def settings_of(cluster: Cluster) -> EngagementSettings:
    """The cluster's weights and targets; the defaults (unsaved) until a manager changes them."""
    return EngagementSettings.objects.filter(cluster=cluster).first() or EngagementSettings(cluster=cluster)


def champion_cutoff(cluster: Cluster, count: int | None = None) -> int | None:
    """The lowest champion's score: the end of the top tenth by score (ties included), at least
    scoring.CHAMPION_MIN. One indexed read."""
    scores = EngagementScore.objects.filter(cluster=cluster)
    if count is None:
        count = scores.count()
    if count == 0:
        return None
    position = max(0, -(-count // 10) - 1)
    tenth = scores.order_by("-score").values_list("score", flat=True)[position]
    return scoring.champion_cutoff(tenth)


@dataclass(frozen=True)
class Summary:
    members: int
    at_risk: int
    champions: int
    mean: float | None
    cutoff: int | None
    updated_at: object


def summary(cluster: Cluster) -> Summary:
    """The page's key figures. They read every row of the cluster, so they are cached under the
    number of rows and the time of the latest change (two indexed reads): any refresh, rebuild or
    removal gives a new key."""
    rows = EngagementScore.objects.filter(cluster=cluster)
    latest = rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
    key = f"engagement:summary:{cluster.pk}:{rows.count()}:{latest.isoformat() if latest else '-'}"
    cached = cache.get(key)
    if isinstance(cached, Summary):
        return cached
    figures = rows.aggregate(
        members=Count("id"), at_risk=Count("id", filter=Q(at_risk=True)), mean=Avg("score")
    )
    cutoff = champion_cutoff(cluster, figures["members"])
    champions = rows.filter(score__gte=cutoff).count() if cutoff is not None else 0
    result = Summary(
        members=figures["members"],
        at_risk=figures["at_risk"],
        champions=champions,
        mean=figures["mean"],
        cutoff=cutoff,
        updated_at=latest,
    )
    cache.set(key, result, SUMMARY_SECONDS)
    return result


def score_list(
    cluster: Cluster,
    *,
    show: str = "all",
    size_class: str = "",
    sort: str = DEFAULT_SORT,
    cutoff: int | None = None,
) -> QuerySet[EngagementScore]:
    """The kept scores, filtered (all, at risk, champions; by size class) and sorted (by score or
    name). ``cutoff``: the champions' cut-off when the caller has it already."""
    queryset = EngagementScore.objects.filter(cluster=cluster)
    if show == "at_risk":
        # "at_risk IN (true)", not the bare column Django writes for "= true": only an equality lets
        # SQLite use the (cluster, at_risk, -score) index instead of scanning every score.
        queryset = queryset.filter(at_risk__in=[True])
    elif show == "champions":
        cutoff = champion_cutoff(cluster) if cutoff is None else cutoff
        queryset = queryset.filter(score__gte=cutoff) if cutoff is not None else queryset.none()
    if size_class:
        queryset = queryset.filter(size_class=size_class)
    return queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


@dataclass(frozen=True)
class AtRiskRecipient:
    membership_id: int
    company: str
    email: str
    language: str


def at_risk_recipients(cluster: Cluster) -> list[AtRiskRecipient]:
    """Where the mail to the members at risk goes: each at-risk company's contacts with an address
    (its contact persons and the users this cluster made its contacts), in their own language."""
    memberships = Membership.objects.filter(
        cluster=cluster,
        pk__in=EngagementScore.objects.filter(cluster=cluster, at_risk__in=[True]).values("membership_id"),
    ).order_by("name", "pk")
    recipients = []
    for membership in memberships:
        for recipient in contact_recipients(membership):
            recipients.append(
                AtRiskRecipient(
                    membership_id=membership.pk,
                    company=membership.name,
                    email=recipient.email,
                    language=recipient.language,
                )
            )
    return recipients
