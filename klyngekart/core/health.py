"""What ``/healthz`` reports: the database, the task queue and the disk.

The queue's health is the age of its oldest waiting task. Huey keeps no enqueue time, so every
enqueue stamps one in the queue's own key-value store (``huey.put``: Redis, or the SQLite task file)
under the task's id, and the stamp is removed when a worker picks the task up. A consumer that is
down or stuck shows as tasks getting old, whichever app server is asked. Periodic tasks are not
enqueued until they are due, and tasks in immediate mode (the embedded default) never wait."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from huey import signals

STAMP = "kk:enqueued:"
# Waiting longer than this, a task means the consumer is down or behind.
QUEUE_MAX_AGE_SECONDS = 600
# Less free space than this (or than 5 % of the disk) needs an operator.
MIN_FREE_BYTES = 1024**3


def _huey() -> Any:
    from huey.contrib.djhuey import HUEY

    return HUEY


def connect_queue_stamps(huey: Any = None) -> None:
    """Stamp each task's enqueue time, and clear it when it runs (called once, from CoreConfig.ready)."""
    huey = huey or _huey()
    if huey.immediate:
        return

    @huey.signal(signals.SIGNAL_ENQUEUED)
    def stamp(signal: str, task: Any, *args: Any) -> None:
        huey.put(STAMP + task.id, time.time())

    @huey.signal(
        signals.SIGNAL_EXECUTING, signals.SIGNAL_REVOKED, signals.SIGNAL_EXPIRED, signals.SIGNAL_CANCELED
    )
    def clear(signal: str, task: Any, *args: Any) -> None:
        huey.delete(STAMP + task.id)


def database() -> tuple[bool, dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure makes the app unready
        return False, {"status": f"error: {exc.__class__.__name__}"}
    return True, {"status": "ok", "engine": connection.vendor}


def queue(now: float | None = None) -> tuple[bool, dict[str, Any]]:
    huey = _huey()
    if huey.immediate:
        return True, {"status": "ok", "mode": "immediate", "waiting": 0, "oldest_seconds": 0}
    try:
        waiting = huey.pending_count()
        stamps = [huey.get(STAMP + task.id, peek=True) for task in huey.pending(limit=200)]
    except Exception as exc:  # noqa: BLE001 - a queue that cannot be read is reported, not raised
        return False, {"status": f"error: {exc.__class__.__name__}"}
    now = now or time.time()
    ages = [now - float(stamp) for stamp in stamps if stamp is not None]
    oldest = round(max(ages), 1) if ages else 0
    ok = oldest <= QUEUE_MAX_AGE_SECONDS
    return ok, {"status": "ok" if ok else "behind", "waiting": waiting, "oldest_seconds": oldest}


def disk(path: Path | None = None) -> tuple[bool, dict[str, Any]]:
    where = path or Path(getattr(settings, "KLYNGEKART_VAR_DIR", "") or settings.BASE_DIR)
    usage = shutil.disk_usage(where if where.exists() else settings.BASE_DIR)
    free_share = usage.free / usage.total if usage.total else 0
    ok = usage.free >= MIN_FREE_BYTES and free_share >= 0.05
    return ok, {
        "status": "ok" if ok else "low",
        "free_bytes": usage.free,
        "free_percent": round(100 * free_share, 1),
    }


def report() -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 503 only when the database does not answer, since a load balancer takes
    an unready server out; a queue behind or a disk running full is "degraded" with 200, because
    every app server would report the same and taking them all out helps nobody."""
    db_ok, db = database()
    queue_ok, tasks = queue()
    disk_ok, space = disk()
    if not db_ok:
        status = "error"
    elif queue_ok and disk_ok:
        status = "ok"
    else:
        status = "degraded"
    return (503 if not db_ok else 200), {"status": status, "database": db, "queue": tasks, "disk": space}
