"""The barometer's tables: who takes part, what it adds up, and what it last published.

- ``BarometerParticipation``: a cluster's choice to take part (off by default; only its manager
  changes it, audited);
- ``BarometerSite``: the installation's one row, whether the page and API are public;
- ``BarometerFact``: per taking-part cluster, its latest released mapping round of each year, one
  row per company and competence area with the number of answers and the sum of their gaps (the
  read side, surveys/results/barometer.py, gives them). Written when a round is released or the
  cluster joins, deleted when it leaves: never read per request;
- ``BarometerEdition`` and ``BarometerCell``: what the page and the API show, built from the facts
  in one go (services.edition_build) with every suppression decided; a request reads a few dozen
  cells by index;
- ``BarometerShown``: every figure ever shown, with the clusters (and their rounds) behind it, so a
  new edition cannot show a figure that differs from an earlier one by fewer than k clusters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import ClusterOwnedModel, TenantModel

TOTAL = ""
DIMENSIONS = ("sector", "region", "size")


class BarometerParticipation(TenantModel):
    opted_in = models.BooleanField(_("take part in the national competence barometer"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_barometer_participation")]

    def __str__(self) -> str:
        return f"barometer participation of cluster {self.cluster_id}: {self.opted_in}"


class BarometerSite(models.Model):
    """The installation's barometer settings: one row (pk 1), changed by a platform admin."""

    public = models.BooleanField(_("public"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"barometer public: {self.public}"


class BarometerFact(ClusterOwnedModel):
    """A company's released sums in one area of one round (no timestamps: derived from answers)."""

    # None for facts that came from outside this installation's rounds: the demo's fictional
    # neighbour clusters (barometer/demo.py).
    round = models.ForeignKey(
        "surveys.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    company_id = models.BigIntegerField()
    sector = models.CharField(max_length=1, blank=True)
    region = models.CharField(max_length=2, blank=True)
    size = models.CharField(max_length=10, blank=True)
    area_code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    sum_gap = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["cluster", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.area_code} company {self.company_id}"


class BarometerEdition(models.Model):
    """One build of every figure. The newest ready edition is what everyone sees."""

    created_at = models.DateTimeField(auto_now_add=True)
    k = models.PositiveSmallIntegerField()
    clusters = models.PositiveIntegerField(default=0)
    companies = models.PositiveIntegerField(default=0)
    ready = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"barometer edition {self.pk}"


class HiddenReason(models.TextChoices):
    SHOWN = "", _("Shown")
    COMPANIES = "companies", _("Fewer than k companies")
    CLUSTERS = "clusters", _("Fewer than k clusters")
    ANSWERS = "answers", _("Fewer than k answers")
    DIFFERENCE = "difference", _("Another figure minus this one would reveal fewer than k")
    CHANGE = (
        "change",
        _(
            "Fewer than k clusters changed since this figure, or one it could be subtracted from, "
            "was last shown"
        ),
    )


class BarometerCell(models.Model):
    """A figure of one edition: a year, a competence area, and everyone (dimension "") or one
    sector, county or size class. Hidden cells carry the reason and no figures."""

    edition = models.ForeignKey(BarometerEdition, on_delete=models.CASCADE, related_name="cells")
    year = models.PositiveSmallIntegerField()
    area_code = models.CharField(max_length=40)
    dimension = models.CharField(max_length=10, blank=True)
    value = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=12, choices=HiddenReason.choices, blank=True)
    answers = models.PositiveIntegerField(null=True)
    companies = models.PositiveIntegerField(null=True)
    clusters = models.PositiveIntegerField(null=True)
    mean_gap = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    need_share = models.DecimalField(max_digits=5, decimal_places=4, null=True)

    class Meta:
        indexes = [models.Index(fields=["edition", "dimension", "value", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.area_code} {self.dimension}={self.value}"

    @property
    def shown(self) -> bool:
        return not self.reason


class BarometerShown(models.Model):
    """A figure that an edition showed, and the clusters' rounds behind it ("cluster:round" ->
    companies of that cluster in the figure)."""

    edition = models.ForeignKey(BarometerEdition, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    area_code = models.CharField(max_length=40)
    dimension = models.CharField(max_length=10, blank=True)
    value = models.CharField(max_length=10, blank=True)
    signature = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area_code", "dimension", "value", "digest"], name="one_barometer_shown"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area_code} {self.dimension}={self.value} {self.digest[:8]}"
