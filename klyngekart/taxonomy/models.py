"""The competence taxonomy: areas in groups, per cluster, versioned.

A cluster starts from the shipped default (data/competence_areas.json) and may rename, hide,
reorder and add areas. A mapping round pins the version it used, so trends between rounds
compare like with like; editing a pinned version copies it into a new one first
(taxonomy.services). Area codes never change meaning across versions: trends join on them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class TaxonomyVersion(TenantModel):
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["cluster", "number"], name="one_taxonomy_number")]
        verbose_name = _("taxonomy version")
        verbose_name_plural = _("taxonomy versions")

    def __str__(self) -> str:
        return f"v{self.number}"


class CompetenceGroup(models.TextChoices):
    DIGITAL = "digital", _("Digital competence")
    GREEN = "green", _("Green transition and sustainability")
    TECHNOLOGY = "technology", _("Technology and engineering")
    MANAGEMENT = "management", _("Management and innovation")
    MARKET = "market", _("Market, sales and internationalisation")
    OPERATIONS = "operations", _("Operations, HSE and quality")
    PEOPLE = "people", _("People, skills and collaboration")
    OTHER = "other", _("Other")


class CompetenceArea(TenantModel):
    version = models.ForeignKey(TaxonomyVersion, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("code"), max_length=40)
    group = models.CharField(_("group"), max_length=20, choices=CompetenceGroup.choices)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    esco = models.JSONField(_("ESCO concepts"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    hidden = models.BooleanField(_("hidden"), default=False)
    is_custom = models.BooleanField(_("added by the cluster"), default=False)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="one_area_code_per_version")]
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb

    @property
    def description(self) -> str:
        return self.description_en if (get_language() or "nb").startswith("en") else self.description_nb
