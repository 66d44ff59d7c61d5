"""Keep an uploaded import file on the server between the dry run and the confirmation.

The browser only gets a random token; the file itself never makes a round trip through the
client, and the confirmation re-validates it, so nothing the client sends is trusted. The token
is bound to the user's session, the user and the cluster, so it cannot be replayed elsewhere.
The file lives in the database (``PendingImport``) so that any app server can confirm it."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from klyngekart.members.models import PendingImport

SESSION_KEY = "members_pending_import"
MAX_AGE = timedelta(days=1)


def save_pending(session: Any, *, cluster_id: int, user: Any, filename: str, content: bytes) -> str:
    """Called inside the cluster's scope."""
    discard_pending(session)
    # Uploads that were never confirmed are removed after a day.
    PendingImport.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    token = secrets.token_urlsafe(24)
    PendingImport.objects.create(
        cluster_id=cluster_id, user=user, token=token, filename=filename[:255], content=content
    )
    session[SESSION_KEY] = {"token": token, "cluster": cluster_id}
    return token


def load_pending(session: Any, *, cluster_id: int, token: str) -> tuple[str, bytes] | None:
    """(filename, content) for this session's upload in this cluster, or None."""
    pending = session.get(SESSION_KEY)
    if not pending or pending.get("cluster") != cluster_id:
        return None
    if not secrets.compare_digest(str(pending.get("token", "")), token or ""):
        return None
    upload = PendingImport.objects.filter(
        token=pending["token"], created_at__gte=timezone.now() - MAX_AGE
    ).first()
    if upload is None:
        return None
    return upload.filename, bytes(upload.content)


def discard_pending(session: Any) -> None:
    pending = session.pop(SESSION_KEY, None)
    if pending:
        PendingImport.objects.filter(token=pending["token"]).delete()
