"""Tenancy: every cluster-owned row is reached through the current cluster scope.

A cluster (``core.Cluster``) is the tenant. Models that belong to one cluster inherit
``TenantModel``; their default manager filters by the cluster in scope and *raises* when no
scope is active, so a forgotten filter fails loudly in tests instead of leaking rows from
another cluster (the idea of pretix's ScopedManager, written for our needs).

Views enter a scope through ``klyngekart.accounts.access`` after checking the user's role;
management commands, the admin (platform admins only) and factories use ``scopes_disabled()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from klyngekart.core.models import Cluster


class ScopeError(RuntimeError):
    """A cluster-owned model was queried with no cluster scope active."""


class _AllClusters:
    def __repr__(self) -> str:
        return "<all clusters>"


ALL_CLUSTERS = _AllClusters()
_current: ContextVar[Any] = ContextVar("klyngekart_cluster_scope", default=None)


@contextmanager
def scope(cluster: Cluster) -> Iterator[Cluster]:
    """Run the block with queries on cluster-owned models limited to ``cluster``."""
    if cluster is None or getattr(cluster, "pk", None) is None:
        raise ScopeError("scope() needs a saved cluster")
    token = _current.set(cluster)
    try:
        yield cluster
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Run the block across all clusters. Only for commands, the platform admin and tests."""
    token = _current.set(ALL_CLUSTERS)
    try:
        yield
    finally:
        _current.reset(token)


def current_cluster() -> Cluster | None:
    value = _current.get()
    return None if value is ALL_CLUSTERS else value


class TenantManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        current = _current.get()
        if current is ALL_CLUSTERS:
            return queryset
        if current is None:
            if getattr(settings, "KLYNGEKART_STRICT_SCOPES", True):
                raise ScopeError(
                    f"Unscoped query on {self.model.__name__}: enter klyngekart.core.tenancy.scope(cluster) "
                    "(views do this through klyngekart.accounts.access)."
                )
            # Fail closed when strictness is switched off: nothing rather than everything.
            return queryset.none()
        return queryset.filter(cluster=current)


class ClusterOwnedModel(models.Model):
    """Abstract base for cluster-owned rows that must carry no timestamps: anonymous answers
    and what is derived from them (see klyngekart/core/privacy.py)."""

    cluster = models.ForeignKey(
        "core.Cluster", on_delete=models.CASCADE, related_name="%(app_label)s_%(class)s_set"
    )

    objects = TenantManager()

    class Meta:
        abstract = True
        # Django's deletion collector and forward FK access use ``_base_manager``, a plain
        # manager, so cascades and ``obj.cluster`` keep working; reverse related managers are
        # built from TenantManager and so stay scoped.


class TenantModel(ClusterOwnedModel):
    """Abstract base for every cluster-owned model that keeps when it was created and changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(ClusterOwnedModel.Meta):
        abstract = True
