"""Rate limits for the public answering URLs that store no IP address.

Every answering page is a POST, a dozen per response, and colleagues often share one address (an
office behind NAT): a limit per address alone turned the 41st colleague away. So a POST is counted
by who answers, not by where from:

- per respondent: the link and the respondent's own key (the personal link's token, or the resume
  cookie of an open link); ``KLYNGEKART_RESPOND_SESSION_POSTS`` per window. One person clicking Next
  and Back for ten minutes stays far below it; a script replaying one session hits it;
- per address and link, for POSTs that bring no respondent key (a client that keeps no cookies, and
  the public API, whose idempotency key the client picks freely): ``KLYNGEKART_RESPOND_ANONYMOUS_POSTS``;
- per address, every POST to any link: ``KLYNGEKART_RESPOND_ADDRESS_POSTS``, a ceiling high enough
  for a whole office answering at once, low enough to stop one client hammering with fresh cookies.

Each counter lives in the cache under an HMAC (keyed with SECRET_KEY) of what it counts and the
current time window; the key changes every window, expires with it, and cannot be turned back into
an address or a token. Nothing is written to the database or the logs. A limit of 0 turns its
counter off. The open links' burst check (surveys/rounds/open_links.py) is apart from these: it
holds answers for review, it refuses nothing."""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.http import HttpRequest

from klyngekart.core.client import cache_count, keyed_address

# POSTs per window (seconds): per respondent, per address and link without a respondent key, and
# per address in all.
DEFAULT_SESSION_POSTS = 120
DEFAULT_ANONYMOUS_POSTS = 120
DEFAULT_ADDRESS_POSTS = 3000
DEFAULT_WINDOW = 600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default) or 0)


def _over(key: str, limit: int, window: int) -> bool:
    return bool(limit) and cache_count(f"klyngekart:respond-rate:{key}", window) > limit


def _session_key(link: str, session: str, bucket: int) -> str:
    message = f"respond-session:{bucket}:{link}:{session}"
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), "sha256").hexdigest()[:32]


def allow_post(request: HttpRequest, *, link: str, session: str | None = None) -> bool:
    """Count one POST to the survey link ``link`` by the respondent whose key is ``session`` (None
    when the client brought none); False when any of its counters is over its limit."""
    window = _setting("KLYNGEKART_RESPOND_WINDOW_SECONDS", DEFAULT_WINDOW) or DEFAULT_WINDOW
    bucket = int(time.time() // window)
    if _over(
        keyed_address(request, "respond", bucket),
        _setting("KLYNGEKART_RESPOND_ADDRESS_POSTS", DEFAULT_ADDRESS_POSTS),
        window,
    ):
        return False
    if session:
        key, limit = (
            _session_key(link, session, bucket),
            _setting("KLYNGEKART_RESPOND_SESSION_POSTS", DEFAULT_SESSION_POSTS),
        )
    else:
        key, limit = (
            keyed_address(request, "respond-link", bucket, link),
            _setting("KLYNGEKART_RESPOND_ANONYMOUS_POSTS", DEFAULT_ANONYMOUS_POSTS),
        )
    return not _over(key, limit, window)
