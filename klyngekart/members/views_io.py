"""Import and export pages for the member list."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.members import exporting, import_store, selectors
from klyngekart.members.forms import ImportConfirmForm, ImportUploadForm, MemberFilterForm
from klyngekart.members.importing import TEMPLATE_HEADERS, ImportReport, import_members

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _report_context(report: ImportReport) -> dict:
    errors_by_row: dict[int, list[dict[str, str]]] = {}
    for error in report.errors:
        shown = {"column": report.column_name(error.field), "message": error.message}
        errors_by_row.setdefault(error.row, []).append(shown)
    return {
        "report": report,
        "file_errors": errors_by_row.pop(0, []),
        "error_rows": sorted(errors_by_row.items()),
        "total": report.created + report.updated,
    }


@cluster_view("members.import")
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    """Step 1 and 2: upload, then the dry-run report with a button to confirm."""
    access = _access(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte more than allowed, so the importer can say "too big" without reading all.
        content = upload.read(settings.KLYNGEKART_IMPORT_MAX_BYTES + 1)
        report = import_members(
            cluster=access.cluster, actor=request.user, filename=upload.name, content=content, dry_run=True
        )
        context.update(_report_context(report))
        if report.ok:
            token = import_store.save_pending(
                request.session,
                cluster_id=access.cluster.pk,
                user=request.user,
                filename=upload.name,
                content=content,
            )
            context["confirm_form"] = ImportConfirmForm(initial={"token": token})
        else:
            import_store.discard_pending(request.session)
        context["filename"] = upload.name
    return render(request, "members/import.html", context)


@cluster_view("members.import")
@require_POST
def member_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: import the file kept on the server, validating it again from scratch."""
    access = _access(request)
    form = ImportConfirmForm(request.POST)
    pending = (
        import_store.load_pending(
            request.session, cluster_id=access.cluster.pk, token=form.cleaned_data["token"]
        )
        if form.is_valid()
        else None
    )
    if pending is None:
        messages.error(request, _("That upload has expired or was already imported. Upload the file again."))
        return redirect("members:import", access.cluster.slug)
    filename, content = pending
    report = import_members(
        cluster=access.cluster, actor=request.user, filename=filename, content=content, dry_run=False
    )
    import_store.discard_pending(request.session)
    if not report.written:
        # The data changed between the dry run and now (e.g. someone added one of these members).
        context = {"form": ImportUploadForm(), "filename": filename, **_report_context(report)}
        return render(request, "members/import.html", context)
    messages.success(
        request,
        ngettext(
            "Imported %(count)s member.",
            "Imported %(count)s members.",
            report.created + report.updated,
        )
        % {"count": report.created + report.updated},
    )
    return redirect("members:list", access.cluster.slug)


@cluster_view("members.import")
@require_GET
def member_import_template(request: HttpRequest) -> HttpResponse:
    """An empty sheet with the Norwegian headers and one example row, for Norwegian Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(
        [
            "923609016",
            "Eksempel AS",
            "62.100",
            "12",
            "Vestland",
            "Bergen",
            "www.eksempel.no",
            "01.01.2024",
            "Ordinær",
            "12500",
            "Kari Nordmann",
            "kari@eksempel.no",
            "99887766",
        ]
    )
    response = HttpResponse(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="medlemmer-mal.csv"'
    return response


@cluster_view("members.export")
@require_GET
def member_export(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    filters = MemberFilterForm(request.GET or None).filters()
    memberships = exporting.export_queryset(selectors.membership_list(cluster=access.cluster, **filters))
    stem = f"{slugify(access.cluster.slug)}-{_('members')}-{timezone.localdate():%Y-%m-%d}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(exporting.export_xlsx(memberships), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{slugify(stem)}.xlsx"'
    else:
        response = HttpResponse(exporting.export_csv(memberships), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(stem)}.csv"'
    return response
