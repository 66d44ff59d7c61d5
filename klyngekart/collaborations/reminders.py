"""Reminders of next steps by mail. Each morning every open opportunity whose next step is due
today or overdue gets one mail: to its responsible person, or to the cluster's managers when it
has none (or that person's account is closed), in each recipient's own language, with a link built
on SITE_URL (the task has no request).

Never twice for the same date: ``OpportunityReminder`` is unique per opportunity and due date and
is written in the same transaction as the mails are sent. If the mail server refuses, the
transaction rolls back and tomorrow's run tries again; if two consumers race, the second one's
insert fails and it sends nothing. A new date for the next step is a new reminder."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from klyngekart.accounts.access import MANAGER
from klyngekart.accounts.models import ClusterRole, User
from klyngekart.collaborations.models import (
    CLOSED_STAGES,
    EventKind,
    Opportunity,
    OpportunityEvent,
    OpportunityReminder,
)
from klyngekart.core.links import absolute_url
from klyngekart.core.mail import render_subject
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope

log = logging.getLogger(__name__)


def due_opportunities(cluster: Cluster, today: dt.date) -> list[Opportunity]:
    """The cluster's open opportunities with a next step due by ``today`` and not yet reminded
    for that date. Inside the cluster's scope."""
    reminded = OpportunityReminder.objects.filter(opportunity=OuterRef("pk"), due_on=OuterRef("next_step_on"))
    return list(
        Opportunity.objects.filter(cluster=cluster, next_step_on__lte=today)
        .exclude(stage__in=CLOSED_STAGES)
        .exclude(Exists(reminded))
        .select_related("responsible")
        .prefetch_related("partners")
        .order_by("next_step_on", "pk")
    )


def recipients(opportunity: Opportunity) -> list[User]:
    responsible = opportunity.responsible
    if responsible is not None and responsible.is_active:
        return [responsible]
    managers = ClusterRole.objects.filter(cluster=opportunity.cluster, role=MANAGER).values("user_id")
    return list(User.objects.filter(pk__in=managers, is_active=True).order_by("pk"))


def _message(opportunity: Opportunity, user: User, today: dt.date, url: str) -> EmailMessage:
    with translation.override(user.language or "nb"):
        context: dict[str, Any] = {
            "cluster": opportunity.cluster,
            "opportunity": opportunity,
            "stage": opportunity.get_stage_display(),
            "partners": ", ".join(p.name for p in opportunity.partners.all()),
            "overdue": opportunity.next_step_on is not None and opportunity.next_step_on < today,
            "responsible": opportunity.responsible_id == user.pk,
            "url": url,
        }
        subject = render_subject("collaborations/email/reminder_subject.txt", context)
        body = render_to_string("collaborations/email/reminder.txt", context)
    return EmailMessage(subject, body, None, [user.email])


def reminder_send(opportunity: Opportunity, today: dt.date) -> bool:
    """Mail the reminder of ``opportunity``'s next step unless it was sent for this date."""
    people = recipients(opportunity)
    if not people or opportunity.next_step_on is None:
        return False
    url = absolute_url(reverse("collaborations:detail", args=[opportunity.cluster.slug, opportunity.pk]))
    try:
        with transaction.atomic():
            OpportunityReminder.objects.create(
                cluster=opportunity.cluster,
                opportunity=opportunity,
                due_on=opportunity.next_step_on,
                recipients=[person.email for person in people],
            )
            OpportunityEvent.objects.create(
                cluster=opportunity.cluster,
                opportunity=opportunity,
                kind=EventKind.REMINDED,
                on=opportunity.next_step_on,
                text=", ".join(person.full_name or person.email for person in people),
            )
            for person in people:
                _message(opportunity, person, today, url).send()
    except IntegrityError:
        # Another consumer reminded it for this date a moment ago.
        return False
    return True


def reminders_send(*, today: dt.date) -> int:
    """Every active cluster's due reminders; the number of opportunities reminded."""
    sent = 0
    for cluster in Cluster.objects.filter(is_active=True).order_by("pk"):
        with scope(cluster):
            for opportunity in due_opportunities(cluster, today):
                try:
                    sent += reminder_send(opportunity, today)
                except Exception:
                    # One refused mail must not stop the others; its reminder was rolled back, so
                    # the next run tries again.
                    log.exception(
                        "Reminder of opportunity %s in cluster %s failed", opportunity.pk, cluster.pk
                    )
    return sent
