"""API: the cluster's reports, as the reports page lists them: the needs report of a released
round, ordered as a job that a task builds, followed by its status and downloaded when ready. The
same permission, selectors and service as the page; the file never leaves before it is done."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.core.downloads import attachment_header
from klyngekart.core.links import absolute_url
from klyngekart.reports import selectors, services
from klyngekart.reports.models import ReportStatus
from klyngekart.surveys import results as res

router = Router(tags=["reports"])
BASE = "/clusters/{slug}/reports"
ONE = BASE + "/{report_id}"


class ReportFilters(PageQuery):
    status: ReportStatus | None = None
    round: int | None = Field(None, description="Reports of this mapping round.")


class ReportOut(Schema):
    id: int
    kind: Literal["needs"]
    round: int | None = Field(description="The mapping round; null if it has been deleted since.")
    round_title: str | None
    format: Literal["pdf", "xlsx"]
    language: Literal["nb", "en"]
    status: ReportStatus = Field(description="The job that builds the file: queued, running, done or failed.")
    progress: int = Field(description="Per cent built.")
    message: str = Field(description="Why a failed job failed.")
    filename: str
    created_at: datetime.datetime
    download_url: str | None = Field(description="Where to fetch the file, once it is done.")


class ReportPage(Schema):
    items: list[ReportOut]
    count: int
    page: int
    page_size: int


class ReportIn(Schema):
    round: int = Field(description="A mapping round whose results are released (see GET .../rounds).")
    format: Literal["pdf", "xlsx"] = "pdf"
    language: Literal["nb", "en"] = "nb"


def _out(row: selectors.JobRow, request: HttpRequest, slug: str) -> dict[str, Any]:
    job = row.job
    done = job.status == ReportStatus.DONE
    url = reverse("api:report_download", kwargs={"slug": slug, "report_id": job.pk})
    return {
        "id": job.pk,
        "kind": job.kind,
        "round": row.round.pk if row.round else None,
        "round_title": row.round.title if row.round else None,
        "format": job.params.get("format", "pdf"),
        "language": job.params.get("language", "nb"),
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "filename": job.filename,
        "created_at": job.created_at,
        "download_url": absolute_url(url, request=request) if done else None,
    }


@router.get(
    BASE,
    response={200: ReportPage, **ERROR_RESPONSES},
    summary="The cluster's reports",
    description=(
        "Every report job kept (a week), newest first: its round, date, file name and the status of "
        "the job that builds it; `download_url` once the file is done."
    ),
)
def report_list(request: HttpRequest, slug: str, filters: Query[ReportFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "reports.create") as access:
        jobs = selectors.report_jobs(
            access=access, status=filters.status.value if filters.status else "", round_id=filters.round
        )
        result = paged(jobs, filters, lambda job: job)
        rows = selectors.with_rounds(access=access, jobs=result["items"])
        return {**result, "items": [_out(row, request, slug) for row in rows]}


@router.post(
    BASE,
    response={202: ReportOut, **ERROR_RESPONSES},
    summary="Order a needs report",
    description=(
        "For a mapping round whose results are released (422 before). The file is built in the "
        "background: follow `GET .../reports/{report_id}` until `status` is done. Audited."
    ),
)
def report_create(request: HttpRequest, slug: str, payload: ReportIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "reports.create") as access:
        round_ = res.results_rounds(access=access).filter(pk=payload.round).first()
        if round_ is None:
            error = ValidationError({"round": _("Choose a mapping round of this cluster.")})
            raise ApiValidationError(error, payload_loc)
        try:
            job = services.report_job_request(
                cluster=access.cluster,
                user=request.auth,  # type: ignore[attr-defined]
                round_=round_,
                fmt=payload.format,
                language=payload.language,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(202, _out(selectors.JobRow(job=job, round=round_), request, slug))


@router.get(ONE, response={200: ReportOut, **ERROR_RESPONSES}, summary="A report and the status of its job")
def report_get(request: HttpRequest, slug: str, report_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "reports.create") as access:
        job = selectors.access_report_job(access, report_id)
        [row] = selectors.with_rounds(access=access, jobs=[job])
        return _out(row, request, slug)


@router.get(
    ONE + "/download",
    response={200: str, **ERROR_RESPONSES},
    url_name="report_download",
    summary="Download a finished report",
    description="The PDF or XLSX file; 404 until its job is done.",
    openapi_extra={
        "responses": {
            "200": {
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                }
            }
        }
    },
)
def report_download(request: HttpRequest, slug: str, report_id: int) -> HttpResponse:
    with cluster_scope(request, slug, "reports.create") as access:
        job = selectors.access_report_job(access, report_id)
        content = selectors.report_content(job)
        if content is None:
            raise Http404("The report is not ready")
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = attachment_header(job.filename)
    response["Cache-Control"] = "private, no-store"
    return response
