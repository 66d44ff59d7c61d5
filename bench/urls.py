"""The application's URLs plus the baseline of the submission scenario: a bare Django JSON view."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as application


@csrf_exempt  # the baseline: what the public answering endpoint costs without the application
@require_POST
def bare_json(request: HttpRequest) -> JsonResponse:
    payload = json.loads(request.body)
    return JsonResponse({"stored": True, "answers": len(payload.get("answers", {}))}, status=201)


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare/", bare_json, name="bench_bare"),
    *application,
]
