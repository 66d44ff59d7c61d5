"""The mail to the contacts of the members at risk: the text the manager wrote, inside a short frame
(greeting, the cluster's activities, the sender) in each recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from klyngekart.core.links import absolute_url
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.engagement.models import EngagementMail
from klyngekart.members.models import Membership


def render_at_risk_mail(
    *, cluster: Cluster, subject: str, message: str, company: str, language: str
) -> dict[str, str]:
    """Subject and body as the recipient gets them: the preview shows exactly this."""
    url = absolute_url(reverse("activities:list", args=[cluster.slug]))
    context: dict[str, Any] = {"cluster": cluster, "message": message, "company": company, "url": url}
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string("engagement/email/at_risk.txt", context)
    return {"subject": " ".join(subject.split()), "body": body}


def at_risk_mail_deliver(*, cluster_id: int, mail_id: int) -> int:
    """Send a recorded mail that has not left yet (a task that runs again sends nothing twice)."""
    cluster = Cluster.objects.get(pk=cluster_id)
    with scope(cluster):
        mail = EngagementMail.objects.filter(pk=mail_id, sent_at__isnull=True).first()
        if mail is None:
            return 0
        names = dict(
            Membership.objects.filter(pk__in=[r.get("membership") for r in mail.recipients]).values_list(
                "pk", "name"
            )
        )
        sent = 0
        for recipient in mail.recipients:
            rendered = render_at_risk_mail(
                cluster=cluster,
                subject=mail.subject,
                message=mail.message,
                company=names.get(recipient.get("membership"), ""),
                language=recipient.get("language") or settings.LANGUAGE_CODE,
            )
            EmailMessage(rendered["subject"], rendered["body"], None, [recipient["email"]]).send()
            sent += 1
        EngagementMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now())
    return sent
