"""Reads for accounts: who has which role, open invitations, role history, a user's roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from klyngekart.accounts.membership import company_name, membership_facts
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
        invitation = (
            Invitation.objects.select_related("cluster", "company", "invited_by")
            .filter(token_hash=hash_secret(secret))
            .first()
        )
    if invitation is not None:
        # The company as the inviting cluster records it, the name its mail gave.
        invitation.company_name = company_name(invitation.cluster_id, invitation.company_id)  # type: ignore[attr-defined]
    return invitation


def cluster_roles(*, cluster: Cluster) -> QuerySet[ClusterRole]:
    return ClusterRole.objects.filter(cluster=cluster).select_related("user").order_by("role", "user__email")


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


def access_cluster_role(*, cluster: Cluster, pk: int) -> ClusterRole:
    role = ClusterRole.objects.filter(cluster=cluster, pk=pk).select_related("user", "cluster").first()
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
    company: Any
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
    memberships = membership_facts().company_names((role.cluster_id, role.company_id) for role in roles)
    company_rows = []
    for role in roles:
        # The company by the name the granting cluster records for it.
        member = memberships.get((role.cluster_id, role.company_id))
        company_rows.append(
            CompanyRoleRow(
                company=role.company,
                company_name=member.name if member else role.company.identifier,
                role=role.get_role_display(),
                role_key=role.role,
                cluster=role.cluster,
                active=bool(member and member.active),
            )
        )
    return UserRoles(cluster_roles=cluster_rows, company_roles=company_rows)


def user_api_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
