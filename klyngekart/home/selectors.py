"""Reads for the cluster home and the change log. Callers are inside the cluster's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from klyngekart.accounts.models import User
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.members.models import Membership, MembershipStatus, SizeClass
from klyngekart.members.selectors import CountRow, active_memberships
from klyngekart.taxonomy.regions import region_name

SME_CLASSES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


@dataclass(frozen=True)
class KeyFigures:
    active: int
    paused: int
    left: int
    new_this_year: int
    left_this_year: int
    # Share of active members with a known size class that are SMEs (under 250), in percent.
    sme_share: int | None


def key_figures(*, cluster: Cluster, today: date) -> KeyFigures:
    """The home page's headline numbers in one query."""
    start_of_year = date(today.year, 1, 1)
    active = Q(status=MembershipStatus.ACTIVE)
    row = Membership.objects.filter(cluster=cluster).aggregate(
        active=Count("id", filter=active),
        paused=Count("id", filter=Q(status=MembershipStatus.PAUSED)),
        left=Count("id", filter=Q(status=MembershipStatus.LEFT)),
        new_this_year=Count("id", filter=Q(joined_on__gte=start_of_year, joined_on__lte=today)),
        left_this_year=Count(
            "id", filter=Q(status=MembershipStatus.LEFT, left_on__gte=start_of_year, left_on__lte=today)
        ),
        sized=Count("id", filter=active & ~Q(size_class="")),
        sme=Count("id", filter=active & Q(size_class__in=SME_CLASSES)),
    )
    sized = row.pop("sized")
    sme = row.pop("sme")
    return KeyFigures(**row, sme_share=round(100 * sme / sized) if sized else None)


def members_by_region(*, cluster: Cluster) -> list[CountRow]:
    rows = list(
        active_memberships(cluster=cluster)
        .values_list("region")
        .annotate(n=Count("id"))
        .values_list("region", "n")
    )
    result = [CountRow(code, region_name(code) or code, n) for code, n in rows if code]
    unknown = sum(n for code, n in rows if not code)
    result.sort(key=lambda row: (-row.count, row.label))
    if unknown:
        result.append(CountRow("", gettext("Unknown"), unknown))
    return result


def recent_changes(*, cluster: Cluster, limit: int = 50) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(cluster=cluster).select_related("actor")[:limit]


def audit_entries(
    *,
    cluster: Cluster,
    prefix: str = "",
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditLog]:
    """The change log, newest first, optionally only one app's actions (``members.``), one
    person's, and the days from ``since`` to ``until`` (both included, in the site's time zone)."""
    queryset = AuditLog.objects.filter(cluster=cluster).select_related("actor")
    if prefix:
        queryset = queryset.filter(action__startswith=prefix)
    if actor_id:
        queryset = queryset.filter(actor_id=actor_id)
    if since:
        queryset = queryset.filter(created_at__date__gte=since)
    if until:
        queryset = queryset.filter(created_at__date__lte=until)
    return queryset.order_by("-created_at", "-id")


def audit_actors(*, cluster: Cluster) -> list[tuple[int, str]]:
    """The people who appear in the cluster's change log, by name: the choices of its filter."""
    ids = (
        AuditLog.objects.filter(cluster=cluster, actor__isnull=False)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    people = User.objects.filter(pk__in=list(ids))
    return sorted(((u.pk, u.full_name or u.email) for u in people), key=lambda pair: pair[1].lower())


def user_companies(*, cluster: Cluster, company_ids: frozenset[int]) -> list[Membership]:
    """The companies a company contact or member user acts for in this cluster, as the cluster
    records them (their memberships); ``str()`` of one is its name."""
    return list(Membership.objects.filter(cluster=cluster, company_id__in=company_ids).order_by("name"))


def clusters_for_platform() -> QuerySet[Cluster]:
    """Every cluster with its member and manager counts, for the platform admin.

    Counting across clusters needs no scope (Cluster is not tenant-owned and the joins bypass
    the tenant manager), but only the platform views call this."""
    return Cluster.objects.annotate(
        active_members=Count(
            "members_membership_set",
            filter=Q(members_membership_set__status=MembershipStatus.ACTIVE),
            distinct=True,
        ),
        managers=Count(
            "accounts_clusterrole_set",
            filter=Q(accounts_clusterrole_set__role="manager"),
            distinct=True,
        ),
    ).order_by("name")
