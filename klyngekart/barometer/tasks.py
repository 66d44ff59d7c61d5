"""The barometer's background work: a cluster's facts and a new edition, after a release or a
change of the cluster's choice. In tests (and with HUEY_IMMEDIATE) it runs at once."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from klyngekart.barometer import services


@db_task()
def refresh_cluster(cluster_id: int) -> int:
    edition = services.cluster_changed(cluster_id)
    return edition.pk if edition is not None else 0
