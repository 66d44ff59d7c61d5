"""The cluster's service portfolio: what it offers its members (meeting places, courses, project
help, ...). The annual member survey asks the importance of and satisfaction with each active
service; the question keys carry the service's id, so a service keeps its trend between rounds
even when it is renamed."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class ServiceCategory(models.TextChoices):
    MEETING_PLACES = "meeting_places", _("Meeting places and networking")
    COMPETENCE = "competence", _("Courses and competence")
    PROJECTS = "projects", _("Innovation and projects")
    MATCHMAKING = "matchmaking", _("Matchmaking")
    INFORMATION = "information", _("Information and visibility")
    INTERNATIONAL = "international", _("International collaboration")
    OTHER = "other", _("Other")


class MemberService(TenantModel):
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(
        _("category"), max_length=30, choices=ServiceCategory.choices, default=ServiceCategory.OTHER
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active services are asked about in a new member survey.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_nb", "id"]
        verbose_name = _("member service")
        verbose_name_plural = _("member services")

    def __str__(self) -> str:
        return self.name

    def _text(self, stem: str) -> str:
        lang = (get_language() or "nb")[:2]
        first = getattr(self, f"{stem}_en" if lang == "en" else f"{stem}_nb")
        return str(first or getattr(self, f"{stem}_nb" if lang == "en" else f"{stem}_en"))

    @property
    def name(self) -> str:
        return self._text("name")

    @property
    def description(self) -> str:
        return self._text("description")


class PulseSchedule(TenantModel):
    """Pulse checks on a schedule: on ``next_on`` (or the first day after it that the daily task
    runs) a round of the pulse survey opens for the contacts of every active member company, stays
    open ``open_days`` and reminds on ``reminder_days``; then ``next_on`` moves ``every_months``
    on. One per cluster."""

    active = models.BooleanField(_("send pulse checks"), default=False)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    next_on = models.DateField(_("next pulse check"))
    open_days = models.PositiveSmallIntegerField(
        _("open for (days)"), default=14, validators=[MinValueValidator(3), MaxValueValidator(60)]
    )
    reminder_days = models.JSONField(
        _("reminder days"), default=list, blank=True, help_text=_("Days after opening to remind.")
    )
    last_round = models.ForeignKey(
        "surveys.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_pulse_schedule_per_cluster")]
        verbose_name = _("pulse schedule")
        verbose_name_plural = _("pulse schedules")

    def __str__(self) -> str:
        return f"{self.cluster} · {self.next_on}"
