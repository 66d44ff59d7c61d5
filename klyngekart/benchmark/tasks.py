"""Nightly: every active cluster's benchmarking snapshot, so peers compare against fresh figures."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from klyngekart.benchmark.services import snapshot_refresh
from klyngekart.core.models import Cluster


@db_periodic_task(crontab(hour=3, minute=15))
def refresh_benchmark_snapshots() -> int:
    count = 0
    for cluster in Cluster.objects.filter(is_active=True).order_by("pk"):
        snapshot_refresh(cluster)
        count += 1
    return count
