"""Activities the cluster runs for its members (courses, member forums, webinars, study trips…),
who registered for them, and the waiting list.

Times are stored in UTC and shown in Europe/Oslo (the project's TIME_ZONE)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from klyngekart.core.models import TimeStampedModel
from klyngekart.core.tenancy import TenantModel

MAX_CAPACITY = 10000


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Course")
    MEMBER_FORUM = "member_forum", _("Member forum")
    THEMATIC_MEETING = "thematic_meeting", _("Thematic meeting")
    WEBINAR = "webinar", _("Webinar")
    STUDY_TRIP = "study_trip", _("Study trip")
    MATCHMAKING = "matchmaking", _("Matchmaking")


class Audience(models.TextChoices):
    MEMBERS = "members", _("All members")
    CHOSEN = "chosen", _("Chosen members")
    OPEN = "open", _("Open to guests")


class Activity(TenantModel):
    kind = models.CharField(
        _("type"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.COURSE
    )
    title = models.CharField(_("title (Norwegian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("Empty for no upper limit."),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is open until the activity starts."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    chosen_members = models.ManyToManyField(
        "members.Membership", blank=True, related_name="+", verbose_name=_("chosen members")
    )
    measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="activities", verbose_name=_("joint measures")
    )
    areas = models.JSONField(_("competence areas"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round of the cluster's feedback survey that asked the attendees after the activity
    # (activities/feedback.py); empty until it is opened, and never opened twice.
    feedback_round = models.ForeignKey(
        "surveys.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["cluster", "starts_at"], name="activity_cluster_start")]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The activity cannot end before it starts.")
        if self.registration_deadline and self.ends_at and self.registration_deadline > self.ends_at:
            errors["registration_deadline"] = _(
                "The registration deadline cannot be after the activity ends."
            )
        if not self.place and not self.online_url:
            errors["place"] = _("Give a place, an online link or both.")
        if errors:
            raise ValidationError(errors)

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        """When registration closes: the deadline set, else the start."""
        return self.registration_deadline or self.starts_at

    def title_in(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "nb"
        return self.title_en if language.startswith("en") and self.title_en else self.title

    def description_in(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "nb"
        return self.description_en if language.startswith("en") and self.description_en else self.description

    @property
    def local_title(self) -> str:
        return self.title_in()

    @property
    def local_description(self) -> str:
        return self.description_in()

    @property
    def days(self) -> list[dt.date]:
        """The days (in Oslo) the activity runs on, for attendance day by day."""
        first = timezone.localtime(self.starts_at).date()
        last = timezone.localtime(self.ends_at).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not show up")


# The statuses that hold a seat.
SEATED = frozenset({RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW})
# The statuses that count as "already registered" for a second registration of the same address.
ACTIVE = SEATED | {RegistrationStatus.WAITLISTED}


class Registration(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    # Empty for a guest of an open activity.
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    # The place on the waiting list (1 is next); empty when not waitlisted.
    position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="nb")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "activity",
                Lower("email"),
                condition=~models.Q(status="cancelled"),
                name="one_active_registration_per_address",
            )
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.activity} · {self.email}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class CalendarFeed(TimeStampedModel):
    """A person's own calendar feed: the activities they are registered for in every cluster, at a
    secret address. The address is an HMAC of ``nonce`` under the installation's SECRET_KEY, so it
    can be shown again (profile, /api/v1/me) while the database holds only its SHA-256 for the
    lookup; a reset draws a new nonce and the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"{self.user_id}"


class Attendance(TenantModel):
    """One person present on one day of an activity: an activity over several days is checked in
    day by day."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    day = models.DateField(_("day"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="one_attendance_per_day")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        return f"{self.registration} · {self.day}"
