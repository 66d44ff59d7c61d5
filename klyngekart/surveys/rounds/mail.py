"""The invitation and reminder mails of a mapping round, in the invitation's language.

Plain text and HTML from the same context. The mail names the cluster and the company (so the
recipient knows why they got it), the close date, and says that answers are anonymous."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from klyngekart.core.mail import render_subject
from klyngekart.surveys.models import RespondentInvitation, SurveyKind


def render_round_mail(
    *, invitation: RespondentInvitation, url: str | None, kind: str
) -> tuple[str, str, str]:
    """(subject, text, html). ``url`` is None for a reminder or a resend to someone who has started
    (or, for a resend, answered): they continue with the link from their invitation."""
    part = invitation.round_company
    with translation.override(invitation.language):
        context = {
            "cluster": part.cluster,
            "company": part.membership,
            "round": part.round,
            "url": url,
            "reminder": kind == "reminder",
            # Sent again by the company's contact; it reads the same whether or not its person answered.
            "resent": kind == "resend",
            "invited_on": invitation.sent_on,
            # After an activity (activities/feedback.py): the mail thanks the attendee instead of
            # speaking of a company's mapping.
            "feedback": part.round.survey_version.survey.kind == SurveyKind.ACTIVITY_FEEDBACK,
        }
        subject = render_subject("surveys/rounds/email/subject.txt", context)
        text = render_to_string("surveys/rounds/email/message.txt", context)
        html = render_to_string("surveys/rounds/email/message.html", context)
    return subject, text, html


def send_round_mail(*, invitation: RespondentInvitation, url: str | None, kind: str) -> None:
    subject, text, html = render_round_mail(invitation=invitation, url=url, kind=kind)
    message = EmailMultiAlternatives(subject, text, None, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
