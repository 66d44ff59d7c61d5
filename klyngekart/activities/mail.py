"""Mails to the person registered: the confirmation (a seat or a place on the waiting list) and
the news that a seat came free. In the recipient's language, with the activity as an .ics file."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from klyngekart.activities.ical import calendar_text
from klyngekart.activities.models import Registration
from klyngekart.core.links import absolute_url
from klyngekart.core.mail import render_subject
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope

# registered: a seat; waitlisted: a place on the waiting list; promoted: off the waiting list.
KINDS = ("registered", "waitlisted", "promoted")


def registration_mail_send(*, cluster_id: int, registration_id: int, kind: str) -> bool:
    """Send one mail about a registration, if it is still in the state the mail speaks of."""
    cluster = Cluster.objects.get(pk=cluster_id)
    with scope(cluster):
        registration = Registration.objects.filter(pk=registration_id).select_related("activity").first()
        if registration is None:
            return False
        expected = "waitlisted" if kind == "waitlisted" else "registered"
        if registration.status != expected:
            return False
        activity = registration.activity
        url = absolute_url(reverse("activities:detail", args=[cluster.slug, activity.pk]))
        with translation.override(registration.language):
            context = {
                "cluster": cluster,
                "activity": activity,
                "title": activity.title_in(registration.language),
                "registration": registration,
                "kind": kind,
                "url": url,
            }
            subject = render_subject("activities/email/subject.txt", context)
            body = render_to_string("activities/email/message.txt", context)
            ics = calendar_text([activity], name=cluster.name, language=registration.language)
        message = EmailMessage(subject, body, None, [registration.email])
        if kind != "waitlisted":
            message.attach("activity.ics", ics, "text/calendar; method=PUBLISH; charset=utf-8")
        message.send()
    return True
