"""Who may change a directory record: one door for the edit pages.

A record with an owning cluster is changed only by that cluster's managers, under the cluster's
own address; any other record (the platform's, another cluster's, or none) is the same 404 as a
record that does not exist. Platform admins change every record on their own pages, except a
profile a cluster on this installation publishes from its own data (``source_cluster``): only its
publication (klyngekart.partners) writes that."""

from __future__ import annotations

from django.http import Http404

from klyngekart.core.models import Cluster
from klyngekart.landscape.models import ClusterProfile


def owned_profile(cluster: Cluster, pk: int) -> ClusterProfile:
    profile = ClusterProfile.objects.filter(pk=pk, owner_cluster=cluster, source_cluster__isnull=True).first()
    if profile is None:
        raise Http404("No such profile")
    return profile


def any_profile(pk: int) -> ClusterProfile:
    # A published profile is written from its cluster's data only (klyngekart.partners).
    profile = ClusterProfile.objects.filter(pk=pk, source_cluster__isnull=True).first()
    if profile is None:
        raise Http404("No such profile")
    return profile
