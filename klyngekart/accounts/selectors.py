"""Reads for accounts: who has which role, open invitations, role history, a user's roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
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


def _company_name(cluster: str = "cluster", company: str = "company") -> Subquery:
    """The company's name as the row's cluster records it (its membership there). A company's
    name is a fact each cluster keeps for itself, so a role or invitation of one cluster is shown
    with that cluster's name for the company, never another's."""
    return Subquery(
        Membership.objects.filter(cluster=OuterRef(cluster), company=OuterRef(company)).values("name")[:1]
    )


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
            .annotate(company_name=_company_name())
            .filter(token_hash=hash_secret(secret))
            .first()
        )


def cluster_roles(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return ClusterRole.objects.filter(cluster=cluster).select_related("user").order_by("role", "user__email")


def company_roles(*, cluster: Cluster) -> QuerySet[CompanyRole]:
    """People with a role that this cluster granted, in its active member companies. A role that
    another cluster granted for a company the two share is not this cluster's to see."""
    active = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE).values("company_id")
    return (
        CompanyRole.objects.filter(cluster=cluster, company_id__in=active)
        .select_related("user", "company")
        .annotate(company_name=_company_name())
        .order_by("company_name", "role", "user__email")
    )


def open_invitations(*, cluster: Cluster) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn, expired ones included so they can be resent."""
    return (
        Invitation.objects.filter(cluster=cluster, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("company", "invited_by")
        .annotate(company_name=_company_name())
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
    """Companies a company role can be given in: the cluster's active members, each with the
    name the cluster records for it (``cluster_name``)."""
    ours = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)
    return (
        Company.objects.filter(pk__in=ours.values("company_id"))
        .annotate(cluster_name=Subquery(ours.filter(company=OuterRef("pk")).values("name")[:1]))
        .order_by("cluster_name", "pk")
    )


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
    company_name: str
    role: str
    role_key: str
    cluster: Cluster
    active: bool = False


@dataclass
class UserRoles:
    cluster_roles: list[ClusterRoleRow]
    company_roles: list[CompanyRoleRow]


def user_roles(*, user: User) -> UserRoles:
    """Every role the user holds, for their profile. Reading one's own roles across clusters
    is why this steps outside a single cluster's scope. A company role is listed with the cluster
    that granted it, the only one where it counts."""
    with scopes_disabled():
        cluster_rows = [
            ClusterRoleRow(cluster=r.cluster, role=r.get_role_display())
            for r in ClusterRole.objects.filter(user=user, cluster__is_active=True)
            .select_related("cluster")
            .order_by("cluster__name")
        ]
        roles = list(
            CompanyRole.objects.filter(user=user, cluster__is_active=True)
            .select_related("company", "cluster")
            .order_by("cluster__name", "pk")
        )
        memberships = {
            (cluster_id, company_id): (name, status)
            for cluster_id, company_id, name, status in Membership.objects.filter(
                cluster__in={role.cluster_id for role in roles},
                company__in={role.company_id for role in roles},
            ).values_list("cluster_id", "company_id", "name", "status")
        }
    company_rows = []
    for role in roles:
        # The company by the name the granting cluster records for it.
        name, status = memberships.get((role.cluster_id, role.company_id), (role.company.identifier, ""))
        company_rows.append(
            CompanyRoleRow(
                company=role.company,
                company_name=name,
                role=role.get_role_display(),
                role_key=role.role,
                cluster=role.cluster,
                active=status == MembershipStatus.ACTIVE,
            )
        )
    return UserRoles(cluster_roles=cluster_rows, company_roles=company_rows)


def user_api_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
