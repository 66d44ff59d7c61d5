"""Reads over members. Callers are inside a cluster scope (see core.tenancy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from klyngekart.core.models import AuditLog, Cluster
from klyngekart.members.models import FACT_FIELDS, Contact, Membership, MembershipStatus, SizeClass
from klyngekart.members.register import RegisterEntry
from klyngekart.members.validators import normalise_org_number
from klyngekart.taxonomy.nace import lookup_nace, nace_codes
from klyngekart.taxonomy.regions import region_name

# Sort keys the list page and the API accept, and the columns behind them. Ties fall back to the
# company name and id so pagination is stable. Names and head counts are the cluster's own record
# (on the membership), never the company's shared one.
SORTS: dict[str, tuple] = {
    "name": (F("name").asc(),),
    "-name": (F("name").desc(),),
    "joined_on": (F("joined_on").asc(nulls_last=True),),
    "-joined_on": (F("joined_on").desc(nulls_last=True),),
    "employees": (F("employees").asc(nulls_last=True),),
    "-employees": (F("employees").desc(nulls_last=True),),
    "org_number": (F("company__org_number").asc(nulls_last=True),),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


def active_memberships(*, cluster: Cluster) -> QuerySet[Membership]:
    return Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)


def membership_counts_by_status(*, cluster: Cluster) -> dict[str, int]:
    rows = Membership.objects.filter(cluster=cluster).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(MembershipStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def members_by_size_class(*, cluster: Cluster) -> list[CountRow]:
    rows = dict(
        active_memberships(cluster=cluster)
        .values_list("size_class")
        .annotate(n=Count("id"))
        .values_list("size_class", "n")
    )
    result = [CountRow(key, str(label), rows.get(key, 0)) for key, label in SizeClass.choices]
    if rows.get(""):
        from django.utils.translation import gettext

        result.append(CountRow("", gettext("Unknown"), rows[""]))
    return result


def members_by_nace_section(*, cluster: Cluster) -> list[CountRow]:
    rows = (
        active_memberships(cluster=cluster)
        .values_list("nace_section")
        .annotate(n=Count("id"))
        .values_list("nace_section", "n")
    )
    codes = nace_codes()
    result = [
        CountRow(section, f"{section} {codes[section].name}" if section in codes else section, n)
        for section, n in rows
        if section
    ]
    return sorted(result, key=lambda row: (-row.count, row.key))


def membership_list(
    *,
    cluster: Cluster,
    q: str = "",
    status: str = "",
    size_class: str = "",
    nace_section: str = "",
    region: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet[Membership]:
    """The cluster's memberships, filtered and sorted; unknown filter values match nothing and an
    unknown sort key falls back to the name, so a hand-edited URL never errors."""
    queryset = Membership.objects.filter(cluster=cluster).select_related("company")
    q = (q or "").strip()
    if q:
        match = Q(name__icontains=q) | Q(municipality__icontains=q)
        digits = normalise_org_number(q)
        if digits.isdigit():
            match |= Q(company__org_number__contains=digits)
        queryset = queryset.filter(match)
    if status:
        queryset = queryset.filter(status=status)
    if size_class:
        queryset = queryset.filter(size_class=size_class)
    if nace_section:
        queryset = queryset.filter(nace_section=nace_section)
    if region:
        queryset = queryset.filter(region=region)
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return queryset.order_by(*order, "name", "id")


@dataclass(frozen=True)
class MembershipDetail:
    membership: Membership
    contacts: list[Contact]
    history: list[AuditLog]


def membership_history(*, membership: Membership, limit: int = 100) -> QuerySet[AuditLog]:
    """Audit entries about the membership, its contacts and its company, newest first."""
    contact_ids = [
        str(pk) for pk in Contact.objects.filter(membership=membership).values_list("id", flat=True)
    ]
    about = (
        Q(object_type="members.membership", object_id=str(membership.pk))
        | Q(object_type="members.company", object_id=str(membership.company_id))
        | Q(object_type="members.contact", object_id__in=contact_ids)
    )
    return (
        AuditLog.objects.filter(cluster=membership.cluster_id)
        .filter(about)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def company_names(membership_ids: set[int]) -> dict[int, str]:
    """Company names for memberships, for audit sentences about contacts. Inside the cluster
    scope, another cluster's membership id in an audit row resolves to nothing."""
    return dict(Membership.objects.filter(pk__in=membership_ids).values_list("pk", "name"))


def membership_detail(*, membership: Membership) -> MembershipDetail:
    membership = (
        Membership.objects.select_related("company")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "name")))
        .get(pk=membership.pk)
    )
    return MembershipDetail(
        membership=membership,
        contacts=list(membership.contacts.all()),
        history=list(membership_history(membership=membership)),
    )


@dataclass(frozen=True)
class RegisterDifference:
    """One fact where Enhetsregisteret says something else than the cluster's record."""

    field: str
    label: str
    ours: str
    theirs: str


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if name == "nace_code":
        nace = lookup_nace(value)
        return f"{value} {nace.name}" if nace else str(value)
    if name == "region":
        return region_name(value) or str(value)
    return str(value)


def register_differences(*, membership: Membership, entry: RegisterEntry) -> list[RegisterDifference]:
    """The facts the register states that differ from this cluster's record, in form order. The
    size class is not listed: it follows the head count."""
    stated = entry.facts()
    rows = []
    for name in FACT_FIELDS:
        if name not in stated or stated[name] == getattr(membership, name):
            continue
        label = str(Membership._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        rows.append(
            RegisterDifference(
                field=name,
                label=label[:1].upper() + label[1:],
                ours=_shown(name, getattr(membership, name)),
                theirs=_shown(name, stated[name]),
            )
        )
    return rows
