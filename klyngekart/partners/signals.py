"""The published profile hears of a release: core.events sends "round.released" once the release
has committed (the app sits above surveys, which never import it), and the cluster's profile is
refreshed by a task, so the release itself never waits for the directory."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from klyngekart.core.events import ROUND_RELEASED, event_happened


@receiver(event_happened, dispatch_uid="partners_round_released")
def round_released(sender: Any, cluster_id: int, event: str, payload: dict[str, Any], **kwargs: Any) -> None:
    if event != ROUND_RELEASED:
        return
    from klyngekart.partners.tasks import refresh_published_profile

    refresh_published_profile(cluster_id)
