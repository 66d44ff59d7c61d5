from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.reports.models import ReportJob
from klyngekart.surveys.models import Round

RECENT = 10


@dataclass(frozen=True)
class JobRow:
    job: ReportJob
    round: Round | None  # None: the round has been deleted since


def recent_jobs(*, access: ClusterAccess) -> list[JobRow]:
    """The cluster's latest report jobs, each with its round (one query for the rounds)."""
    # The file itself stays in the database until downloaded: the list does not load it.
    jobs = list(ReportJob.objects.filter(cluster=access.cluster).defer("content")[:RECENT])
    ids = {job.params.get("round") for job in jobs}
    rounds = Round.objects.filter(cluster=access.cluster, pk__in=[pk for pk in ids if isinstance(pk, int)])
    by_id = {round_.pk: round_ for round_ in rounds}
    return [JobRow(job=job, round=by_id.get(job.params.get("round"))) for job in jobs]


def access_report_job(access: ClusterAccess, pk: int) -> ReportJob:
    """A report job of the access's cluster; the same 404 for a missing and a foreign one."""
    job = ReportJob.objects.filter(cluster=access.cluster, pk=pk).defer("content").first()
    if job is None:
        raise Http404("No such report")
    return job
