"""Mapping rounds: create, open, close, invite, remind, purge (what the pages read is in selectors).

Privacy (PRODUCT.md, "Privacy: what may be shown"):
- A personal invitation link is a random token that exists only in the mail we send: we store its
  sha256, and the token is made in the task that sends the mail, so it never passes through the
  task queue or the database. The answering pages find the invitation by the hash.
- Because no one (not even the server) can rebuild a link, a reminder to someone who has not
  started gets a new link that replaces the old one; someone who has started keeps theirs (their
  saved answers are keyed by it) and is reminded to use the link in their invitation.
- Progress is counters per company; nothing here tells who answered. Email addresses are erased a
  set number of days after the round closes (``invitations_purge``).
- An invitation's completion is applied in shuffled batches after the answer is stored
  (surveys/rounds/completions.py); until then the reminders treat it as completed, and closing applies
  what is left.
- An address is invited at most once per round, whichever company invites it: each invitation is
  one more answer, and whoever invites decides who answers (docs/security.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.surveys.models import (
    RespondentInvitation,
    ResponseDraft,
    Round,
    RoundCompany,
    RoundRelease,
    RoundStatus,
    SurveyVersion,
)
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.audience import audience_is_fixed, fixed_audience_message
from klyngekart.surveys.rounds.completions import (
    completions_flush,
    completions_flush_due,
    completions_pending_ids,
)
from klyngekart.surveys.rounds.holds import held_uncount_at_close
from klyngekart.surveys.rounds.mailing import (
    INVITATION,
    REMINDER,
    RESEND,
    new_invitation_token,
    respond_url,
    schedule_mails,
)
from klyngekart.taxonomy.services import taxonomy_to_pin

NOT_COMPLETED = (InvitationStatus.INVITED, InvitationStatus.STARTED)
RATE_PLACES = Decimal("0.0001")


def open_link_url(round_company: RoundCompany, *, request: HttpRequest | None = None) -> str:
    return respond_url(round_company.link_token, request=request)


# --- access -------------------------------------------------------------------------------------


def access_round(access: ClusterAccess, pk: int, permission: str) -> Round:
    """The round ``pk`` in the access's cluster. A company role reaches only rounds its own company
    takes part in; any other round is the same 404 as a missing one."""
    round_ = (
        Round.objects.filter(cluster=access.cluster, pk=pk)
        .select_related("survey_version__survey", "taxonomy_version")
        .first()
    )
    if round_ is None:
        raise Http404("No such round")
    if access.is_company_role and not round_.companies.filter(company_id__in=access.company_ids).exists():
        raise Http404("No such round")
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return round_


def access_round_company(
    access: ClusterAccess, round_: Round, pk: int | None, permission: str, *, org_number: str | None = None
) -> RoundCompany:
    """A company's part in ``round_``, by its id (or by the company's org number, for the API); a
    company role reaches only its own company's part."""
    parts = round_.companies.select_related("company", "membership", "round", "cluster")
    if org_number is None:
        part = parts.filter(pk=pk).first() if pk is not None else None
    else:
        part = parts.filter(company__org_number=org_number).first() if org_number else None
    if part is None or (access.is_company_role and part.company_id not in access.company_ids):
        raise Http404("No such company in this round")
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    return part


# --- rounds ---------------------------------------------------------------------------------------


def _clean_reminder_days(days: list[int], *, opens_on: Any, closes_on: Any) -> list[int]:
    clean = sorted({int(day) for day in days})
    span = (closes_on - opens_on).days
    if any(day < 1 or day > span for day in clean):
        raise ValidationError(
            {
                "reminder_days": _(
                    "Reminder days count from the opening date and must lie between 1 and %(span)s "
                    "(the close date)."
                )
                % {"span": span}
                if span >= 1
                else _("A round that opens and closes on the same day has no days for reminders.")
            },
            code="reminder_days",
        )
    return clean


def _memberships_for(cluster: Cluster, companies: list[Membership] | str) -> list[Membership]:
    active = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE)
    if companies == "all":
        chosen = list(active.select_related("company"))
    else:
        wanted = {membership.pk for membership in companies}  # type: ignore[union-attr]
        chosen = list(active.filter(pk__in=wanted).select_related("company"))
        if len(chosen) != len(wanted):
            raise ValidationError(
                {"companies": _("Only active members of this cluster can take part in a round.")},
                code="not_member",
            )
    if not chosen:
        raise ValidationError({"companies": _("Choose at least one member company.")}, code="no_companies")
    return chosen


def _add_parts(round_: Round, memberships: list[Membership]) -> int:
    present = set(round_.companies.values_list("company_id", flat=True))
    parts = [
        RoundCompany(cluster=round_.cluster, round=round_, membership=membership, company=membership.company)
        for membership in memberships
        if membership.company_id not in present
    ]
    RoundCompany.objects.bulk_create(parts)
    return len(parts)


def round_create(
    *,
    cluster: Cluster,
    actor: Any,
    survey_version: SurveyVersion,
    title: str,
    opens_on: Any,
    closes_on: Any,
    audience: str,
    companies: list[Membership] | str,
    reminder_days: list[int],
) -> Round:
    """A draft round of a published survey version for ``companies`` (or "all" active members).

    The round pins the cluster's current taxonomy version, so its results stay comparable."""
    errors: dict[str, list[str]] = {}
    if survey_version.cluster_id != cluster.pk:
        raise ValidationError({"survey_version": _("Unknown survey version.")}, code="unknown")
    if not survey_version.is_published:
        errors.setdefault("survey_version", []).append(_("Publish the survey version before using it."))
    if closes_on < opens_on:
        errors.setdefault("closes_on", []).append(_("The round must close on or after the day it opens."))
    elif closes_on < timezone.localdate():
        errors.setdefault("closes_on", []).append(_("The close date has already passed."))
    if errors:
        raise ValidationError(errors)
    days = _clean_reminder_days(reminder_days, opens_on=opens_on, closes_on=closes_on)
    with scope(cluster), transaction.atomic():
        memberships = _memberships_for(cluster, companies)
        round_ = Round(
            cluster=cluster,
            survey_version=survey_version,
            taxonomy_version=taxonomy_to_pin(cluster=cluster),
            title=title.strip(),
            audience=audience,
            opens_on=opens_on,
            closes_on=closes_on,
            reminder_days=days,
            status=RoundStatus.DRAFT,
        )
        round_.full_clean()
        round_.save()
        added = _add_parts(round_, memberships)
        audit_log(
            cluster=cluster,
            actor=actor,
            action="surveys.round.created",
            target=round_,
            data={"survey_version_id": survey_version.pk, "companies": added, "audience": audience},
        )
    return round_


def round_add_companies(*, round_: Round, actor: Any, companies: list[Membership] | str) -> int:
    """Add member companies to a draft or open round; those already in it are left as they are."""
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed."), code="closed")
    with scope(round_.cluster), transaction.atomic():
        added = _add_parts(round_, _memberships_for(round_.cluster, companies))
        if added:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.round.companies_added",
                target=round_,
                data={"companies": added},
            )
    return added


def round_open(*, round_: Round, actor: Any) -> Round:
    """draft -> open. Invitations added while the round was a draft are mailed now.
    Opening an open round again changes nothing, so a retried request is harmless."""
    if round_.status == RoundStatus.OPEN:
        return round_
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("A closed round cannot be opened again."), code="closed")
    if round_.closes_on < timezone.localdate():
        raise ValidationError(_("The close date has passed. Change it before opening."), code="past")
    with scope(round_.cluster), transaction.atomic():
        # Conditional, so two managers pressing "open" at once mail the invitations once.
        now = timezone.now()
        changed = Round.objects.filter(pk=round_.pk, status=RoundStatus.DRAFT).update(
            status=RoundStatus.OPEN, opened_at=now
        )
        round_.refresh_from_db()
        if not changed:
            return round_
        pending = list(
            RespondentInvitation.objects.filter(
                round_company__round=round_, sent_on__isnull=True, withdrawn=False
            )
            .exclude(email="")
            .values_list("pk", flat=True)
        )
        audit_log(
            cluster=round_.cluster,
            actor=actor,
            action="surveys.round.opened",
            target=round_,
            data={"invitations": len(pending)},
        )
        schedule_mails(round_.cluster, pending, INVITATION)
    return round_


def round_close(*, round_: Round, actor: Any, automatic: bool = False) -> Round:
    """open -> closed, for good: answers are no longer taken and the results are released (a task
    builds them). A closed round never reopens, since its release must never change. Closing a
    closed round changes nothing."""
    if round_.status == RoundStatus.CLOSED:
        return round_
    if round_.status == RoundStatus.DRAFT:
        raise ValidationError(_("A round that was never opened cannot be closed."), code="draft")
    with scope(round_.cluster), transaction.atomic():
        changed = Round.objects.filter(pk=round_.pk, status=RoundStatus.OPEN).update(
            status=RoundStatus.CLOSED, closed_at=timezone.now()
        )
        round_.refresh_from_db()
        if changed:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.round.closed",
                target=round_,
                data={"automatic": automatic},
            )
            # Unfinished drafts can no longer be submitted: they go with the round's closing.
            drafts_purge(round=round_)
            # Completions still waiting for a batch are applied now (whatever their number);
            # the periodic task applies any that arrive while the round is closing.
            completions_flush(round_=round_, force=True)
            # Answers still held never counted, and the release drops them: the progress
            # counters let go of them now.
            held = held_uncount_at_close(round_=round_)
            if held:
                audit_log(
                    cluster=round_.cluster,
                    actor=actor,
                    action="surveys.held.dropped",
                    target=round_,
                    data={"responses": held},
                )
            # The results are released now, once: built by a task after commit.
            release_start(round_=round_)
    return round_


def round_extend(*, round_: Round, actor: Any, closes_on: datetime.date) -> Round:
    """Move an open round's closing date later. Only later, and only while it is open: a closed
    round's results are released and it never reopens; to end a round early, close it."""
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(
            {"closes_on": _("Only an open round's closing date can be moved. A closed round never reopens.")},
            code="not_open",
        )
    if closes_on < max(round_.closes_on, timezone.localdate()):
        raise ValidationError(
            {
                "closes_on": _(
                    "Choose a date on or after the current closing date. To end the round now, close it."
                )
            },
            code="earlier",
        )
    with scope(round_.cluster), transaction.atomic():
        before = round_.closes_on
        Round.objects.filter(pk=round_.pk, status=RoundStatus.OPEN).update(closes_on=closes_on)
        round_.refresh_from_db()
        if before != round_.closes_on:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.round.extended",
                target=round_,
                data={"from": before.isoformat(), "to": round_.closes_on.isoformat()},
            )
    return round_


def drafts_purge(*, round: Round) -> int:  # noqa: A002  (the services' keyword is the model's name)
    """Delete every unfinished draft of a round: called when it closes, as nobody can submit them."""
    deleted, _by_model = ResponseDraft.objects.filter(round_company__round=round).delete()
    return deleted


def release_start(*, round_: Round) -> RoundRelease:
    """Record the release of a round that has just closed and build it after commit. Call inside
    the closing transaction; a round has one release, so a second call returns the first."""
    release, created = RoundRelease.objects.get_or_create(cluster_id=round_.cluster_id, round=round_)
    if created:
        from klyngekart.surveys.tasks import build_release

        transaction.on_commit(lambda: build_release(round_.pk))
    return release


# --- invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadLine:
    line: int
    text: str
    message: str


@dataclass
class InvitationReport:
    added: int = 0
    duplicates: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)
    # Which addresses were invited now, and which the company had invited already (skipped), in
    # the order of the list: what the API answers with.
    invited: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def refuse(self, lines: dict[str, tuple[int, str]], addresses: set[str], message: str) -> None:
        for address in sorted(addresses, key=lambda a: lines[a][0]):
            number, raw = lines[address]
            self.bad_lines.append(BadLine(number, raw, message))

    @property
    def ok(self) -> bool:
        return not self.bad_lines


def invitations_add(
    *,
    round_company: RoundCompany,
    actor: Any,
    emails: list[str],
    language: str,
    sources: list[tuple[int, str]] | None = None,
    fixed_audience: bool = False,
) -> InvitationReport:
    """Personal invitations for a list of addresses, one per entry (``line`` numbers count from 1,
    or come from ``sources``: each entry's line and text in what the user pasted or uploaded, as
    klyngekart/surveys/rounds/addresses.py read it).

    Every address is checked first and the list is saved whole or not at all; repeats, within the
    list or of the company's earlier invitations, are skipped. An address that another company has
    invited to the round is an error on its line: an address is invited at most once per round, as
    each invitation is one more answer (the database refuses it too). The error does not say which
    company. In an open round the mails go out at once, in a draft when it opens.

    A round whose audience is fixed (an activity's feedback: surveys/rounds/audience.py) takes
    invitations only from the service that fixes it, which says so with ``fixed_audience``."""
    round_ = round_company.round
    if round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed; no more invitations can be sent."), code="closed")
    if not fixed_audience and audience_is_fixed(round_):
        raise ValidationError(fixed_audience_message(), code="fixed_audience")
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")}, code="language")
    report = InvitationReport()
    seen: set[str] = set()
    fresh: list[str] = []
    lines: dict[str, tuple[int, str]] = {}
    where = sources if sources is not None else [(number, raw or "") for number, raw in enumerate(emails, 1)]
    if len(where) != len(emails):
        raise ValueError("sources must name one line and text per address")
    for (number, text), raw in zip(where, emails, strict=True):
        address = (raw or "").strip().strip("<>;,").strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            report.bad_lines.append(BadLine(number, text.strip()[:200], _("This is not an email address.")))
            continue
        if address in seen:
            report.duplicates += 1
            continue
        seen.add(address)
        fresh.append(address)
        lines[address] = (number, text.strip()[:200])
    if not report.ok:
        return report
    elsewhere = _("This address is already invited to this round through another company.")
    # Two tries: the same list sent twice at once (a double click, a retried API call) collides in
    # the constraint for the company's own invitations; the second try sees the first's as repeats.
    within_list = report.duplicates
    for attempt in (1, 2):
        try:
            with scope(round_company.cluster), transaction.atomic():
                _insert_invitations(
                    round_company,
                    actor=actor,
                    fresh=fresh,
                    language=language,
                    report=report,
                    lines=lines,
                    elsewhere=elsewhere,
                )
            return report
        except IntegrityError:
            # Another company invited one of these addresses while this list was being saved: the
            # constraint refused it and nothing of this list was saved. Say which, as above.
            with scope(round_company.cluster):
                taken = _invited_elsewhere(round_company, fresh)
            report = InvitationReport(duplicates=within_list)
            if taken:
                report.refuse(lines, taken, elsewhere)
                return report
            if attempt == 2:
                raise
    return report


def _invited_elsewhere(round_company: RoundCompany, addresses: list[str]) -> set[str]:
    return set(
        RespondentInvitation.objects.filter(round=round_company.round, email__in=addresses)
        .exclude(round_company=round_company)
        .values_list("email", flat=True)
    )


def _insert_invitations(
    round_company: RoundCompany,
    *,
    actor: Any,
    fresh: list[str],
    language: str,
    report: InvitationReport,
    lines: dict[str, tuple[int, str]],
    elsewhere: str,
) -> None:
    round_ = round_company.round
    taken = _invited_elsewhere(round_company, fresh)
    if taken:
        report.refuse(lines, taken, elsewhere)
        return
    existing = set(round_company.invitations.filter(email__in=fresh).values_list("email", flat=True))
    new = [address for address in fresh if address not in existing]
    report.duplicates += len(fresh) - len(new)
    report.existing = [address for address in fresh if address in existing]
    # Until its mail is sent an invitation holds the hash of a token no one has, so it opens nothing.
    RespondentInvitation.objects.bulk_create(
        RespondentInvitation(
            cluster=round_company.cluster,
            round_company=round_company,
            round=round_,
            email=address,
            token_hash=new_invitation_token()[1],
            language=language,
        )
        for address in new
    )
    report.added = len(new)
    report.invited = new
    if not new:
        return
    RoundCompany.objects.filter(pk=round_company.pk).update(invited_count=F("invited_count") + len(new))
    round_company.refresh_from_db(fields=["invited_count"])
    # The audit log is read by the cluster team, who see counts only: no addresses here.
    audit_log(
        cluster=round_company.cluster,
        actor=actor,
        action="surveys.invitations.added",
        target=round_company,
        data={"count": len(new), "company_id": round_company.company_id},
    )
    if round_.status == RoundStatus.OPEN:
        ids = list(
            round_company.invitations.filter(email__in=new, sent_on__isnull=True).values_list("pk", flat=True)
        )
        schedule_mails(round_company.cluster, ids, INVITATION)


def invitation_withdraw(*, invitation: RespondentInvitation, actor: Any) -> RespondentInvitation:
    """Withdraw a personal invitation: its link stops working (the answering pages say it was
    withdrawn) and no invitation or reminder goes to it again. Answers already given stay, and
    nothing else changes: no counter and no date, so withdrawing after someone answered looks
    exactly like withdrawing before (docs/security.md). Withdrawing it again changes nothing."""
    part = invitation.round_company
    if part.round.status == RoundStatus.CLOSED:
        raise ValidationError(
            _("The round is closed; its invitations no longer open anything."), code="closed"
        )
    with scope(part.cluster), transaction.atomic():
        changed = RespondentInvitation.objects.filter(pk=invitation.pk, withdrawn=False).update(
            withdrawn=True
        )
        invitation.withdrawn = True
        if changed:
            # Counts only, as for adding: the audit log names no address.
            audit_log(
                cluster=part.cluster,
                actor=actor,
                action="surveys.invitation.withdrawn",
                target=part,
                data={"round_id": part.round_id, "company_id": part.company_id},
            )
    return invitation


def invitation_resend(
    *, invitation: RespondentInvitation, actor: Any, today: Any = None
) -> RespondentInvitation:
    """Mail a personal invitation again, recorded as a reminder (its count and day). Whether or not
    its person has answered, a mail goes out and the reply is the same, so the contact learns
    nothing of an answer; only someone who has not started gets a new link (the old one stops
    working), as with reminders. Refused for a withdrawn invitation and outside an open round."""
    part = invitation.round_company
    if part.round.status != RoundStatus.OPEN:
        raise ValidationError(
            _("Invitations can be sent again only while the round is open."), code="not_open"
        )
    if invitation.withdrawn:
        raise ValidationError(
            _("This invitation is withdrawn, so it cannot be sent again."), code="withdrawn"
        )
    today = today or timezone.localdate()
    with scope(part.cluster), transaction.atomic():
        RespondentInvitation.objects.filter(pk=invitation.pk).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_on=today
        )
        audit_log(
            cluster=part.cluster,
            actor=actor,
            action="surveys.invitation.resent",
            target=part,
            data={"round_id": part.round_id, "company_id": part.company_id},
        )
        schedule_mails(part.cluster, [invitation.pk], RESEND)
    return invitation


# --- reminders, closing and purging: the daily duties --------------------------------------------


def reminders_due(*, today: Any) -> list[Round]:
    """Open rounds, in every cluster, with a reminder day today."""
    with scopes_disabled():
        rounds = Round.objects.filter(status=RoundStatus.OPEN, opens_on__lt=today, closes_on__gte=today)
        return [
            round_
            for round_ in rounds.select_related("cluster")
            if (today - round_.opens_on).days in round_.reminder_days
        ]


def _reminders_due_for(round_: Round, today: Any) -> QuerySet[RespondentInvitation]:
    return (
        RespondentInvitation.objects.filter(
            round_company__round=round_, status__in=NOT_COMPLETED, sent_on__lt=today, withdrawn=False
        )
        .exclude(email="")
        .exclude(last_reminded_on=today)
        .exclude(pk__in=completions_pending_ids(round_))
    )


def reminders_send(*, round_: Round, today: Any, actor: Any = None) -> int:
    """Remind everyone invited to ``round_`` who has not completed, once a day at most: on the
    round's reminder days (``actor`` None) or when the cluster team asks from the round page.

    Someone whose answer is stored while its completion waits for a batch (surveys/rounds/completions.py)
    has completed: a reminder would give them a fresh link, through which they could answer again.
    Marked here, in the transaction, so that a second run on the same day reminds no one twice."""
    with scope(round_.cluster), transaction.atomic():
        ids = list(_reminders_due_for(round_, today).values_list("pk", flat=True))
        RespondentInvitation.objects.filter(pk__in=ids).update(
            reminders_sent=F("reminders_sent") + 1, last_reminded_on=today
        )
        if ids:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.round.reminded",
                target=round_,
                data={"reminders": len(ids)},
            )
        schedule_mails(round_.cluster, ids, REMINDER)
    return len(ids)


def round_remind(*, round_: Round, actor: Any, today: Any = None) -> int:
    """Remind now, at the cluster team's request (the round page's button, the API), everyone
    ``reminders_send`` would: invited, not completed, not reminded today. Only an open round;
    returns how many were reminded (0 when everyone has answered or was reminded today)."""
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("Reminders can only be sent while the round is open."), code="not_open")
    return reminders_send(round_=round_, today=today or timezone.localdate(), actor=actor)


def invitations_purge(*, today: Any) -> int:
    """Erase the addresses of rounds closed at least KLYNGEKART_INVITATION_RETENTION_DAYS ago.

    The rows stay (their statuses feed the counters), but nothing in them names a person."""
    keep = settings.KLYNGEKART_INVITATION_RETENTION_DAYS
    erased = 0
    with scopes_disabled():
        closed = list(
            Round.objects.filter(
                status=RoundStatus.CLOSED, invitations_purged_on__isnull=True
            ).select_related("cluster")
        )
    for round_ in closed:
        closed_on = timezone.localdate(round_.closed_at) if round_.closed_at else round_.closes_on
        if (today - closed_on).days < keep:
            continue
        with scope(round_.cluster), transaction.atomic():
            count = (
                RespondentInvitation.objects.filter(round_company__round=round_)
                .exclude(email="")
                .update(email="")
            )
            Round.objects.filter(pk=round_.pk).update(invitations_purged_on=today)
            audit_log(
                cluster=round_.cluster,
                actor=None,
                action="surveys.round.invitations_purged",
                target=round_,
                data={"erased": count},
            )
        erased += count
    return erased


@dataclass(frozen=True)
class DailyReport:
    closed: int
    reminded: int
    erased: int


def round_duties_daily(*, today: Any) -> DailyReport:
    """What the daily task and ``manage.py send_reminders`` do: close rounds past their close
    date, send the day's reminders, and erase expired invitation lists. Completions waiting for
    their batch are applied too, so that an installation without a task consumer (which runs
    the ten-minute task) applies them at least daily."""
    with scopes_disabled():
        overdue = list(
            Round.objects.filter(status=RoundStatus.OPEN, closes_on__lt=today).select_related("cluster")
        )
    for round_ in overdue:
        round_close(round_=round_, actor=None, automatic=True)
    completions_flush_due()
    reminded = sum(reminders_send(round_=round_, today=today) for round_ in reminders_due(today=today))
    return DailyReport(closed=len(overdue), reminded=reminded, erased=invitations_purge(today=today))


def reminders_possible(round_: Round, *, today: Any) -> int:
    """How many a reminder sent now would reach: invited, mailed before today, not completed, not
    reminded today. The same conditions as ``reminders_send``."""
    if round_.status != RoundStatus.OPEN:
        return 0
    return _reminders_due_for(round_, today).count()
