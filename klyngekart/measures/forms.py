from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm, DsModelForm
from klyngekart.measures.models import MAX_CAPACITY, Measure, MeasureStatus
from klyngekart.surveys.models import Round
from klyngekart.taxonomy.models import CompetenceArea


class MeasureForm(DsModelForm):
    areas = forms.MultipleChoiceField(
        label=_("Competence areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # The queryset is the cluster's rounds, set per request inside the cluster scope.
    source_round: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Mapping round the need comes from"), queryset=None, required=False
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "areas",
            "format",
            "provider",
            "starts_on",
            "ends_on",
            "capacity",
            "status",
            "fixed_cost",
            "cost_per_participant",
            "funding_share",
            "source_round",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, areas: list[CompetenceArea], rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [  # type: ignore[attr-defined]
            (area.code, area.name) for area in areas
        ]
        self.fields["source_round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["funding_share"].widget.attrs.update({"min": "0", "max": "1", "step": "0.01"})
        for name in ("fixed_cost", "cost_per_participant"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "1"})

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class StatusForm(DsForm):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)


class StatusFilterForm(DsForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(MeasureStatus.choices), required=False
    )


class InterestForm(DsForm):
    participants = forms.IntegerField(
        label=_("Participants from your company"), min_value=1, max_value=MAX_CAPACITY
    )


def rounds_for(cluster: Any) -> Any:
    return Round.objects.filter(cluster=cluster).order_by("-opens_on", "-id")
