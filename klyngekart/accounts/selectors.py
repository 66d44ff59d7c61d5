"""Reads for accounts: who has which role, open invitations, role history, a user's roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.models import (
    ApiToken,
    ClusterRole,
    ClusterRoleKind,
    CompanyRole,
    CompanyRoleKind,
    Invitation,
    User,
    hash_secret,
)
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership, MembershipStatus

# Longer than any secret Invitation.new_secret() makes; bounds the work on a garbage URL.
MAX_SECRET_LENGTH = 200


def role_label(role: str) -> str:
    labels = dict(ClusterRoleKind.choices) | dict(CompanyRoleKind.choices)
    return str(labels.get(role, role))


def invitation_by_secret(secret: str) -> Invitation | None:
    """The invitation a link's secret belongs to, in whatever cluster it is.

    The link is not under a cluster address, and the secret itself is the proof of access,
    so this is one of the few reads that steps outside the cluster scope on purpose."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    with scopes_disabled():
        return (
            Invitation.objects.select_related("cluster", "company", "invited_by")
            .filter(token_hash=hash_secret(secret))
            .first()
        )


def cluster_roles(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return ClusterRole.objects.filter(cluster=cluster).select_related("user").order_by("role", "user__email")


def company_roles(*, cluster: Cluster) -> QuerySet[CompanyRole]:
    """People with a role in the cluster's active member companies."""
    return (
        CompanyRole.objects.filter(
            company__memberships__cluster=cluster, company__memberships__status=MembershipStatus.ACTIVE
        )
        .select_related("user", "company")
        .order_by("company__name", "role", "user__email")
    )


def open_invitations(*, cluster: Cluster) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn, expired ones included so they can be resent."""
    return (
        Invitation.objects.filter(cluster=cluster, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("company", "invited_by")
        .order_by("-created_at")
    )


@dataclass
class HistoryRow:
    created_at: datetime
    actor: User | None
    description: str


def _describe(entry: AuditLog) -> str:
    data = entry.data or {}
    values = {
        "email": data.get("email", ""),
        "user": data.get("user", entry.object_repr),
        "role": role_label(data.get("role", "")),
        "from": role_label(data.get("from", "")),
        "to": role_label(data.get("to", "")),
    }
    templates = {
        "accounts.invitation.created": _("invited %(email)s as %(role)s"),
        "accounts.invitation.revoked": _("withdrew the invitation to %(email)s"),
        "accounts.invitation.resent": _("sent the invitation to %(email)s again"),
        "accounts.role.granted": _("accepted the invitation and became %(role)s"),
        "accounts.role.changed": _("changed %(user)s from %(from)s to %(to)s"),
        "accounts.role.removed": _("removed %(user)s as %(role)s"),
    }
    template = templates.get(entry.action)
    if template is None:
        return f"{entry.action} {entry.object_repr}".strip()
    return template % values


def role_history(*, cluster: Cluster, limit: int = 50) -> list[HistoryRow]:
    """Changes of roles and invitations, newest first, written out in the reader's language."""
    entries = AuditLog.objects.filter(cluster=cluster, action__startswith="accounts.").select_related("actor")
    return [
        HistoryRow(created_at=entry.created_at, actor=entry.actor, description=_describe(entry))
        for entry in entries[:limit]
    ]


def member_companies(*, cluster: Cluster) -> QuerySet[Company]:
    """Companies a company role can be given in: the cluster's active members."""
    return Company.objects.filter(
        memberships__cluster=cluster, memberships__status=MembershipStatus.ACTIVE
    ).order_by("name")


def access_cluster_role(*, cluster: Cluster, pk: int) -> ClusterRole:
    role = ClusterRole.objects.filter(cluster=cluster, pk=pk).select_related("user", "cluster").first()
    if role is None:
        raise Http404
    return role


def access_company_role(*, cluster: Cluster, pk: int) -> CompanyRole:
    """A company role the cluster may manage: only in its active member companies. Anything
    else is the same 404 as a role that does not exist."""
    role = company_roles(cluster=cluster).filter(pk=pk).first()
    if role is None:
        raise Http404
    return role


def access_invitation(*, cluster: Cluster, pk: int) -> Invitation:
    invitation = (
        Invitation.objects.filter(cluster=cluster, pk=pk).select_related("cluster", "company").first()
    )
    if invitation is None:
        raise Http404
    return invitation


@dataclass
class ClusterRoleRow:
    cluster: Cluster
    role: str


@dataclass
class CompanyRoleRow:
    company: Company
    role: str
    clusters: list[Cluster] = field(default_factory=list)


@dataclass
class UserRoles:
    cluster_roles: list[ClusterRoleRow]
    company_roles: list[CompanyRoleRow]


def user_roles(*, user: User) -> UserRoles:
    """Every role the user holds, for their profile. Reading one's own roles across clusters
    is why this steps outside a single cluster's scope."""
    with scopes_disabled():
        cluster_rows = [
            ClusterRoleRow(cluster=r.cluster, role=r.get_role_display())
            for r in ClusterRole.objects.filter(user=user, cluster__is_active=True)
            .select_related("cluster")
            .order_by("cluster__name")
        ]
        company_rows = [
            CompanyRoleRow(company=r.company, role=r.get_role_display())
            for r in CompanyRole.objects.filter(user=user).select_related("company").order_by("company__name")
        ]
        memberships = Membership.objects.filter(
            company__in=[row.company for row in company_rows],
            status=MembershipStatus.ACTIVE,
            cluster__is_active=True,
        ).select_related("cluster")
        by_company: dict[int, list[Cluster]] = {}
        for membership in memberships:
            by_company.setdefault(membership.company_id, []).append(membership.cluster)
    for row in company_rows:
        row.clusters = sorted(by_company.get(row.company.pk, []), key=lambda c: c.name)
    return UserRoles(cluster_roles=cluster_rows, company_roles=company_rows)


def user_api_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
