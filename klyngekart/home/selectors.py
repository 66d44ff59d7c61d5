from __future__ import annotations

from django.db.models import QuerySet

from klyngekart.core.models import AuditLog, Cluster


def recent_changes(*, cluster: Cluster, limit: int = 50) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(cluster=cluster).select_related("actor")[:limit]
