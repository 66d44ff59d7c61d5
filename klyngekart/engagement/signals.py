"""Keeping the scores in step with their inputs. A saved or deleted registration, check-in, interest
in a measure, membership strategy, round counter row or membership queues its company's score to be
worked out again after the commit. The companies a transaction touched are gathered per cluster, and
the first callback after the commit sends them all in one task (the later ones find nothing left).
Bulk updates send no signal; the nightly rebuild (tasks.py) catches those."""

from __future__ import annotations

import threading
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_local = threading.local()


def _pending() -> dict[int, set[int]]:
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending  # type: ignore[no-any-return]


def _queue(cluster_id: int | None, membership_id: int | None) -> None:
    if cluster_id is None or membership_id is None:
        return
    _pending().setdefault(cluster_id, set()).add(membership_id)
    transaction.on_commit(lambda: _flush(cluster_id))


def _flush(cluster_id: int) -> None:
    from klyngekart.engagement.tasks import refresh_scores

    ids = _pending().pop(cluster_id, set())
    if ids:
        refresh_scores(cluster_id, sorted(ids))


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    membership_id = (
        instance.pk if sender.__name__ == "Membership" else getattr(instance, "membership_id", None)
    )
    _queue(getattr(instance, "cluster_id", None), membership_id)


def _attendance_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    try:
        # The forward relation reads through Django's plain base manager: no scope needed.
        membership_id = instance.registration.membership_id
    except ObjectDoesNotExist:  # deleted together with its registration
        return
    _queue(instance.cluster_id, membership_id)


def connect() -> None:
    from klyngekart.activities.models import Attendance, Registration
    from klyngekart.measures.models import MeasureInterest
    from klyngekart.members.models import Membership
    from klyngekart.needs.models import MembershipStrategy
    from klyngekart.surveys.models import RoundCompany

    for model in (Registration, MeasureInterest, MembershipStrategy, RoundCompany, Membership):
        post_save.connect(_changed, sender=model, dispatch_uid=f"engagement-{model.__name__}-saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"engagement-{model.__name__}-deleted")
    post_save.connect(_attendance_changed, sender=Attendance, dispatch_uid="engagement-Attendance-saved")
    post_delete.connect(_attendance_changed, sender=Attendance, dispatch_uid="engagement-Attendance-deleted")
