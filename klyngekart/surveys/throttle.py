"""A rate limit for the public answering URLs that stores no IP address.

The counter lives in the cache under an HMAC of the client's address and the current time window;
the key changes every window, expires with it, and cannot be turned back into an address. Nothing
is written to the database or the logs."""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from klyngekart.core.client import client_address

DEFAULT_RATE = (120, 600)  # POSTs per window of seconds, per client address


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


def allow_post(request: HttpRequest) -> bool:
    """Count one POST from this client; False when it is over the limit for this window."""
    limit, window = getattr(settings, "KLYNGEKART_RESPOND_RATE", DEFAULT_RATE)
    if not limit:
        return True
    bucket = int(time.time() // window)
    key = f"klyngekart:respond-rate:{keyed_address(request, 'respond', bucket)}"
    return cache_count(key, window) <= int(limit)
