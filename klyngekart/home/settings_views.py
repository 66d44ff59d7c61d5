"""The cluster manager's settings page (/c/<slug>/settings/). Kept apart from home/views.py,
which another part of the app owns; the write goes through accounts.services.cluster_update."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from klyngekart.accounts.access import cluster_view
from klyngekart.accounts.forms import ClusterSettingsForm
from klyngekart.accounts.services import cluster_update


@cluster_view("cluster.settings")
def cluster_settings(request: HttpRequest) -> HttpResponse:
    cluster = request.cluster  # type: ignore[attr-defined]
    form = ClusterSettingsForm(request.POST or None, initial=ClusterSettingsForm.initial_for(cluster))
    if request.method == "POST" and form.is_valid():
        try:
            cluster_update(cluster=cluster, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The cluster's settings are saved."))
            return redirect("cluster:settings", cluster.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "home/settings.html", {"cluster": cluster, "form": form}, status=status)
