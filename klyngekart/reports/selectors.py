from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.reports.models import ReportJob

RECENT = 10


def recent_jobs(*, access: ClusterAccess) -> QuerySet[ReportJob]:
    # The file itself stays in the database until downloaded: the list does not load it.
    return ReportJob.objects.filter(cluster=access.cluster).defer("content")[:RECENT]


def access_report_job(access: ClusterAccess, pk: int) -> ReportJob:
    """A report job of the access's cluster; the same 404 for a missing and a foreign one."""
    job = ReportJob.objects.filter(cluster=access.cluster, pk=pk).defer("content").first()
    if job is None:
        raise Http404("No such report")
    return job
