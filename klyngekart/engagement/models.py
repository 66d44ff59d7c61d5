"""The engagement of member companies: the cluster's weights and targets, and one kept score per
active membership with the parts it is made of (klyngekart/engagement/scoring.py says how).

Nothing here is read from survey answers: the parts come from registrations, check-ins, interest in
measures, submitted strategies and the progress counters of rounds (invited and completed)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel

MAX_WEIGHT = 100
MAX_TARGET = 50


def _weight(label: Any, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(MAX_WEIGHT)]
    )


def _target(label: Any, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET)]
    )


class EngagementSettings(TenantModel):
    """How a cluster weighs the parts of the score, and the counts that give a part in full.
    The weights need not sum to 100: the score divides by their sum."""

    weight_strategy = _weight(_("weight: strategy written"), 15)
    weight_response = _weight(_("weight: response rate in mapping rounds"), 20)
    weight_registered = _weight(_("weight: activities registered for"), 15)
    weight_attended = _weight(_("weight: activities attended"), 25)
    weight_feedback = _weight(_("weight: feedback given"), 10)
    weight_measures = _weight(_("weight: measures joined"), 15)
    target_registered = _target(_("registrations for a full part"), 4)
    target_attended = _target(_("activities attended for a full part"), 3)
    target_feedback = _target(_("feedback answers for a full part"), 3)
    target_measures = _target(_("measures joined for a full part"), 1)
    falling_points = models.PositiveSmallIntegerField(
        _("fall that puts a member at risk (points)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_engagement_settings")]
        verbose_name = _("engagement settings")
        verbose_name_plural = _("engagement settings")

    def __str__(self) -> str:
        return str(_("Engagement settings"))


class EngagementScore(TenantModel):
    """One active membership's score over the last twelve months, kept up to date by the services
    that change its inputs (signals.py) and rebuilt every night (tasks.py). The page, the API and
    the mail to members at risk read this table, never the raw rows."""

    membership = models.OneToOneField(
        "members.Membership", on_delete=models.CASCADE, related_name="engagement_score"
    )
    # Copies of the membership's name and size class, so the page sorts and filters on one table.
    name = models.CharField(max_length=200)
    size_class = models.CharField(max_length=10, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    score_before = models.PositiveSmallIntegerField(null=True, blank=True)
    # Each part from 0 to 1 (None: does not apply, e.g. no mapping round in the period).
    parts = models.JSONField(default=dict)
    strategy = models.BooleanField(default=False)
    invited = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    response_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    feedback = models.PositiveIntegerField(default=0)
    measures = models.PositiveIntegerField(default=0)
    last_participation = models.DateField(null=True, blank=True)
    at_risk = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score", "name"]
        # One index per way the page lists the rows (selectors.SORTS), so a page of 50 is read in
        # index order without sorting 20,000 rows.
        indexes = [
            models.Index(fields=["cluster", "-score", "name", "id"], name="engagement_cluster_score"),
            models.Index(fields=["cluster", "name", "id"], name="engagement_cluster_name"),
            models.Index(
                fields=["cluster", "at_risk", "-score", "name", "id"], name="engagement_cluster_risk"
            ),
            # The latest change: the key of the cached summary (selectors.summary).
            models.Index(fields=["cluster", "updated_at"], name="engagement_cluster_updated"),
        ]
        verbose_name = _("engagement score")
        verbose_name_plural = _("engagement scores")

    def __str__(self) -> str:
        return f"{self.name}: {self.score}"

    @property
    def change(self) -> int | None:
        return None if self.score_before is None else self.score - self.score_before


class EngagementMail(TenantModel):
    """A mail to the contacts of the members at risk: what was written, to whom (with the language
    each got the mail in) and when it left."""

    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    # [{"email": "...", "language": "nb", "membership": 12}, ...]
    recipients = models.JSONField(default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mail to members at risk")
        verbose_name_plural = _("mails to members at risk")

    def __str__(self) -> str:
        return self.subject
