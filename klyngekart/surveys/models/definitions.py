"""Survey definitions: a survey has versions; a version has sections and questions.

A published version never changes: answers refer to it by question key. To change a published
survey, services copy it into a new draft version. Everything a respondent reads is stored in
nb and en.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


def _in_language(obj: object, stem: str, language: str | None = None) -> str:
    lang = (language or get_language() or "nb")[:2]
    first = getattr(obj, f"{stem}_en" if lang == "en" else f"{stem}_nb", "")
    return first or getattr(obj, f"{stem}_nb" if lang == "en" else f"{stem}_en", "")


class SurveyKind(models.TextChoices):
    EMPLOYEE_MAPPING = "employee_mapping", _("Employee competence mapping")
    MEMBERSHIP_STRATEGY = "membership_strategy", _("Company membership strategy")
    ANNUAL_MEMBER = "annual_member", _("Annual member survey")
    ACTIVITY_FEEDBACK = "activity_feedback", _("Activity feedback")
    PULSE = "pulse", _("Pulse check")
    CUSTOM = "custom", _("Custom survey")


class Survey(TenantModel):
    kind = models.CharField(_("kind"), max_length=30, choices=SurveyKind.choices, default=SurveyKind.CUSTOM)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self, "title")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class SurveyVersion(TenantModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    intro_nb = models.TextField(_("introduction (Norwegian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="one_survey_version_number")]
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def intro(self, language: str | None = None) -> str:
        return _in_language(self, "intro", language)


class Section(TenantModel):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_nb = models.TextField(_("introduction (Norwegian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title()

    def title(self, language: str | None = None) -> str:
        return _in_language(self, "title", language)

    def intro(self, language: str | None = None) -> str:
        return _in_language(self, "intro", language)


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Agreement scale 1–5")
    GAP_MATRIX = "gap_matrix", _("Competence gap matrix")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RANKING = "ranking", _("Ranking (top 3)")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")
    NPS = "nps", _("Recommendation 0–10 (NPS)")


class Question(TenantModel):
    """One question. ``options`` is a list of {"key", "nb", "en"}; ``show_if`` is
    {"question": key, "equals": value} or {"question": key, "in": [values]} on an earlier
    question; ``areas`` limits a gap matrix to some area codes (empty: every visible area of the
    round's taxonomy version); ``is_segment`` marks a single-choice question (e.g. role group)
    whose answer splits results into segments, within the anonymity rules."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    text_nb = models.TextField(_("question (Norwegian)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    help_nb = models.TextField(_("help text (Norwegian)"), blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)
    allow_other = models.BooleanField(_("allow “other”"), default=False)
    min_value = models.IntegerField(_("lowest number"), null=True, blank=True)
    max_value = models.IntegerField(_("highest number"), null=True, blank=True)
    show_if = models.JSONField(_("show if"), default=dict, blank=True)
    areas = models.JSONField(_("competence areas"), default=list, blank=True)
    is_segment = models.BooleanField(_("split results by this answer"), default=False)

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="one_question_key_per_version")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.key

    def text(self, language: str | None = None) -> str:
        return _in_language(self, "text", language)

    def help(self, language: str | None = None) -> str:
        return _in_language(self, "help", language)

    def option_label(self, key: str, language: str | None = None) -> str:
        lang = (language or get_language() or "nb")[:2]
        for option in self.options:
            if option.get("key") == key:
                return option.get(lang) or option.get("nb") or option.get("en") or key
        return key
