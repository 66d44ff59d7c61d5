"""The cluster management's self-assessment: the values the manager enters where the platform has
no data (management FTE, budget, ...), the label readiness facts only the manager knows, and a
snapshot of every indicator that peers are compared against (benchmark/selectors.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import TenantModel


class EscaLabel(models.TextChoices):
    NONE = "", _("No label")
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class BenchmarkProfile(TenantModel):
    """What only the cluster management can say about itself for the label readiness checklist."""

    eccp_listed = models.BooleanField(
        _("listed on the European Cluster Collaboration Platform"), default=False
    )
    measurable_goals = models.BooleanField(_("the strategy has measurable goals"), default=False)
    annual_plan = models.BooleanField(_("there is an annual plan of action"), default=False)
    label = models.CharField(_("ESCA label"), max_length=10, choices=EscaLabel.choices, blank=True)
    label_valid_until = models.DateField(_("label valid until"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_benchmark_profile_per_cluster")]
        verbose_name = _("benchmarking profile")
        verbose_name_plural = _("benchmarking profiles")

    def __str__(self) -> str:
        return str(_("Benchmarking self-assessment"))


class BenchmarkEntry(TenantModel):
    """A value the manager entered for an indicator the platform cannot measure."""

    indicator = models.CharField(_("indicator"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "indicator"], name="one_benchmark_entry_per_indicator")
        ]
        verbose_name = _("benchmarking value")
        verbose_name_plural = _("benchmarking values")


class BenchmarkSnapshot(TenantModel):
    """Every indicator's value of one cluster as last computed ({key: number or null}): what its
    peers are compared against, so a page never computes other clusters' figures. Refreshed when the
    cluster's own page is read or its values are saved, and nightly for all."""

    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster"], name="one_benchmark_snapshot_per_cluster")]
        verbose_name = _("benchmarking snapshot")
        verbose_name_plural = _("benchmarking snapshots")
