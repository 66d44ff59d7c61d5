from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from klyngekart.core.tenancy import scopes_disabled

# Everything is served from our own origin; vega needs 'unsafe-eval'-free builds, which
# vega-embed's interpreter mode gives, so no script exception is needed.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs need no exception: ninja serves Swagger UI from its own static files and
        # starts it from a script file, with the settings in a JSON block.
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class PrivateDownloadsMiddleware:
    """Every file sent as a download (a member export, a report, an XLSForm, a QR code) is marked
    ``no-store, private``: without it a browser's disk cache, or a proxy between the cluster's
    office and us, could keep a member list with names, phones and fees. One place, so an export
    added later cannot forget it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Content-Disposition"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class AdminScopeMiddleware:
    """The Django admin is the platform admin's support tool and spans all clusters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/") and user is not None and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)
