from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from klyngekart.accounts.access import ClusterAccess
from klyngekart.reports.models import ReportJob, ReportStatus
from klyngekart.surveys.models import Round

RECENT = 10


@dataclass(frozen=True)
class JobRow:
    job: ReportJob
    round: Round | None  # None: the round has been deleted since


def report_jobs(
    *, access: ClusterAccess, status: str = "", round_id: int | None = None
) -> QuerySet[ReportJob]:
    """The cluster's report jobs, newest first, without their files; ``status`` and ``round_id``
    narrow them."""
    # The file itself stays in the database until downloaded: a list does not load it.
    jobs = ReportJob.objects.filter(cluster=access.cluster).defer("content")
    if status:
        jobs = jobs.filter(status=status)
    if round_id is not None:
        jobs = jobs.filter(params__round=round_id)
    return jobs


def with_rounds(*, access: ClusterAccess, jobs: Iterable[ReportJob]) -> list[JobRow]:
    """Each job with its round (one query for the rounds)."""
    jobs = list(jobs)
    ids = {job.params.get("round") for job in jobs}
    rounds = Round.objects.filter(cluster=access.cluster, pk__in=[pk for pk in ids if isinstance(pk, int)])
    by_id = {round_.pk: round_ for round_ in rounds}
    return [JobRow(job=job, round=by_id.get(job.params.get("round"))) for job in jobs]


def recent_jobs(*, access: ClusterAccess) -> list[JobRow]:
    """The cluster's latest report jobs, each with its round."""
    return with_rounds(access=access, jobs=report_jobs(access=access)[:RECENT])


def access_report_job(access: ClusterAccess, pk: int) -> ReportJob:
    """A report job of the access's cluster; the same 404 for a missing and a foreign one."""
    job = ReportJob.objects.filter(cluster=access.cluster, pk=pk).defer("content").first()
    if job is None:
        raise Http404("No such report")
    return job


def report_content(job: ReportJob) -> bytes | None:
    """A finished job's file, read only when it is downloaded; None until the job is done."""
    if job.status != ReportStatus.DONE:
        return None
    content = ReportJob.objects.filter(pk=job.pk).values_list("content", flat=True).first()
    return None if content is None else bytes(content)
