"""Report tasks (huey). Arguments are ids only; the job row carries the rest."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from klyngekart.reports import services


@db_task()
def build_report(cluster_id: int, job_id: int) -> None:
    services.report_job_run(cluster_id=cluster_id, job_id=job_id)


@db_periodic_task(crontab(hour=3, minute=30))
def purge_report_jobs() -> int:
    return services.report_jobs_purge()
