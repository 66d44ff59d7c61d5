"""Keep an uploaded directory file on the server between the dry run and the confirmation.

As in the member import (members/import_store.py): the browser gets only a random token, bound to
the session, the user and the cluster the import is for (none for a platform admin), and the
confirmation validates the file again from scratch."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from klyngekart.landscape.models import PendingLandscapeImport

SESSION_KEY = "landscape_pending_import"
MAX_AGE = timedelta(days=1)


def save_pending(session: Any, *, owner_id: int | None, user: Any, filename: str, content: bytes) -> str:
    discard_pending(session)
    PendingLandscapeImport.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    token = secrets.token_urlsafe(24)
    PendingLandscapeImport.objects.create(
        owner_cluster_id=owner_id, user=user, token=token, filename=filename[:255], content=content
    )
    session[SESSION_KEY] = {"token": token, "owner": owner_id}
    return token


def load_pending(session: Any, *, owner_id: int | None, user: Any, token: str) -> tuple[str, bytes] | None:
    pending = session.get(SESSION_KEY)
    if not pending or pending.get("owner") != owner_id:
        return None
    if not secrets.compare_digest(str(pending.get("token", "")), token or ""):
        return None
    upload = PendingLandscapeImport.objects.filter(
        token=pending["token"], user=user, owner_cluster_id=owner_id, created_at__gte=timezone.now() - MAX_AGE
    ).first()
    if upload is None:
        return None
    return upload.filename, bytes(upload.content)


def discard_pending(session: Any) -> None:
    pending = session.pop(SESSION_KEY, None)
    if pending:
        PendingLandscapeImport.objects.filter(token=pending["token"]).delete()
