"""The directory's pages. The directory is the installation's, not one cluster's: every signed-in
user reads it (/landscape/). Importing is for platform admins (/landscape/import/) and for a
cluster's managers (/c/<slug>/landscape/import/), whose records stay their cluster's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from klyngekart.accounts.access import MANAGER, cluster_view, user_clusters
from klyngekart.core.forms import add_service_errors
from klyngekart.core.models import Cluster
from klyngekart.landscape import access, exporting, import_store, selectors, worldmap
from klyngekart.landscape.forms import FACETS, ImportConfirmForm, ImportUploadForm, ProfileForm, SearchForm
from klyngekart.landscape.importing import ImportReport, import_profiles
from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.selectors import Filters
from klyngekart.landscape.services import profile_update

PAGE_SIZE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: HttpRequest) -> tuple[SearchForm, Filters]:
    form = SearchForm(request.GET or None)
    return form, form.filters(request.GET)


def _query(filters: Filters, **changes: str) -> str:
    """The query string for ``filters`` with ``changes`` (an empty value drops a filter)."""
    values = {name: getattr(filters, name) for name in ("q", *FACETS, "sort")} | changes
    kept = {
        name: value for name, value in values.items() if value and not (name == "sort" and value == "name")
    }
    return "?" + urlencode(kept) if kept else ""


@login_required
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    today = timezone.localdate()
    paginator = Paginator(selectors.profile_list(filters, today), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    facets = selectors.facets(filters, today)
    facet_groups = [
        (
            name,
            title,
            [(value, _query(filters, **{name: "" if value.selected else value.value})) for value in values],
        )
        for name, title, values in (
            ("country", _("Country"), facets["country"]),
            ("label", _("ESCA label"), facets["label"]),
            ("programme", _("Programme"), facets["programme"]),
            ("sector", _("Sector"), facets["sector"]),
            ("source", _("Source"), facets["source"]),
            ("area", _("Technology and competence area"), facets["area"]),
            ("need", _("Competence need"), facets["need"]),
            ("region", pgettext("landscape", "Region"), facets["region"]),
        )
    ]
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "ellipsis": paginator.ELLIPSIS,
        "facet_groups": facet_groups,
        "query": _query(filters),
        "hidden_filters": [(name, getattr(filters, name)) for name in FACETS if getattr(filters, name)],
        "may_import": _may_import(request),
    }
    return render(request, "landscape/list.html", context)


def _may_import(request: HttpRequest) -> list[Cluster] | bool:
    """The clusters the user manages (to import for), or True for a platform admin."""
    if request.user.is_superuser:
        return True
    return [role.cluster for role in user_clusters(request.user) if role.role == MANAGER]


@login_required
@require_GET
def profile_map(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    counts = selectors.country_counts(filters)
    shapes, frame = worldmap.shapes()
    scale = worldmap.classes(counts)
    countries = []
    for shape in shapes:
        count = counts.get(shape.code, 0) if shape.code else 0
        countries.append(
            {
                "shape": shape,
                "count": count,
                "name": selectors.country_name(shape.code) if shape.code else shape.name,
                "fill": worldmap.colour_for(count, scale),
                "href": _query(filters, country=shape.code) if shape.code and count else "",
            }
        )
    context = {
        "filters": filters,
        "countries": countries,
        "frame": frame,
        "width": worldmap.WIDTH,
        "scale": scale,
        "empty_colour": worldmap.EMPTY_COLOUR,
        "counts": sorted(
            ((selectors.country_name(code), code, count) for code, count in counts.items()),
            key=lambda c: -c[2],
        ),
        "query": _query(filters, country=""),
    }
    return render(request, "landscape/map.html", context)


@login_required
@require_GET
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_detail(pk)
    if profile is None:
        raise Http404("No such profile")
    context = {
        "profile": profile,
        "edit_url": _edit_url(request, profile),
        "label_state": profile.label_state(),
        "tags": selectors.tags_by_kind(profile),
        "pipeline_clusters": _pipeline_clusters(request),
    }
    return render(request, "landscape/detail.html", context)


def _pipeline_clusters(request: HttpRequest) -> list[Cluster]:
    """The clusters whose collaboration pipeline this user may add the profile to. The pipeline
    lives on a floor above the landscape: the page only links to it by its URL name."""
    return [role.cluster for role in user_clusters(request.user) if role.can("collaborations.manage")]


def _edit_url(request: HttpRequest, profile: ClusterProfile) -> str:
    """Where this user may edit the profile, or "": platform admins anywhere, a manager of the
    owning cluster under that cluster's address. A published profile is written only from its
    cluster's data (its manager changes the publication instead)."""
    if profile.source_cluster_id is not None:
        return ""
    if request.user.is_superuser:
        return reverse("landscape:edit", args=[profile.pk])
    managed = _may_import(request)
    if profile.owner_cluster_id and isinstance(managed, list):
        for cluster in managed:
            if cluster.pk == profile.owner_cluster_id:
                return reverse("landscape_cluster:edit", args=[cluster.slug, profile.pk])
    return ""


@login_required
@require_GET
def profile_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    profiles = selectors.profile_list(filters)
    stem = f"klyngelandskap-{timezone.localdate():%Y-%m-%d}"
    kind = request.GET.get("format", "csv")
    if kind == "xlsx":
        response = HttpResponse(exporting.export_xlsx(profiles), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    elif kind == "json":
        response = HttpResponse(
            exporting.export_json(profiles), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    else:
        response = HttpResponse(exporting.export_csv(profiles), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


def _report_context(report: ImportReport) -> dict[str, Any]:
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


def _import_page(request: HttpRequest, owner: Cluster | None, action: str) -> HttpResponse:
    """Upload → the dry run's report → confirm. The file waits on the server (import_store)."""
    owner_id = owner.pk if owner else None
    context: dict[str, Any] = {"owner": owner, "action": action}
    if request.method == "POST" and "token" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        pending = (
            import_store.load_pending(
                request.session, owner_id=owner_id, user=request.user, token=confirm.cleaned_data["token"]
            )
            if confirm.is_valid()
            else None
        )
        if pending is None:
            messages.error(
                request, _("That upload has expired or was already imported. Upload the file again.")
            )
            return redirect(action)
        filename, content = pending
        report = import_profiles(
            actor=request.user, owner=owner, filename=filename, content=content, dry_run=False
        )
        import_store.discard_pending(request.session)
        if report.written:
            messages.success(
                request,
                ngettext(
                    "Imported %(count)s cluster (%(created)s new, %(updated)s updated).",
                    "Imported %(count)s clusters (%(created)s new, %(updated)s updated).",
                    report.created + report.updated,
                )
                % {
                    "count": report.created + report.updated,
                    "created": report.created,
                    "updated": report.updated,
                },
            )
            return redirect("landscape:list")
        context.update({"form": ImportUploadForm(), "filename": filename, **_report_context(report)})
        return render(request, "landscape/import.html", context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(settings.KLYNGEKART_IMPORT_MAX_BYTES + 1)
        report = import_profiles(
            actor=request.user, owner=owner, filename=upload.name, content=content, dry_run=True
        )
        context.update({"filename": upload.name, **_report_context(report)})
        if report.ok:
            token = import_store.save_pending(
                request.session, owner_id=owner_id, user=request.user, filename=upload.name, content=content
            )
            context["confirm_form"] = ImportConfirmForm(initial={"token": token})
        else:
            import_store.discard_pending(request.session)
    return render(request, "landscape/import.html", context)


@require_http_methods(["GET", "POST"])
def platform_import(request: HttpRequest) -> HttpResponse:
    """A platform admin's import: the records it creates are the platform's to keep."""
    if not (request.user.is_authenticated and request.user.is_superuser and request.user.is_active):
        raise Http404("No such page")
    return _import_page(request, None, reverse("landscape:import"))


@cluster_view("landscape.import")
@require_http_methods(["GET", "POST"])
def cluster_import(request: HttpRequest) -> HttpResponse:
    """A cluster manager's import: created records are the cluster's, and only its own records
    can be updated."""
    cluster: Cluster = request.cluster  # type: ignore[attr-defined]
    return _import_page(request, cluster, reverse("landscape_cluster:import", args=[cluster.slug]))


def _edit_page(request: HttpRequest, profile: ClusterProfile, done: str) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                profile=form.instance, actor=request.user, tags=form.tags(), changed=form.changed_data
            )
        except ValidationError as error:
            add_service_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": profile.name})
            return redirect(done)
    return render(request, "landscape/edit.html", {"form": form, "profile": profile})


@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A platform admin edits any record."""
    if not (request.user.is_authenticated and request.user.is_superuser and request.user.is_active):
        raise Http404("No such page")
    profile = access.any_profile(pk)
    return _edit_page(request, profile, reverse("landscape:detail", args=[profile.pk]))


@cluster_view("landscape.import")
@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager edits the cluster's own records; anyone else's is a 404."""
    profile = access.owned_profile(request.cluster, pk)  # type: ignore[attr-defined]
    return _edit_page(request, profile, reverse("landscape:detail", args=[profile.pk]))
