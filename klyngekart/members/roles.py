"""Company roles seen from the member register: the people who act for a member company.

``accounts`` keeps users, roles and invitations; what makes a company role count (an active
membership in the cluster that granted it) and the name a cluster gives the company are facts of
the member register. ``MembershipFacts`` answers ``accounts`` through its seam
(``accounts.membership``); the reads below serve the people page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from klyngekart.accounts.membership import MemberName
from klyngekart.accounts.models import CompanyRole, Invitation
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership, MembershipStatus


class MembershipFacts:
    """What ``accounts`` asks of the member register (see ``accounts.membership``)."""

    def active_company_ids(self, cluster: Cluster) -> QuerySet:
        return Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE).values_list(
            "company_id", flat=True
        )

    def company_names(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], MemberName]:
        wanted = set(pairs)
        if not wanted:
            return {}
        match = Q()
        for cluster_id, company_id in wanted:
            match |= Q(cluster_id=cluster_id, company_id=company_id)
        # A person's roles may come from several clusters: their own list is read across scopes.
        with scopes_disabled():
            rows = Membership.objects.filter(match).values_list("cluster_id", "company_id", "name", "status")
            return {
                (cluster_id, company_id): MemberName(name=name, active=status == MembershipStatus.ACTIVE)
                for cluster_id, company_id, name, status in rows
            }


def _company_name(cluster: str = "cluster", company: str = "company") -> Subquery:
    """The company's name as the row's cluster records it (its membership there). A company's
    name is a fact each cluster keeps for itself, so a role or invitation of one cluster is shown
    with that cluster's name for the company, never another's."""
    return Subquery(
        Membership.objects.filter(cluster=OuterRef(cluster), company=OuterRef(company)).values("name")[:1]
    )


def company_roles(*, cluster: Cluster) -> QuerySet[CompanyRole]:
    """People with a role that this cluster granted, in its active member companies. A role that
    another cluster granted for a company the two share is not this cluster's to see."""
    active = MembershipFacts().active_company_ids(cluster)
    return (
        CompanyRole.objects.filter(cluster=cluster, company_id__in=active)
        .select_related("user", "company")
        .annotate(company_name=_company_name())
        .order_by("company_name", "role", "user__email")
    )


def access_company_role(*, cluster: Cluster, pk: int) -> CompanyRole:
    """A company role the cluster may manage: only in its active member companies. Anything
    else is the same 404 as a role that does not exist."""
    role = company_roles(cluster=cluster).filter(pk=pk).first()
    if role is None:
        raise Http404
    return role


def open_invitations(*, cluster: Cluster) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn, expired ones included so they can be resent,
    each with the name this cluster records for its company."""
    return (
        Invitation.objects.filter(cluster=cluster, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("company", "invited_by")
        .annotate(company_name=_company_name())
        .order_by("-created_at")
    )


def member_companies(*, cluster: Cluster) -> QuerySet[Company]:
    """Companies a company role can be given in: the cluster's active members, each with the
    name the cluster records for it (``cluster_name``)."""
    ours = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)
    return (
        Company.objects.filter(pk__in=ours.values("company_id"))
        .annotate(cluster_name=Subquery(ours.filter(company=OuterRef("pk")).values("name")[:1]))
        .order_by("cluster_name", "pk")
    )
