"""The mail that asks a member company to register interest in a joint measure."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from klyngekart.core.links import absolute_url
from klyngekart.core.mail import render_subject
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.measures import selectors
from klyngekart.measures.models import Measure
from klyngekart.members.models import Membership


def invitations_send(*, cluster_id: int, measure_id: int, membership_ids: list[int]) -> int:
    """One mail per company, to its contacts. Checked again at send time: a measure closed
    meanwhile sends nothing."""
    cluster = Cluster.objects.get(pk=cluster_id)
    sent = 0
    with scope(cluster):
        measure = Measure.objects.filter(pk=measure_id).first()
        if measure is None or measure.is_closed:
            return 0
        url = absolute_url(reverse("measures:detail", args=[cluster.slug, measure.pk]))
        memberships = Membership.objects.filter(pk__in=membership_ids, status="active").select_related(
            "company"
        )
        for membership in memberships:
            addresses = selectors.contact_addresses(membership)
            if not addresses:
                continue
            # The company as this cluster records it (its membership), never another cluster's name.
            context = {"cluster": cluster, "measure": measure, "company": membership, "url": url}
            subject = render_subject("measures/email/subject.txt", context)
            body = render_to_string("measures/email/message.txt", context)
            EmailMessage(subject, body, None, addresses).send()
            sent += 1
    return sent
