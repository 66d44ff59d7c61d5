"""The audit trail. Services call ``audit_log`` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from klyngekart.core.models import AuditLog, Cluster


def audit_log(
    *,
    cluster: Cluster,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record ``action`` (dotted, e.g. ``members.membership.ended``) by ``actor`` in ``cluster``."""
    entry = AuditLog(
        cluster=cluster,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        data=data or {},
    )
    entry.save()
    return entry
