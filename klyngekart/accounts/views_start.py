"""The front door of the installation: the clusters a user can enter (here, not in core, because
what a user may enter is the accounts app's to say, and core sits below it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from klyngekart.accounts.access import user_clusters


def start(request: HttpRequest) -> HttpResponse:
    """The user's clusters, or straight into the only one; the landing page for a visitor."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    accesses = user_clusters(request.user)
    if len(accesses) == 1 and not request.GET.get("all"):
        return redirect("cluster:home", accesses[0].cluster.slug)
    return render(request, "core/start.html", {"accesses": accesses})
