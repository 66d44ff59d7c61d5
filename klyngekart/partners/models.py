"""Partner matching and the profile a cluster publishes (issue 15, items 3 and 4).

- ``PartnerSettings``: per cluster, whether it publishes its profile in the directory (off by
  default; the manager's choice, audited), the facts of the profile the platform cannot derive
  (region, NUTS code, founding year, programme), the free text of its strengths, and the
  geography the manager prefers in partners (a preference only the cluster's own roles see);
- ``ClusterStrength``: the competence areas the cluster declares itself strong in, with a depth
  (1 some, 2 solid, 3 leading);
- ``CompanyPartnering`` and ``CompanyStrength``: a member company's opt-in to be found by member
  companies of other clusters (off by default; its contact's choice) and the areas it declares.

What is published lives in ``landscape.ClusterProfile`` (``source_cluster``) and its tags, written
by ``publication.profile_refresh`` only."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class Geography(models.TextChoices):
    ANY = "any", _("No preference")
    NEARBY = "nearby", _("Nearby: the same country, best the same region")
    CROSS_BORDER = "cross_border", _("Across borders: other countries")


class Depth(models.IntegerChoices):
    SOME = 1, _("Some")
    SOLID = 2, _("Solid")
    LEADING = 3, _("Leading")


class PartnerSettings(TenantModel):
    published = models.BooleanField(_("publish our profile in the cluster landscape"), default=False)
    geography = models.CharField(
        _("partners we prefer"), max_length=12, choices=Geography.choices, default=Geography.ANY
    )
    region = models.CharField(_("region"), max_length=120, blank=True)
    nuts = models.CharField(_("NUTS code"), max_length=5, blank=True)
    founded = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    programme_level = models.CharField(_("programme level"), max_length=60, blank=True)
    strengths_text = models.TextField(_("our strengths in words"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_partner_settings_per_cluster")]
        verbose_name = _("partner settings")
        verbose_name_plural = _("partner settings")

    def __str__(self) -> str:
        return f"partner settings of cluster {self.cluster_id}"


class ClusterStrength(TenantModel):
    area_code = models.CharField(_("competence area"), max_length=40)
    depth = models.PositiveSmallIntegerField(_("depth"), choices=Depth.choices, default=Depth.SOLID)

    class Meta:
        ordering = ["-depth", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "area_code"], name="one_strength_per_area"),
        ]
        verbose_name = _("declared strength")
        verbose_name_plural = _("declared strengths")

    def __str__(self) -> str:
        return f"{self.area_code} ({self.depth})"


class CompanyPartnering(TenantModel):
    membership = models.OneToOneField(
        "members.Membership", on_delete=models.CASCADE, related_name="partnering"
    )
    opted_in = models.BooleanField(_("let member companies of other clusters find us"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company partnering")
        verbose_name_plural = _("company partnering")

    def __str__(self) -> str:
        return f"partnering of membership {self.membership_id}: {self.opted_in}"


class CompanyStrength(TenantModel):
    membership = models.ForeignKey(
        "members.Membership", on_delete=models.CASCADE, related_name="partner_strengths"
    )
    area_code = models.CharField(_("competence area"), max_length=40)

    class Meta:
        ordering = ["area_code"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "area_code"], name="one_company_strength_per_area"),
        ]
        indexes = [models.Index(fields=["area_code"], name="partners_company_strength_area")]

    def __str__(self) -> str:
        return self.area_code
