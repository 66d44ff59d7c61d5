"""The personal calendar feed: its secret address, its reset, and what it lists."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from klyngekart.activities.models import ACTIVE, CalendarFeed, Registration
from klyngekart.core.links import absolute_url
from klyngekart.core.tenancy import scopes_disabled


def _token(user_id: int, nonce: str) -> str:
    message = f"klyngekart.calendar-feed:{user_id}:{nonce}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new(user: Any) -> CalendarFeed:
    nonce = secrets.token_hex(16)
    return CalendarFeed(user=user, nonce=nonce, token_hash=_hash(_token(user.pk, nonce)))


@transaction.atomic
def calendar_feed_get_or_create(*, user: Any) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = _new(user)
        feed.save()
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: Any) -> CalendarFeed:
    """A new address; the old one answers 404 from now on."""
    fresh = _new(user)
    updated = CalendarFeed.objects.filter(user=user).update(nonce=fresh.nonce, token_hash=fresh.token_hash)
    if not updated:
        fresh.save()
    return CalendarFeed.objects.get(user=user)


def calendar_feed_url(feed: CalendarFeed, *, request: Any = None) -> str:
    path = reverse("calendar:feed", args=[_token(feed.user_id, feed.nonce)])
    return absolute_url(path, request=request)


def feed_for_token(token: str) -> CalendarFeed | None:
    if len(token) != 64:
        return None
    feed = CalendarFeed.objects.filter(token_hash=_hash(token)).select_related("user").first()
    if feed is None or not hmac.compare_digest(_token(feed.user_id, feed.nonce), token):
        return None
    return feed if feed.user.is_active else None


def feed_registrations(user: Any) -> QuerySet[Registration]:
    """The person's live registrations in every active cluster: their own feed spans clusters, so
    it reads outside any one cluster's scope, filtered to this user."""
    with scopes_disabled():
        return (
            Registration.objects.filter(user=user, status__in=ACTIVE, cluster__is_active=True)
            .select_related("activity", "activity__cluster")
            .order_by("activity__starts_at")
        )
