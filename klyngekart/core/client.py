"""The client's address, the one way every rate limit reads it (allauth's login limits through
klyngekart.accounts.adapter, the public survey throttle and the open links' burst check in surveys),
and the keyed, expiring cache counters they count with: no address is ever stored."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.cache import cache
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


def keyed_address(request: HttpRequest, purpose: str, *parts: object) -> str:
    """An HMAC of the client's address with ``purpose`` and ``parts`` (a time window, a link): it
    names a cache counter, cannot be turned back into an address, and changes with its parts."""
    message = ":".join([purpose, *(str(part) for part in parts), client_address(request)])
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), "sha256").hexdigest()[:32]


def cache_count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (made with ``timeout`` seconds to live when missing) and
    return it. The counter usually exists: count first, create it only when it is missing (one
    cache call instead of two). Two first counts at once: one add wins, the other counts on top."""
    try:
        return int(cache.incr(key))
    except ValueError:
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # expired in between: this count opens it again
            cache.set(key, 1, timeout=timeout)
            return 1
