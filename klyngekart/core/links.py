"""Absolute addresses: the one place links to this installation are built.

A page builds its links from the request it answers (``request.build_absolute_uri``), so a link,
a QR code or an address shown in the API points at the host, port and scheme the user actually
reached, behind a proxy too (production trusts ``X-Forwarded-Proto``; Django checks the host
against ``ALLOWED_HOSTS``). Mails and tasks have no request, or one whose host is not the
recipient's business: they use ``SITE_URL``, the installation's public address, which production
requires (the system check ``klyngekart.E001``, klyngekart/core/checks.py). A mail therefore never
depends on the Host header of whoever caused it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


def site_url() -> str:
    """``SITE_URL`` without a trailing slash, e.g. ``https://klyngekart.example.no``."""
    base = (getattr(settings, "SITE_URL", "") or "").strip().rstrip("/")
    if not base:
        raise ImproperlyConfigured(
            "Set SITE_URL to the installation's public address (see docs/deployment.md)."
        )
    return base


def absolute_url(path: str, *, request: HttpRequest | None = None) -> str:
    """``path`` (an absolute path such as ``reverse(...)`` gives) as a full address: on the
    request's host when there is a request, else on ``SITE_URL``."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path that starts with '/', not {path!r}")
    if request is not None:
        return request.build_absolute_uri(path)
    return site_url() + path
