"""iCalendar (RFC 5545) text for activities: the attachment of a confirmation mail and the
calendar feeds. Built with the ``icalendar`` package; times go out in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from klyngekart.activities.models import Activity
from klyngekart.core.links import absolute_url


def _host() -> str:
    return urlsplit(getattr(settings, "SITE_URL", "") or "http://localhost").hostname or "localhost"


def event_for(activity: Activity, *, language: str, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{_host()}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", activity.starts_at.astimezone(dt.UTC))
    event.add("dtend", activity.ends_at.astimezone(dt.UTC))
    event.add("summary", activity.title_in(language))
    description = activity.description_in(language)
    if activity.online_url:
        description = f"{description}\n\n{activity.online_url}".strip()
    if description:
        event.add("description", description)
    if activity.place or activity.online_url:
        event.add("location", activity.place or activity.online_url)
    event.add("url", absolute_url(reverse("activities:detail", args=[activity.cluster.slug, activity.pk])))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_text(activities: Iterable[Activity], *, name: str, language: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Klyngekart//Activities//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for activity in activities:
        cal.add_component(event_for(activity, language=language))
    return bytes(cal.to_ical())
