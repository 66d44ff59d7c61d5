"""Writes on the tenant itself. Only the platform admin creates clusters."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope


def cluster_create(*, name: str, slug: str, city: str = "", actor: Any = None) -> Cluster:
    """A new, empty cluster. Its first manager is invited separately (accounts.services)."""
    cluster = Cluster(name=name.strip(), slug=slug.strip().lower(), city=city.strip())
    cluster.full_clean()
    with transaction.atomic():
        cluster.save()
        with scope(cluster):
            audit_log(cluster=cluster, actor=actor, action="core.cluster.created", target=cluster)
    return cluster
