"""Mapping rounds: a survey version sent to an audience in chosen member companies.

Who was invited and who completed lives here (``RespondentInvitation``), apart from the answers
(``responses.py``), with no key between them: nothing links a response to an invitation, a
person, an IP or a time finer than the day.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import ClusterOwnedModel, TenantModel


class Audience(models.TextChoices):
    EMPLOYEES = "employees", _("Employees of member companies")
    CONTACTS = "contacts", _("Company contacts")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def new_link_token() -> str:
    return secrets.token_urlsafe(16)


class Round(TenantModel):
    survey_version = models.ForeignKey(
        "surveys.SurveyVersion", on_delete=models.PROTECT, related_name="rounds"
    )
    taxonomy_version = models.ForeignKey(
        "taxonomy.TaxonomyVersion", on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EMPLOYEES
    )
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    reminder_days = models.JSONField(
        _("reminder days"), default=list, blank=True, help_text=_("Days after opening to remind.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    invitations_purged_on = models.DateField(null=True, blank=True)
    # Bumped if a rebuild ever has to repair the released aggregates: part of the release's name
    # in the cache (surveys.release.release_version), so nothing computed before is served.
    aggregates_revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("mapping round")
        verbose_name_plural = _("mapping rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundCompany(TenantModel):
    """A member company's part in a round: its open link and its progress counters.

    The counters are kept by the services that invite, start and complete; they never say who."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="companies")
    membership = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("members.Company", on_delete=models.PROTECT, related_name="+")
    link_token = models.CharField(max_length=40, unique=True, default=new_link_token)
    # Off until the cluster team or the company's contact turns it on (surveys/rounds/open_links.py):
    # whoever holds an open link can post answers, and so pad a small company up to k.
    open_link_enabled = models.BooleanField(_("open link"), default=False)
    invited_count = models.PositiveIntegerField(default=0)
    started_count = models.PositiveIntegerField(default=0)
    completed_count = models.PositiveIntegerField(default=0)
    aggregates_ready = models.BooleanField(default=False)

    class Meta:
        ordering = ["membership__name"]
        constraints = [models.UniqueConstraint(fields=["round", "company"], name="one_round_company")]
        verbose_name = _("company in a round")
        verbose_name_plural = _("companies in a round")

    def __str__(self) -> str:
        return f"{self.round} · {self.company}"

    @property
    def audience_size(self) -> int | None:
        """Who could have answered: surveys/rounds/rates.py defines it."""
        from klyngekart.surveys.rounds.rates import audience_size

        return audience_size(
            invited=self.invited_count, employees=self.membership.employees, open_link=self.open_link_enabled
        )

    @property
    def response_rate(self) -> float | None:
        from klyngekart.surveys.rounds.rates import response_rate

        rate = response_rate([self])
        return None if rate is None else float(rate)


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")


class RespondentInvitation(TenantModel):
    """A one-time personal link. Only the hash of its token is kept; the email is erased a set
    number of days after the round closes. It never points to a response."""

    round_company = models.ForeignKey(RoundCompany, on_delete=models.CASCADE, related_name="invitations")
    # The company part's round, kept here so that the database itself refuses a second invitation
    # of one address in a round (through another company): each invitation is one more answer.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email address"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    sent_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, default="nb")
    # Withdrawn by whoever invited: its link opens a page that says so, and nothing is mailed to
    # it again. No date and no counter changes with it, so withdrawing tells nothing of an answer.
    withdrawn = models.BooleanField(default=False)
    # A mail asked for and not yet sent ("invitation", "reminder" or "resend"), and when it was asked
    # for. Set in the transaction that asks, cleared in the one that sends: a task lost with a
    # killed consumer is queued again (surveys/tasks.py, requeue_lost_mails), and a task that runs
    # twice finds nothing left to send. Both are empty between mails.
    mail_pending = models.CharField(max_length=10, blank=True, default="")
    mail_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("respondent invitation")
        verbose_name_plural = _("respondent invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email"],
                condition=~models.Q(email=""),
                name="one_invitation_per_round_email",
            )
        ]
        indexes = [
            models.Index(
                fields=["mail_requested_at"],
                condition=~models.Q(mail_pending=""),
                name="invitation_mail_pending",
            )
        ]

    def __str__(self) -> str:
        return self.email or "(erased)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.round_id is None and self.round_company_id is not None:
            self.round_id = self.round_company.round_id
        super().save(*args, **kwargs)


class PendingCompletion(ClusterOwnedModel):
    """A personal invitation whose response is stored but whose completion is not yet applied
    (surveys/rounds/completions.py). Written after the response's transaction commits, in one of its own,
    and applied in shuffled batches, so that no transaction, order or key ties an invitation to its
    response. Which invitation it is, is sealed with a key derived from SECRET_KEY: the database
    alone cannot tell whose completion is pending. No timestamps and a random key, like answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("pending completion")
        verbose_name_plural = _("pending completions")


class ReleaseStatus(models.TextChoices):
    BUILDING = "building", _("Being prepared")
    READY = "ready", _("Released")


class RoundRelease(TenantModel):
    """The results of a round, released once when it closes (PRODUCT.md, "Privacy").

    While a round is open nothing derived from its answers is shown: read before and after one
    answer, a live figure would give that answer away. Closing starts the release; a task builds
    the round's aggregates from the raw answers in one pass (surveys/results/release.py) and marks it
    ready. From then on the release never changes: the round cannot reopen and takes no answers,
    so whatever is computed from it may be cached by its id. Every figure, chart, export and API
    field of a round reads through a ready release."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="release")
    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.BUILDING
    )
    respondents = models.PositiveIntegerField(_("respondents"), default=0)
    # Answers held for review (surveys/rounds/holds.py) that nobody approved before the round closed:
    # they were never counted and are dropped by the release.
    held_dropped = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("release of results")
        verbose_name_plural = _("releases of results")

    def __str__(self) -> str:
        return f"{self.round} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ReleaseStatus.READY
