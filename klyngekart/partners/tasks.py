"""The published profiles' background work: one cluster's after a release, every publishing
cluster's each night (members join and leave, and their NACE codes and sizes change, without
an event). In tests (and with HUEY_IMMEDIATE) a task runs at once."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.partners.models import PartnerSettings
from klyngekart.partners.publication import profile_refresh


@db_task()
def refresh_published_profile(cluster_id: int) -> int:
    cluster = Cluster.objects.filter(pk=cluster_id, is_active=True).first()
    if cluster is None:
        return 0
    profile = profile_refresh(cluster)
    return profile.pk if profile is not None else 0


@db_periodic_task(crontab(hour=3, minute=40))
def refresh_published_profiles() -> int:
    with scopes_disabled():
        ids = list(
            PartnerSettings.objects.filter(published=True, cluster__is_active=True).values_list(
                "cluster_id", flat=True
            )
        )
    for cluster in Cluster.objects.filter(pk__in=ids).order_by("pk"):
        profile_refresh(cluster)
    return len(ids)
