from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.benchmark.indicators import AREAS, INDICATORS, MANUAL, UNITS
from klyngekart.benchmark.models import BenchmarkProfile, EscaLabel


class AssessmentForm(forms.Form):
    """The manager's entries, one field per manual indicator, and the checklist's facts."""

    eccp_listed = forms.BooleanField(
        label=_("The cluster is listed on the European Cluster Collaboration Platform"), required=False
    )
    measurable_goals = forms.BooleanField(label=_("The strategy has measurable goals"), required=False)
    annual_plan = forms.BooleanField(label=_("There is an annual plan of action"), required=False)
    label = forms.ChoiceField(label=_("ESCA label"), choices=EscaLabel.choices, required=False)
    label_valid_until = forms.DateField(
        label=_("Label valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    PROFILE_FIELDS = ("eccp_listed", "measurable_goals", "annual_plan", "label", "label_valid_until")

    def __init__(self, *args: Any, values: dict[str, Any], profile: BenchmarkProfile, **kwargs: Any) -> None:
        initial = {f"value_{key}": value for key, value in values.items()}
        initial.update({name: getattr(profile, name) for name in self.PROFILE_FIELDS})
        super().__init__(*args, initial=initial, **kwargs)  # type: ignore[misc]
        for indicator in INDICATORS:
            if indicator.source != MANUAL:
                continue
            self.fields[f"value_{indicator.key}"] = forms.DecimalField(
                label=f"{indicator.name} ({UNITS[indicator.unit]})",
                help_text=f"{AREAS[indicator.area]}: {indicator.definition}",
                required=False,
                min_value=indicator.low,
                max_value=indicator.high,
                decimal_places=2,
                max_digits=14,
                localize=True,
            )

    def values(self) -> dict[str, Any]:
        return {
            name.removeprefix("value_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("value_")
        }

    def profile(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.PROFILE_FIELDS}
