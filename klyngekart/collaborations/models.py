"""The collaboration pipeline (issue 15, item 5): opportunities of working with other cluster
organisations from the landscape, each with its stage, next step, involved member companies and
its history.

An opportunity belongs to the cluster that works it (a ``TenantModel``): its partners are rows of
the installation-wide directory (``landscape.ClusterProfile``), its involved members are this
cluster's own memberships. Every change leaves an ``OpportunityEvent`` (the history shown on the
page) beside the audit row; a reminder sent for a next step's date leaves an
``OpportunityReminder``, so the same date is never reminded twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting")
    JOINT_PROJECT = "joint_project", _("Joint project")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped")


# The stages that are over: they carry no next step, and nothing is reminded.
CLOSED_STAGES = frozenset({Stage.COMPLETED.value, Stage.DROPPED.value})
OPEN_STAGES = tuple(stage for stage in Stage.values if stage not in CLOSED_STAGES)


class Opportunity(TenantModel):
    title = models.CharField(_("title or theme"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    partners = models.ManyToManyField(
        "landscape.ClusterProfile", related_name="+", verbose_name=_("partner clusters")
    )
    # Only current member companies of this cluster (checked by the services).
    members = models.ManyToManyField(
        "members.Membership", blank=True, related_name="+", verbose_name=_("involved member companies")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.IDEA)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("date of the next step"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["cluster", "stage"], name="collab_cluster_stage"),
            models.Index(fields=["cluster", "next_step_on"], name="collab_cluster_next_step"),
        ]
        verbose_name = _("collaboration opportunity")
        verbose_name_plural = _("collaboration opportunities")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    def is_overdue(self, today=None) -> bool:  # type: ignore[no-untyped-def]
        """The next step's date has passed and the opportunity is still open."""
        return (
            not self.is_closed
            and self.next_step_on is not None
            and self.next_step_on < (today or timezone.localdate())
        )

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def needs_next_step(self) -> bool:
        """An open opportunity without a dated next step: the board says so."""
        return not self.is_closed and self.next_step_on is None


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STAGE = "stage", _("Stage changed")
    NEXT_STEP = "next_step", _("Next step")
    NOTE = "note", _("Note")
    EDITED = "edited", _("Edited")
    REMINDED = "reminded", _("Reminder sent")


class OpportunityEvent(TenantModel):
    """One entry in an opportunity's history: who did what, and when (``created_at``)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    # A note's text, the next step as set, or whom a reminder went to.
    text = models.TextField(blank=True)
    on = models.DateField(null=True, blank=True)
    # For an edit: the fields that changed.
    fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")

    def __str__(self) -> str:
        return f"{self.opportunity_id} · {self.kind}"


class OpportunityReminder(TenantModel):
    """A reminder mailed for one date of an opportunity's next step. Unique per date: the
    periodic task never sends a second one for it, whichever consumer runs it."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "due_on"], name="one_reminder_per_due_date")
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.opportunity_id} · {self.due_on}"
