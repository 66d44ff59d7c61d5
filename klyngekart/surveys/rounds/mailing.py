"""The mails of a round: asking for them, sending each once, and finding the lost ones.

Every invitation, reminder and resend is asked for through ``schedule_mails``, in the caller's
transaction: it marks the invitation as waiting (``mail_pending``, ``mail_requested_at``) and queues
the task once the transaction commits. The task (``invitation_mails_send``) claims each row with the
statement that clears the mark, so a mail queued twice goes out once; ``lost_mails_requeue``
(every minute) queues again what waited too long, for a consumer killed after taking its task.

A personal link's token is made here, in the task that sends the mail, and only its hash is stored
(see the privacy notes of klyngekart/surveys/rounds/services.py)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any, Final, Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.links import absolute_url
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import RespondentInvitation, Round, RoundStatus
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.completions import completions_pending_ids

INVITATION: Final = "invitation"
REMINDER: Final = "reminder"
RESEND: Final = "resend"
MailKind = Literal["invitation", "reminder", "resend"]


def token_hash(token: str) -> str:
    """As the answering pages look invitations up (surveys.drafts.invitation_token_hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token() -> tuple[str, str]:
    """A fresh personal link token and the hash we keep of it."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def respond_url(token: str, *, request: HttpRequest | None = None) -> str:
    """The absolute answering address for a link token (a company's open link or a personal one):
    on the request's host for a page, on SITE_URL for a mail (klyngekart/core/links.py)."""
    return absolute_url(reverse("respond:start", kwargs={"token": token}), request=request)


def schedule_mails(cluster: Cluster, invitation_ids: list[int], kind: MailKind) -> None:
    """Mark the mails as asked for, in the caller's transaction, and queue their task once it
    commits. An invitation with a mail still waiting keeps that one: it goes out, and this one
    would only repeat it (a reminder before the first invitation has gone, say)."""
    if not invitation_ids:
        return
    RespondentInvitation.objects.filter(pk__in=invitation_ids, mail_pending="").update(
        mail_pending=kind, mail_requested_at=timezone.now()
    )
    _queue_mails(cluster.pk, invitation_ids, kind)


def _queue_mails(cluster_id: int, invitation_ids: list[int], kind: str) -> None:
    from klyngekart.surveys.tasks import send_round_mails

    transaction.on_commit(lambda: send_round_mails(cluster_id, invitation_ids, kind))


def lost_mails_requeue(*, older_than: datetime.timedelta) -> int:
    """Queue again the mails asked for more than ``older_than`` ago and still not sent: their task
    was lost (a consumer killed after taking it from the queue) or is still waiting behind a long
    queue, in which case the second task finds them sent and sends nothing. Returns how many."""
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        waiting = list(
            RespondentInvitation.objects.filter(mail_requested_at__lt=now - older_than)
            .exclude(mail_pending="")
            .values_list("pk", "cluster_id", "mail_pending")
        )
        batches: dict[tuple[int, str], list[int]] = {}
        for pk, cluster_id, kind in waiting:
            batches.setdefault((cluster_id, kind), []).append(pk)
        RespondentInvitation.objects.filter(pk__in=[pk for pk, _c, _k in waiting]).update(
            mail_requested_at=now
        )
        for (cluster_id, kind), ids in batches.items():
            _queue_mails(cluster_id, ids, kind)
    return len(waiting)


def invitation_mails_send(*, cluster_id: int, invitation_ids: list[int], kind: MailKind) -> int:
    """Mail invitations or reminders (the task's body). Returns how many mails went out.

    Checks again at send time, as the queue may run later: the round must be open, the address
    not erased and the invitation not withdrawn, an invitation not already sent, a reminder only
    for those not completed. A resend (``invitation_resend``) goes to everyone it was asked for,
    completed or not, so that no one learns from a missing mail that someone answered; only those
    who have not started get a new link in it."""
    from klyngekart.surveys.rounds.mail import send_round_mail

    sent = 0
    cluster = Cluster.objects.get(pk=cluster_id)
    with scope(cluster):
        invitations = (
            RespondentInvitation.objects.filter(
                pk__in=invitation_ids, round_company__round__status=RoundStatus.OPEN, withdrawn=False
            )
            .exclude(email="")
            .select_related("round_company__round__survey_version__survey", "round_company__membership")
        )
        # Answered, with the completion still waiting for its batch: treated as completed (read
        # only; applying the batch now would date it to this mail).
        answered = (
            set().union(*(completions_pending_ids(round_) for round_ in _rounds_of(invitations)))
            if kind in (REMINDER, RESEND)
            else set()
        )
        for invitation in invitations:
            if kind == INVITATION and invitation.sent_on is not None:
                _mail_settle(invitation.pk, kind)
                continue
            done = invitation.status == InvitationStatus.COMPLETED or invitation.pk in answered
            if kind == REMINDER and done:
                _mail_settle(invitation.pk, kind)
                continue
            # A resend of an invitation that was never mailed is its first invitation.
            first = kind == INVITATION or (kind == RESEND and invitation.sent_on is None)
            token: str | None = None
            changes: dict[str, Any] = {}
            # A new link for anyone who has not started; a started respondent's saved answers
            # belong to their link, so they keep it (see the module docstring). Someone who has
            # answered gets none, or they could answer again.
            if first or (invitation.status == InvitationStatus.INVITED and not done):
                token, changes["token_hash"] = new_invitation_token()
            if first:
                changes["sent_on"] = invitation.sent_on = timezone.localdate()
            with transaction.atomic():
                # update(), not save(): an invitation's updated_at must not tell when anything happened.
                # The row is claimed with the same statement: a second task for this mail (queued
                # again while the first was slow) waits for this transaction, then finds nothing.
                # Every mail is asked for through _schedule_mails, which marks it as waiting.
                claimed = RespondentInvitation.objects.filter(pk=invitation.pk, mail_pending=kind).update(
                    mail_pending="", mail_requested_at=None, **changes
                )
                if not claimed:
                    continue
                send_round_mail(
                    invitation=invitation,
                    url=respond_url(token) if token else None,
                    kind=INVITATION if first else kind,
                )
            sent += 1
        # Those the checks above left out (withdrawn, erased, the round closed) have nothing waiting.
        RespondentInvitation.objects.filter(pk__in=invitation_ids, mail_pending=kind).exclude(
            pk__in=[invitation.pk for invitation in invitations]
        ).update(mail_pending="", mail_requested_at=None)
    return sent


def _mail_settle(invitation_id: int, kind: str) -> None:
    """Nothing to send after all (already invited, already answered): nothing waits any more."""
    RespondentInvitation.objects.filter(pk=invitation_id, mail_pending=kind).update(
        mail_pending="", mail_requested_at=None
    )


def _rounds_of(invitations: QuerySet[RespondentInvitation]) -> list[Round]:
    return list(
        {
            invitation.round_company.round.pk: invitation.round_company.round for invitation in invitations
        }.values()
    )
