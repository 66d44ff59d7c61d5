"""Events that integrations may hear of (webhooks): an app says what happened with ``emit``, after
its transaction commits, and whoever listens (klyngekart.webhooks) is connected to
``event_happened`` at start-up. The apps below never know who listens."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from klyngekart.core.models import Cluster

ROUND_RELEASED = "round.released"
REGISTRATION_CREATED = "registration.created"
MEMBER_ADDED = "member.added"
COLLABORATION_STAGE_CHANGED = "collaboration.stage_changed"

EVENTS = {
    ROUND_RELEASED: _("A round's results are released"),
    REGISTRATION_CREATED: _("Someone registers for an activity"),
    MEMBER_ADDED: _("A member is added"),
    COLLABORATION_STAGE_CHANGED: _("A collaboration opportunity moves to another stage"),
}

log = logging.getLogger(__name__)

# Sent with cluster_id, event and payload (JSON-ready data) once the change is committed.
event_happened = Signal()


def emit(*, cluster: Cluster, event: str, payload: dict[str, Any]) -> None:
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event}")
    cluster_id = cluster.pk

    def send() -> None:
        # The change is committed: a listener that fails is logged, every other still hears, and
        # the caller's success never turns into an error (a retry would do the change twice).
        for receiver, outcome in event_happened.send_robust(
            sender=None, cluster_id=cluster_id, event=event, payload=payload
        ):
            if isinstance(outcome, Exception):
                log.error("%s failed on %s in cluster %s", receiver, event, cluster_id, exc_info=outcome)

    transaction.on_commit(send, robust=True)
