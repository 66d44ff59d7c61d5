"""Writes of the self-assessment: the manager's entries and checklist facts (audited), and the
snapshot its peers are compared against."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klyngekart.benchmark.indicators import BY_KEY, MANUAL, PlatformFigures
from klyngekart.benchmark.models import BenchmarkEntry, BenchmarkSnapshot, EscaLabel
from klyngekart.benchmark.selectors import profile_of, values_of
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope

PROFILE_FIELDS = ("eccp_listed", "measurable_goals", "annual_plan", "label", "label_valid_until")


def _clean_values(values: Mapping[str, Any]) -> dict[str, Decimal | None]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Decimal | None] = {}
    for key, raw in values.items():
        indicator = BY_KEY.get(key)
        if indicator is None or indicator.source != MANUAL:
            errors.setdefault(key, []).append(
                _("The platform computes this indicator; it cannot be entered.")
            )
            continue
        if raw is None or raw == "":
            out[key] = None
            continue
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            errors.setdefault(key, []).append(_("Enter a number."))
            continue
        if not value.is_finite() or not indicator.low <= value <= indicator.high:
            errors.setdefault(key, []).append(
                _("Enter a number from %(low)s to %(high)s.") % {"low": indicator.low, "high": indicator.high}
            )
            continue
        out[key] = value.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return out


def _clean_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: data[key] for key in PROFILE_FIELDS if key in data}
    if "label" in out:
        out["label"] = out["label"] or ""
        if out["label"] not in EscaLabel.values:
            raise ValidationError({"label": _("Choose none, bronze, silver or gold.")})
    return out


@transaction.atomic
def assessment_save(
    *, cluster: Cluster, actor: Any, values: Mapping[str, Any], profile: Mapping[str, Any]
) -> None:
    """Store the manager's entries (``values``: {manual indicator: number or None to clear}) and
    checklist facts; everything is checked before anything is written."""
    cleaned = _clean_values(values)
    facts = _clean_profile(profile)
    changed: list[str] = []
    record = profile_of(cluster)
    for key, value in facts.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed.append(key)
    if record.label and record.label_valid_until is None:
        raise ValidationError({"label_valid_until": _("Enter the date the label is valid until.")})
    current = dict(BenchmarkEntry.objects.filter(cluster=cluster).values_list("indicator", "value"))
    for key, value in cleaned.items():
        if value is None:
            if key in current:
                BenchmarkEntry.objects.filter(cluster=cluster, indicator=key).delete()
                changed.append(key)
        elif current.get(key) != value:
            BenchmarkEntry.objects.update_or_create(
                cluster=cluster, indicator=key, defaults={"value": value, "updated_by": actor}
            )
            changed.append(key)
    if record.pk is None or changed:
        record.updated_by = actor
        record.full_clean(exclude=["cluster"])
        record.save()
    if changed:
        audit_log(
            cluster=cluster,
            actor=actor,
            action="benchmark.assessment.saved",
            target=record,
            data={"changed": changed},
        )
    snapshot_refresh(cluster)


def snapshot_refresh(cluster: Cluster) -> dict[str, Any]:
    """Recompute every indicator of ``cluster`` for its peers' comparison; returns the values."""
    with scope(cluster):
        values = {
            key: (None if value is None else float(value))
            for key, value in values_of(PlatformFigures(cluster)).items()
        }
        snapshot = BenchmarkSnapshot.objects.filter(cluster=cluster).first()
        if snapshot is None:
            BenchmarkSnapshot.objects.create(cluster=cluster, values=values)
        elif snapshot.values != values:
            snapshot.values = values
            snapshot.save(update_fields=["values", "updated_at"])
    return values
