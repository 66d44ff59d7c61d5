"""The mail that asks a member company to register interest in a joint measure: one mail per
recipient, in that person's language, each invitation marked as sent when its mails have left."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from klyngekart.core.links import absolute_url
from klyngekart.core.mail import render_subject
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.measures.models import Measure, MeasureInvitation


def invitations_send(*, cluster_id: int, measure_id: int, invitation_ids: list[int]) -> int:
    """Send the recorded invitations that have not left yet. Checked again at send time: a measure
    closed meanwhile sends nothing, and an invitation already sent is not sent twice (a task that
    runs again after a crash)."""
    cluster = Cluster.objects.get(pk=cluster_id)
    sent = 0
    with scope(cluster):
        measure = Measure.objects.filter(pk=measure_id).first()
        if measure is None or measure.is_closed:
            return 0
        url = absolute_url(reverse("measures:detail", args=[cluster.slug, measure.pk]))
        invitations = MeasureInvitation.objects.filter(
            measure=measure, pk__in=invitation_ids, sent_at__isnull=True, membership__status="active"
        ).select_related("membership")
        for invitation in invitations:
            # The company as this cluster records it (its membership), never another cluster's name.
            context = {"cluster": cluster, "measure": measure, "company": invitation.membership, "url": url}
            for recipient in invitation.recipients:
                with translation.override(recipient.get("language") or settings.LANGUAGE_CODE):
                    subject = render_subject("measures/email/subject.txt", context)
                    body = render_to_string("measures/email/message.txt", context)
                EmailMessage(subject, body, None, [recipient["email"]]).send()
            MeasureInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            sent += 1
    return sent
