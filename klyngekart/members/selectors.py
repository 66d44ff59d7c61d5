"""Reads over members. Callers are inside a cluster scope (see core.tenancy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from klyngekart.core.models import Cluster
from klyngekart.members.models import Membership, MembershipStatus, SizeClass
from klyngekart.taxonomy.nace import nace_codes


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


def active_memberships(*, cluster: Cluster) -> QuerySet[Membership]:
    return Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)


def membership_counts_by_status(*, cluster: Cluster) -> dict[str, int]:
    rows = Membership.objects.filter(cluster=cluster).values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in MembershipStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def members_by_size_class(*, cluster: Cluster) -> list[CountRow]:
    rows = dict(
        active_memberships(cluster=cluster)
        .values_list("company__size_class")
        .annotate(n=Count("id"))
        .values_list("company__size_class", "n")
    )
    result = [CountRow(key, str(label), rows.get(key, 0)) for key, label in SizeClass.choices]
    if rows.get(""):
        from django.utils.translation import gettext

        result.append(CountRow("", gettext("Unknown"), rows[""]))
    return result


def members_by_nace_section(*, cluster: Cluster) -> list[CountRow]:
    rows = (
        active_memberships(cluster=cluster)
        .values_list("company__nace_section")
        .annotate(n=Count("id"))
        .values_list("company__nace_section", "n")
    )
    codes = nace_codes()
    result = [
        CountRow(section, f"{section} {codes[section].name}" if section in codes else section, n)
        for section, n in rows
        if section
    ]
    return sorted(result, key=lambda row: (-row.count, row.key))
