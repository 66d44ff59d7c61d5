"""The directory of cluster organisations (issue 15, items 1 and 2).

A profile is installation-wide: every signed-in user reads the whole directory, so it is not a
``TenantModel``. Who may *change* a profile is a fact on the row: ``owner_cluster`` is the
cluster whose manager imported it (only that cluster's managers may change it, through
``access.owned_profiles``) or empty for records the platform admins keep. See
docs/architecture.md, "The cluster landscape".

Sectors, emerging industries and competence areas are rows of ``ProfileTag``, one per profile and
code, indexed by (kind, code): facets count them in SQL, and partner matching can later join on
them instead of parsing JSON."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klyngekart.landscape.reference import COUNTRY_BY_CODE, country_name, programme_name


class Label(models.TextChoices):
    NONE = "none", _("No label")
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


# The label as it stands today: a label past its valid-until date is "expired".
EXPIRED = "expired"


class TagKind(models.TextChoices):
    CATEGORY = "category", _("Sector")
    NACE = "nace", _("NACE division")
    SECTOR_TAG = "tag", _("Other sector")
    EMERGING = "emerging", _("Emerging industry")
    AREA = "area", _("Technology and competence area")
    # A top competence need a cluster on this installation publishes from its released rounds
    # (klyngekart/partners/publication.py): only areas the read side shows for k or more.
    NEED = "need", _("Competence need")


def website_key(url: str) -> str:
    """A website as the importer compares it: no scheme, no "www.", no trailing slash, lower case."""
    text = (url or "").strip().casefold()
    if not text:
        return ""
    if not re.match(r"^[a-z]+://", text):
        text = "http://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").removeprefix("www.")
    return (host + parts.path).rstrip("/")


def name_key(name: str) -> str:
    return " ".join((name or "").casefold().split())[:200]


class ClusterProfile(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(pgettext_lazy("landscape", "region"), max_length=120, blank=True)
    nuts = models.CharField(_("NUTS code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    website_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    # The name as the importer compares it (casefolded in Python: SQLite's LOWER() folds only ASCII,
    # and "ÅLESUND" must find "Ålesund"), with the country: the upsert's second key.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    founded = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    # Norway's levels by code (arena, arena_pro, nce, gce), other programmes by their own name.
    programme = models.CharField(_("programme"), max_length=120, blank=True, db_index=True)
    programme_level = models.CharField(_("programme level"), max_length=60, blank=True)
    label = models.CharField(_("ESCA label"), max_length=6, choices=Label.choices, default=Label.NONE)
    label_valid_until = models.DateField(_("label valid until"), null=True, blank=True)
    members_sme = models.PositiveIntegerField(_("SMEs"), null=True, blank=True)
    members_large = models.PositiveIntegerField(_("large companies"), null=True, blank=True)
    members_research = models.PositiveIntegerField(_("research and education"), null=True, blank=True)
    members_public = models.PositiveIntegerField(_("public bodies"), null=True, blank=True)
    management_fte = models.DecimalField(
        _("management FTE"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    record_date = models.DateField(_("record date"), null=True, blank=True)
    fictional = models.BooleanField(_("fictional"), default=False)
    owner_cluster = models.ForeignKey(
        "core.Cluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="landscape_profiles"
    )
    # A cluster on this installation that publishes this profile from its own data (live: written
    # only by klyngekart.partners.publication, refreshed on a release or the manager's save; the
    # record's date is when). Empty for imported and demo records.
    source_cluster = models.OneToOneField(
        "core.Cluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_profile",
        verbose_name=_("published by"),
    )
    # What full-text search reads: the texts of the row and the names of its sectors, written
    # by the services (search.document). PostgreSQL indexes to_tsvector('simple', ...) of it with
    # GIN; SQLite keeps an FTS5 table in step by triggers (migration 0002).
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["country", "region"], name="landscape_country_region"),
            models.Index(fields=["country", "name_key"], name="landscape_country_name"),
            models.Index(fields=["label", "label_valid_until"], name="landscape_label"),
            # Partner matching asks on every request whether the directory changed (its latest
            # change, klyngekart/partners/matching.py): an index answers without reading the rows.
            models.Index(fields=["updated_at"], name="landscape_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["website_key"], condition=~models.Q(website_key=""), name="landscape_unique_website"
            ),
        ]
        verbose_name = _("cluster profile")
        verbose_name_plural = _("cluster profiles")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.website_key = website_key(self.website)
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.country and self.country not in COUNTRY_BY_CODE:
            raise ValidationError({"country": _("Unknown country code.")})

    def label_state(self, today: date | None = None) -> str:
        """The label as it stands: none, bronze, silver, gold, or expired."""
        if self.label == Label.NONE:
            return Label.NONE
        if self.label_valid_until and self.label_valid_until < (today or timezone.localdate()):
            return EXPIRED
        return self.label

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def programme_name(self) -> str:
        return programme_name(self.programme)

    @property
    def live(self) -> bool:
        """Published by a cluster on this installation from its own data."""
        return self.source_cluster_id is not None

    @property
    def members_total(self) -> int | None:
        counts = [self.members_sme, self.members_large, self.members_research, self.members_public]
        known = [count for count in counts if count is not None]
        return sum(known) if known else None


class ProfileTag(models.Model):
    """One sector, NACE division, free-text sector, emerging industry or competence area of a
    profile. ``code`` is the vocabulary's code (reference.CATEGORIES, "28", a taxonomy area code),
    or for a free-text sector the text as written."""

    profile = models.ForeignKey(ClusterProfile, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=8, choices=TagKind.choices)
    code = models.CharField(max_length=120)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "code"], name="landscape_unique_tag"),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="landscape_tag_kind_code")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class PendingLandscapeImport(models.Model):
    """An uploaded file between the dry run and the confirmation (landscape.import_store)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    owner_cluster = models.ForeignKey(
        "core.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename
