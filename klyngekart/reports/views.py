"""Report pages: request the cluster's needs report, follow its progress, download it.

The report is built by a task (tasks.build_report); the job page polls its status every two
seconds with htmx, and without JavaScript refreshes itself until the file is ready."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.benchmark import selectors as benchmark_selectors
from klyngekart.core.downloads import attachment_header, readable_filename
from klyngekart.core.forms import add_service_errors
from klyngekart.reports import selectors, services
from klyngekart.reports.benchmark_report import benchmark_pdf as build_benchmark_pdf
from klyngekart.reports.company_results import company_results_pdf as build_company_pdf
from klyngekart.reports.forms import NeedsReportForm
from klyngekart.surveys import results as res

POLL_SECONDS = 2


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("reports.create")
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    rounds = list(res.results_rounds(access=access))
    language = (get_language() or "nb")[:2]
    initial: dict[str, str | int] = {
        "format": "pdf",
        "language": language if language in services.LANGUAGES else "nb",
    }
    if request.GET.get("round", "").isdigit():
        initial["round"] = int(request.GET["round"])
    form = NeedsReportForm(request.POST or None, rounds=rounds, initial=initial)
    if request.method == "POST" and form.is_valid():
        round_ = res.access_results_round(access, form.cleaned_data["round"])
        try:
            job = services.report_job_request(
                cluster=access.cluster,
                user=request.user,
                round_=round_,
                fmt=form.cleaned_data["format"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reports:job", access.cluster.slug, job.pk)
    return render(
        request,
        "reports/index.html",
        {"form": form, "rounds": rounds, "jobs": list(selectors.recent_jobs(access=access))},
    )


@cluster_view("reports.create")
def job(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report_job(_access(request), pk)
    context = {"job": report, "poll_seconds": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_job_status.html", context)
    return render(request, "reports/job.html", context)


@cluster_view("reports.create")
def download(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.access_report_job(_access(request), pk)
    content = selectors.report_content(report)
    if content is None:
        raise Http404("The report is not ready")
    response = HttpResponse(content, content_type=report.content_type)
    response["Content-Disposition"] = attachment_header(report.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@cluster_view("results.company")
def company_results_pdf(request: HttpRequest, round_id: int, rc_id: int) -> HttpResponse:
    """A company's results as a PDF for its management: what its results page shows."""
    try:
        context = res.company_page(_access(request), round_id, rc_id, request.GET.get("segment", ""))
    except res.NotReleased:
        # No report before the release: the page says when the results appear, and why.
        return redirect("results:company", _access(request).cluster.slug, round_id, rc_id)
    started = time.perf_counter()
    pdf = build_company_pdf(context, cluster=_access(request).cluster, language=get_language() or "nb")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = readable_filename(context["company"].name, context["round"].title, extension="pdf")
    response["Content-Disposition"] = attachment_header(name)
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


@cluster_view("benchmark.view")
def benchmark_pdf(request: HttpRequest) -> HttpResponse:
    """The benchmarking self-assessment as a PDF: what its page shows."""
    cluster = _access(request).cluster
    started = time.perf_counter()
    pdf = build_benchmark_pdf(benchmark_selectors.assessment(cluster), language=get_language() or "nb")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = readable_filename(_("Benchmarking"), cluster.name, extension="pdf")
    response["Content-Disposition"] = attachment_header(name)
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response
