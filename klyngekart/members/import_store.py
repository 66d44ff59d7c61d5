"""Keep an uploaded import file on the server between the dry run and the confirmation.

The browser only gets a random token; the file itself never makes a round trip through the
client, and the confirmation re-validates it, so nothing the client sends is trusted. The token
is also bound to the user's session and to the cluster, so it cannot be replayed elsewhere."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from config.env import VAR_DIR

SESSION_KEY = "members_pending_import"
MAX_AGE_SECONDS = 24 * 3600


def _storage() -> FileSystemStorage:
    location = getattr(settings, "KLYNGEKART_IMPORT_DIR", None) or VAR_DIR / "imports"
    return FileSystemStorage(location=Path(location))


def _path(cluster_id: int, token: str) -> str:
    return f"{cluster_id}/{token}.upload"


def _discard_stale(storage: FileSystemStorage, cluster_id: int) -> None:
    """Uploads that were never confirmed are removed after a day."""
    directory = str(cluster_id)
    if not storage.exists(directory):
        return
    cutoff = time.time() - MAX_AGE_SECONDS
    for name in storage.listdir(directory)[1]:
        path = f"{directory}/{name}"
        if storage.get_modified_time(path).timestamp() < cutoff:
            storage.delete(path)


def save_pending(session: Any, *, cluster_id: int, filename: str, content: bytes) -> str:
    storage = _storage()
    discard_pending(session)
    _discard_stale(storage, cluster_id)
    token = secrets.token_urlsafe(24)
    storage.save(_path(cluster_id, token), ContentFile(content))
    session[SESSION_KEY] = {"token": token, "cluster": cluster_id, "filename": filename}
    return token


def load_pending(session: Any, *, cluster_id: int, token: str) -> tuple[str, bytes] | None:
    """(filename, content) for this session's upload in this cluster, or None."""
    pending = session.get(SESSION_KEY)
    if not pending or pending.get("cluster") != cluster_id:
        return None
    if not secrets.compare_digest(str(pending.get("token", "")), token or ""):
        return None
    storage = _storage()
    path = _path(cluster_id, pending["token"])
    if not storage.exists(path):
        return None
    with storage.open(path, "rb") as handle:
        return pending["filename"], handle.read()


def discard_pending(session: Any) -> None:
    pending = session.pop(SESSION_KEY, None)
    if pending:
        storage = _storage()
        path = _path(pending["cluster"], pending["token"])
        if storage.exists(path):
            storage.delete(path)
