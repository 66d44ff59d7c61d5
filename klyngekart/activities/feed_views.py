"""The person's own calendar: the page with its secret address (and the reset), and the feed
itself, which a calendar app fetches without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klyngekart.activities.feeds import (
    calendar_feed_get_or_create,
    calendar_feed_reset,
    calendar_feed_url,
    feed_for_token,
    feed_registrations,
)
from klyngekart.activities.ical import calendar_text


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        calendar_feed_reset(user=user)
        messages.success(request, _("Your calendar has a new address. The old one no longer works."))
        return redirect("calendar:mine")
    feed = calendar_feed_get_or_create(user=user)
    registrations = list(feed_registrations(user))
    return render(
        request,
        "activities/my_calendar.html",
        {"url": calendar_feed_url(feed, request=request), "registrations": registrations},
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feed_for_token(token)
    if found is None:
        raise Http404("No such calendar")
    user = found.user
    activities = [registration.activity for registration in feed_registrations(user)]
    with translation.override(user.language):
        body = calendar_text(activities, name=_("My activities"), language=user.language)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
