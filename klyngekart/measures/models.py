"""Joint competence measures ("felles kompetansetiltak") and the companies' interest in them.

Money is Decimal in kroner with øre precision; nothing is rounded until it is shown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel

# A measure costing more than a hundred million kroner is a typing error, not a course.
MAX_COST = Decimal("100000000")
MAX_CAPACITY = 10000


class MeasureFormat(models.TextChoices):
    COURSE = "course", _("Course")
    PROGRAMME = "programme", _("Programme")
    WORKSHOP = "workshop", _("Workshop")
    STUDY_TRIP = "study_trip", _("Study trip")
    E_LEARNING = "e_learning", _("E-learning")


class MeasureStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped")


# A company can no longer sign up once the measure is over or given up.
CLOSED_STATUSES = frozenset({MeasureStatus.COMPLETED, MeasureStatus.DROPPED})
# What member companies see and can sign up for.
OPEN_FOR_INTEREST = frozenset({MeasureStatus.PROPOSED, MeasureStatus.PLANNED})


def _money(verbose: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose,
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_COST)],
    )


class Measure(TenantModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    areas = models.JSONField(_("competence areas"), default=list, blank=True)
    format = models.CharField(
        _("format"), max_length=12, choices=MeasureFormat.choices, default=MeasureFormat.COURSE
    )
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (participants)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.IDEA
    )
    fixed_cost = _money(_("fixed cost (NOK)"))
    cost_per_participant = _money(_("cost per participant (NOK)"))
    funding_share = models.DecimalField(
        _("public funding share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("The share of the fixed cost paid by public funding, from 0 to 1 (0.4 is 40 %)."),
    )
    source_round = models.ForeignKey(
        "surveys.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("joint measure")
        verbose_name_plural = _("joint measures")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The measure cannot end before it starts.")})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class MeasureInterest(TenantModel):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="interests")
    membership = models.ForeignKey("members.Membership", on_delete=models.CASCADE, related_name="+")
    participants = models.PositiveIntegerField(
        _("participants"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["membership__name"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "membership"], name="one_interest_per_company")
        ]
        verbose_name = _("interest in a measure")
        verbose_name_plural = _("interests in measures")

    def __str__(self) -> str:
        return f"{self.measure} · {self.membership.company}"


class MeasureInvitation(TenantModel):
    """One invitation mail to one company about a measure: to whom it went and when. The record
    keeps a second click from mailing the company again; sending again is a choice of its own."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey("members.Membership", on_delete=models.CASCADE, related_name="+")
    # The addresses at the time of sending, each with the language its mail was written in:
    # [{"email": "...", "language": "nb"}, ...]
    recipients = models.JSONField(_("recipients"), default=list)
    resent = models.BooleanField(_("sent again"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the task when the mails have left; empty while they wait in the queue.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["measure", "membership"], name="measure_invitation_company")]
        verbose_name = _("invitation to a measure")
        verbose_name_plural = _("invitations to measures")

    def __str__(self) -> str:
        return f"{self.measure} · {self.membership_id}"

    @property
    def addresses(self) -> list[str]:
        return [str(item.get("email", "")) for item in self.recipients]
