"""Platform-level writes that span apps: they sit here, at the top layer, so core and accounts
never need to import each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from klyngekart.accounts.models import ClusterRoleKind, Invitation
from klyngekart.accounts.services import invitation_create
from klyngekart.core.models import Cluster
from klyngekart.core.services import cluster_create


@dataclass(frozen=True)
class NewCluster:
    cluster: Cluster
    invitation: Invitation
    secret: str


def platform_cluster_create(
    *, name: str, slug: str, city: str = "", manager_email: str, actor: Any = None
) -> NewCluster:
    """Create a cluster and invite its first manager, both or neither: a cluster nobody can
    enter is of no use, and a failed invitation must not leave one behind."""
    with transaction.atomic():
        cluster = cluster_create(name=name, slug=slug, city=city, actor=actor)
        invitation, secret = invitation_create(
            cluster=cluster, email=manager_email, role=ClusterRoleKind.MANAGER.value, invited_by=actor
        )
    return NewCluster(cluster=cluster, invitation=invitation, secret=secret)
