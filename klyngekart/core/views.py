from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klyngekart.accounts.access import user_clusters


def start(request: HttpRequest) -> HttpResponse:
    """The front door: the user's clusters, or straight into the only one."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    accesses = user_clusters(request.user)
    if len(accesses) == 1 and not request.GET.get("all"):
        return redirect("cluster:home", accesses[0].cluster.slug)
    return render(request, "core/start.html", {"accesses": accesses})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for a load balancer: 200 when the database answers, else 503."""
    body = {"status": "ok", "database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure makes the app unready
        body = {"status": "error", "database": f"error: {exc.__class__.__name__}"}
        return JsonResponse(body, status=503)
    return JsonResponse(body)
