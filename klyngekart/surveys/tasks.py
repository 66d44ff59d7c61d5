"""Tasks of the surveys app (huey). Mails go through a task so a request never waits for the
mail server; the daily task closes, reminds and purges. In tests huey runs tasks at once.

Task arguments are ids only: a personal link's token is made inside the task that mails it and
never enters the queue (see klyngekart/surveys/rounds/mailing.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from klyngekart.surveys.results import release
from klyngekart.surveys.rounds import completions, mailing
from klyngekart.surveys.rounds import services as rounds


@db_task()
def send_round_mails(cluster_id: int, invitation_ids: list[int], kind: str) -> int:
    kinds: dict[str, mailing.MailKind] = {mailing.REMINDER: mailing.REMINDER, mailing.RESEND: mailing.RESEND}
    mail_kind = kinds.get(kind, mailing.INVITATION)
    return mailing.invitation_mails_send(cluster_id=cluster_id, invitation_ids=invitation_ids, kind=mail_kind)


@db_periodic_task(crontab(hour=8, minute=0))
def round_duties() -> None:
    rounds.round_duties_daily(today=timezone.localdate())
    # A release whose build failed (or a round closed before releases existed) is built again.
    for round_id in release.releases_pending():
        release.release_build(round_id=round_id)


@db_periodic_task(crontab(minute="*/10"))
def flush_completions() -> int:
    """Apply personal invitations' completions in shuffled batches (surveys/rounds/completions.py): every
    round with at least KLYNGEKART_COMPLETION_BATCH waiting, and what is left of closed rounds."""
    return completions.completions_flush_due()


@db_task()
def build_release(round_id: int) -> int:
    """Build a closed round's release (surveys/results/release.py); returns its respondents."""
    built = release.release_build(round_id=round_id)
    return built.respondents if built is not None else 0


@db_periodic_task(crontab(minute="*"))
def requeue_lost_mails() -> int:
    """Invitation and reminder mails asked for and not sent within KLYNGEKART_MAIL_REQUEUE_AFTER
    seconds are queued again: a consumer killed after taking a task loses it (the mails stay marked
    as waiting), and a task that runs late or twice sends each mail once."""
    return mailing.lost_mails_requeue(older_than=timedelta(seconds=settings.KLYNGEKART_MAIL_REQUEUE_AFTER))
