"""The competence taxonomy pages: the areas by group, their edits, and the version history.

Hide, show and move are plain POST forms that redirect back to the list; with htmx they answer
with the list alone, which replaces the old one in place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.core.forms import add_service_errors
from klyngekart.taxonomy import selectors, services
from klyngekart.taxonomy.access import access_area
from klyngekart.taxonomy.forms import AreaForm, MoveForm
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


def _index_context(access: ClusterAccess) -> dict:
    version = services.taxonomy_current(cluster=access.cluster)
    return {
        "version": version,
        "pinned": services.is_pinned(version),
        "groups": selectors.areas_by_group(version=version),
        "history": selectors.version_history(cluster=access.cluster),
        "can_change": access.can("taxonomy.change"),
    }


@cluster_view("taxonomy.view")
def taxonomy_index(request: HttpRequest) -> HttpResponse:
    return render(request, "taxonomy/index.html", _index_context(_access(request)))


def _say_if_copied(request: HttpRequest, before: TaxonomyVersion, area: CompetenceArea) -> None:
    if area.version_id != before.pk:
        messages.info(
            request,
            _(
                "Mapping rounds use version %(old)s, so it stays as it was; "
                "your change is in the new version %(new)s."
            )
            % {"old": before.number, "new": area.version.number},
        )


def _back(request: HttpRequest, access: ClusterAccess, area: CompetenceArea) -> HttpResponse:
    """The list again: the areas alone for htmx, a redirect to the area's group otherwise."""
    if getattr(request, "htmx", False):
        return render(request, "taxonomy/index.html#areas", _index_context(access))
    url = reverse("taxonomy:index", args=[access.cluster.slug])
    return redirect(f"{url}#group-{area.group}")


@cluster_view("taxonomy.change")
@require_http_methods(["GET", "POST"])
def area_add(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        before = services.taxonomy_current(cluster=access.cluster)
        try:
            area = services.area_add(cluster=access.cluster, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": area.name})
            _say_if_copied(request, before, area)
            return _back(request, access, area)
    return render(request, "taxonomy/area_form.html", {"form": form, "area": None})


@cluster_view("taxonomy.change")
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    area = access_area(access, pk, "taxonomy.change")
    form = AreaForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        before = services.taxonomy_current(cluster=access.cluster)
        try:
            area = services.area_update(area=area, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            _say_if_copied(request, before, area)
            return _back(request, access, area)
    return render(request, "taxonomy/area_form.html", {"form": form, "area": area})


@cluster_view("taxonomy.change")
@require_POST
def area_hide(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    area = access_area(access, pk, "taxonomy.change")
    before = services.taxonomy_current(cluster=access.cluster)
    area = services.area_hide(area=area, actor=request.user)
    messages.success(request, _("%(name)s is hidden from new surveys.") % {"name": area.name})
    _say_if_copied(request, before, area)
    return _back(request, access, area)


@cluster_view("taxonomy.change")
@require_POST
def area_show(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    area = access_area(access, pk, "taxonomy.change")
    before = services.taxonomy_current(cluster=access.cluster)
    area = services.area_show(area=area, actor=request.user)
    messages.success(request, _("%(name)s is shown again.") % {"name": area.name})
    _say_if_copied(request, before, area)
    return _back(request, access, area)


@cluster_view("taxonomy.change")
@require_POST
def area_move(request: HttpRequest, pk: int) -> HttpResponse:
    access = _access(request)
    area = access_area(access, pk, "taxonomy.change")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to move the area up or down."))
        return _back(request, access, area)
    before = services.taxonomy_current(cluster=access.cluster)
    index = selectors.position_in_group(version=before, area=area)
    step = -1 if form.cleaned_data["direction"] == "up" else 1
    area = services.area_move(area=area, actor=request.user, position=max(0, index + step))
    _say_if_copied(request, before, area)
    return _back(request, access, area)
