"""The barometer hears of a release here: surveys may not import the barometer, so it listens for
a RoundRelease that is saved ready and, once that is committed, refreshes the cluster's facts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from klyngekart.surveys.models import ReleaseStatus, RoundRelease


@receiver(post_save, sender=RoundRelease, dispatch_uid="barometer_release_ready")
def release_saved(sender: Any, instance: RoundRelease, **kwargs: Any) -> None:
    if instance.status != ReleaseStatus.READY:
        return
    cluster_id = instance.cluster_id

    def refresh() -> None:
        from klyngekart.barometer.services import refresh_later

        refresh_later(cluster_id)

    transaction.on_commit(refresh)
