"""The client's address, the one way every rate limit reads it (allauth's login limits through
klyngekart.accounts.adapter, the public survey throttle in surveys/throttle.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind N trusted proxies (KLYNGEKART_TRUSTED_PROXY_COUNT) the address the
    outermost of them saw, which a client cannot forge: entries to its left are the client's own.

    Behind the load balancer every REMOTE_ADDR is the balancer's, so a limit keyed on it would be
    one limit for everyone. A request with fewer hops than trusted proxies did not come through
    them all, and its direct peer is the best we know."""
    proxies = int(getattr(settings, "KLYNGEKART_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
