"""Membership strategies: what a member company wants from its membership, per cluster and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class GoalCategory(models.TextChoices):
    COMPETENCE = "competence", _("Competence")
    NETWORK = "network", _("Network")
    RD_INNOVATION = "rd_innovation", _("R&D and innovation projects")
    MARKET_ACCESS = "market_access", _("Market access")
    INTERNATIONAL = "international", _("Internationalisation")
    RECRUITMENT = "recruitment", _("Recruitment")
    VISIBILITY = "visibility", _("Visibility")


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class GoalsReached(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class MembershipStrategy(TenantModel):
    membership = models.ForeignKey("members.Membership", on_delete=models.CASCADE, related_name="strategies")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    goal_categories = models.JSONField(_("goals"), default=list, blank=True)
    goals_text = models.TextField(_("what we want from the membership"), blank=True)
    expectations = models.TextField(_("what we expect from the cluster"), blank=True)
    priority_areas = models.JSONField(_("priority competence areas"), default=list, blank=True)
    involved = models.TextField(_("who in the company is involved"), blank=True)
    review_goals_reached = models.CharField(
        _("goals reached"), max_length=10, choices=GoalsReached.choices, blank=True
    )
    review_value = models.PositiveSmallIntegerField(_("value of the membership (1–5)"), null=True, blank=True)
    review_text = models.TextField(_("year-end review"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["membership", "year"], name="one_strategy_per_year")]
        verbose_name = _("membership strategy")
        verbose_name_plural = _("membership strategies")

    def __str__(self) -> str:
        return f"{self.membership.company} {self.year}"


class StrategyYearLock(TenantModel):
    """The cluster has locked a year: strategies for it can no longer be edited."""

    year = models.PositiveSmallIntegerField(_("year"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="one_lock_per_year")]
        verbose_name = _("locked strategy year")
        verbose_name_plural = _("locked strategy years")

    def __str__(self) -> str:
        return str(self.year)
