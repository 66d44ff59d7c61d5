"""A rate limit for the public answering URLs that stores no IP address.

The counter lives in the cache under an HMAC of the client's address and the current time window;
the key changes every window, expires with it, and cannot be turned back into an address. Nothing
is written to the database or the logs."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from klyngekart.core.client import cache_count, keyed_address

DEFAULT_RATE = (120, 600)  # POSTs per window of seconds, per client address


def allow_post(request: HttpRequest) -> bool:
    """Count one POST from this client; False when it is over the limit for this window."""
    limit, window = getattr(settings, "KLYNGEKART_RESPOND_RATE", DEFAULT_RATE)
    if not limit:
        return True
    bucket = int(time.time() // window)
    key = f"klyngekart:respond-rate:{keyed_address(request, 'respond', bucket)}"
    return cache_count(key, window) <= int(limit)
