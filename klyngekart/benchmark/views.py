"""The benchmarking self-assessment: the indicators against the installation's peers, the label
readiness checklist, and the form where the manager (or the cluster's advisor) enters the rest."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klyngekart.accounts.access import ClusterAccess, cluster_view
from klyngekart.benchmark import selectors, services
from klyngekart.benchmark.forms import AssessmentForm
from klyngekart.benchmark.selectors import MIN_PEERS
from klyngekart.core.forms import add_service_errors


def _access(request: HttpRequest) -> ClusterAccess:
    return request.access  # type: ignore[attr-defined,no-any-return]


@cluster_view("benchmark.view")
def index(request: HttpRequest) -> HttpResponse:
    cluster = _access(request).cluster
    services.snapshot_refresh(cluster)
    found = selectors.assessment(cluster)
    return render(
        request,
        "benchmark/index.html",
        {"assessment": found, "min_peers": MIN_PEERS},
    )


@cluster_view("benchmark.change")
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    cluster = _access(request).cluster
    form = AssessmentForm(
        request.POST or None, values=selectors.manual_values(), profile=selectors.profile_of(cluster)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                cluster=cluster, actor=request.user, values=form.values(), profile=form.profile()
            )
        except ValidationError as error:
            # The service names the indicator; the form's field is value_<indicator>.
            named = {
                (f"value_{key}" if f"value_{key}" in form.fields else key): found
                for key, found in getattr(error, "message_dict", {"__all__": error.messages}).items()
            }
            add_service_errors(form, ValidationError(named))  # type: ignore[arg-type]
        else:
            messages.success(request, _("The self-assessment is saved."))
            return redirect("benchmark:index", cluster.slug)
    return render(request, "benchmark/edit.html", {"form": form})
