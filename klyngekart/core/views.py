from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klyngekart.core import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer and a monitor: the database, the task queue and the disk
    (klyngekart/core/health.py); 503 when the database does not answer."""
    status, body = health.report()
    return JsonResponse(body, status=status)
