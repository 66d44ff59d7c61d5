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


def allow_post(request: HttpRequest) -> bool:
    """Count one POST from this client; False when it is over the limit for this window."""
    limit, window = getattr(settings, "KLYNGEKART_RESPOND_RATE", DEFAULT_RATE)
    if not limit:
        return True
    bucket = int(time.time() // window)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"respond:{bucket}:{client_address(request)}".encode(), "sha256"
    ).hexdigest()[:32]
    key = f"klyngekart:respond-rate:{digest}"
    # The counter of this window usually exists: count first, create it only when it is missing
    # (one cache call instead of two per POST). Two first POSTs at once: one add wins, the other
    # counts on top of it.
    try:
        count = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=window):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired in between: this POST opens the window again
                cache.set(key, 1, timeout=window)
                count = 1
    return count <= int(limit)
