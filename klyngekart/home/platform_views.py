"""The platform admin's pages (/platform/). Superusers only; everyone else gets the same 404
as for an address that does not exist, so the pages do not advertise themselves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from klyngekart.home import selectors
from klyngekart.home.forms import ClusterCreateForm
from klyngekart.home.services import platform_cluster_create


def platform_admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_authenticated and request.user.is_superuser and request.user.is_active):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


@platform_admin_only
def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "home/platform/clusters.html", {"clusters": selectors.clusters_for_platform()})


@platform_admin_only
def cluster_create(request: HttpRequest) -> HttpResponse:
    form = ClusterCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = platform_cluster_create(
                name=data["name"],
                slug=data["slug"],
                city=data["city"],
                manager_email=data["manager_email"],
                actor=request.user,
            )
        except ValidationError as error:
            # The invitation service names the address "email"; the form calls it manager_email.
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                name = "manager_email" if field == "email" else field
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(cluster)s is created and %(email)s is invited as its cluster manager.")
                % {"cluster": created.cluster.name, "email": created.invitation.email},
            )
            return redirect("platform:clusters")
    status = 400 if request.method == "POST" else 200
    return render(request, "home/platform/cluster_create.html", {"form": form}, status=status)
