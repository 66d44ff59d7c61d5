"""Requesting, building and purging report jobs.

A request only stores the job; a huey task builds the file and writes its progress to the row, so
the page can show it. Building runs in the job's cluster scope and in the job's language."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.downloads import readable_filename
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.reports.models import ReportFormat, ReportJob, ReportKind, ReportStatus
from klyngekart.reports.needs_data import NotEnoughAnswers
from klyngekart.reports.renderer import Renderer
from klyngekart.surveys.models import Round
from klyngekart.surveys.results.release import is_released

logger = logging.getLogger(__name__)

LANGUAGES = ("nb", "en")
KEEP_DAYS = 7
CONTENT_TYPES = {
    ReportFormat.PDF.value: "application/pdf",
    ReportFormat.XLSX.value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Progress = Callable[[int], None]


def _check(*, fmt: str, language: str) -> None:
    errors: dict[str, str] = {}
    if fmt not in CONTENT_TYPES:
        errors["format"] = _("Choose PDF or Excel (XLSX).")
    if language not in LANGUAGES:
        errors["language"] = _("Choose Norwegian (nb) or English (en).")
    if errors:
        raise ValidationError(errors)


def needs_report_build(
    *, cluster: Cluster, round_: Round, fmt: str, language: str, progress: Progress | None = None
) -> tuple[bytes, str]:
    """The needs report as (file content, file name). Raises NotEnoughAnswers for a round whose
    cluster has fewer than k answers: then there is no file at all."""
    from klyngekart.reports.needs_data import needs_report_data
    from klyngekart.reports.needs_report import needs_report_pdf, needs_report_xlsx

    _check(fmt=fmt, language=language)
    if not is_released(round_):
        raise NotEnoughAnswers(
            _("The round's results are released when it closes. The report can be ordered then.")
        )
    report = progress or (lambda _percent: None)
    # The PDF's layout process starts now, so its chart engine warms up while the figures are read.
    renderer = Renderer() if fmt == ReportFormat.PDF else None
    try:
        with translation.override(language):
            data = needs_report_data(cluster=cluster, round=round_, language=language)
            report(40)
            if renderer is not None:
                content = needs_report_pdf(data, progress=report, renderer=renderer)
            else:
                content = needs_report_xlsx(data)
    finally:
        if renderer is not None:
            renderer.close()
    return content, needs_report_filename(cluster=cluster, round_=round_, fmt=fmt, language=language)


def needs_report_filename(*, cluster: Cluster, round_: Round, fmt: str, language: str) -> str:
    """The name the report is saved under, in its language: "Felles-behov-2026-Demo-Havbruk.pdf"
    (the round's year, or its title when it has no opening date)."""
    with translation.override(language):
        what = _("Common needs")
    when = round_.opens_on.year if round_.opens_on else round_.title
    return readable_filename(what, when, cluster.name, extension=fmt)


@transaction.atomic
def report_job_request(*, cluster: Cluster, user: Any, round_: Round, fmt: str, language: str) -> ReportJob:
    """Store a needs report job for ``round_`` and start building it when the transaction commits."""
    _check(fmt=fmt, language=language)
    if round_.cluster_id != cluster.pk:
        raise ValidationError({"round": _("Choose a round of this cluster.")})
    if not is_released(round_):
        raise ValidationError(
            {"round": _("The round's results are released when it closes. The report can be ordered then.")}
        )
    job = ReportJob(
        cluster=cluster,
        kind=ReportKind.NEEDS,
        params={"round": round_.pk, "format": fmt, "language": language},
        # Known from the start, so the list of reports can name the file while it is being built.
        filename=needs_report_filename(cluster=cluster, round_=round_, fmt=fmt, language=language),
        requested_by=user,
    )
    job.full_clean()
    job.save()
    audit_log(
        cluster=cluster,
        actor=user,
        action="reports.needs.requested",
        target=round_,
        data={"format": fmt, "language": language},
    )
    from klyngekart.reports.tasks import build_report

    transaction.on_commit(lambda: build_report(cluster.pk, job.pk))
    return job


def _save_progress(job: ReportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ReportJob.objects.filter(pk=job.pk).update(**fields)


def report_job_run(*, cluster_id: int, job_id: int) -> ReportJob | None:
    """Build a queued job's file. The outcome (file or message) is written to the job."""
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return None
    with scope(cluster):
        job = ReportJob.objects.filter(pk=job_id).first()
        if job is None or job.status != ReportStatus.QUEUED:
            return job
        _save_progress(job, status=ReportStatus.RUNNING, progress=5)
        language = job.params.get("language", "nb")
        round_ = Round.objects.filter(pk=job.params.get("round")).first()
        try:
            if round_ is None:
                raise NotEnoughAnswers(_("The round no longer exists."))
            content, filename = needs_report_build(
                cluster=cluster,
                round_=round_,
                fmt=job.params.get("format", ""),
                language=language,
                progress=lambda percent: _save_progress(job, progress=percent),
            )
        except (NotEnoughAnswers, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            # No file: no name either.
            _save_progress(job, status=ReportStatus.FAILED, progress=100, message=message[:500], filename="")
            return job
        except Exception:
            logger.exception("Report job %s failed", job.pk)
            with translation.override(language):
                message = _("The report could not be built. Try again, or contact support if it fails again.")
            _save_progress(job, status=ReportStatus.FAILED, progress=100, message=message, filename="")
            return job
        _save_progress(
            job,
            status=ReportStatus.DONE,
            progress=100,
            content=content,
            filename=filename,
            content_type=CONTENT_TYPES[job.params["format"]],
            message="",
        )
        return job


def report_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete jobs (and their files) older than a week, in every cluster."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_DAYS)
    with scopes_disabled():
        deleted, _detail = ReportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
