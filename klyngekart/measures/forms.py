from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm, DsModelForm
from klyngekart.measures.models import MAX_CAPACITY, Measure, MeasureStatus
from klyngekart.surveys.models import Round
from klyngekart.taxonomy.models import CompetenceArea

PERCENT = Decimal(100)


class MeasureForm(DsModelForm):
    # People think of the public share in percent: "40" is 40 %. The model (and the API) keep the
    # share from 0 to 1, so the form divides by a hundred on the way in and multiplies on the way out.
    funding_share = forms.DecimalField(
        label=_("Public funding of the fixed cost (%)"),
        help_text=_("The share of the fixed cost paid by public funding, in percent: 40 for 40 %."),
        min_value=Decimal(0),
        max_value=PERCENT,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
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
        self.fields["funding_share"].widget.attrs.update({"min": "0", "max": "100", "step": "any"})
        share = self.initial.get("funding_share")
        if share not in (None, ""):
            # "40", not "40.0000" nor "4E+1".
            self.initial["funding_share"] = Decimal(f"{(Decimal(share) * PERCENT).normalize():f}")
        for name in ("fixed_cost", "cost_per_participant"):
            self.fields[name].widget.attrs.update({"min": "0", "step": "1"})

    def clean_funding_share(self) -> Decimal:
        percent = self.cleaned_data.get("funding_share")
        return Decimal(0) if percent is None else percent / PERCENT

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


class InviteForm(DsForm):
    """The confirmation before invitations go out: the companies not yet invited are chosen by
    default; one already invited is mailed again only when ticked under "send again"."""

    companies = forms.TypedMultipleChoiceField(
        label=_("Send the invitation to"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    again = forms.TypedMultipleChoiceField(
        label=_("Send again to these"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        new = [c for c in candidates if not c.invited]
        old = [c for c in candidates if c.invited]
        self.fields["companies"].choices = [(c.membership.pk, c.membership.name) for c in new]  # type: ignore[attr-defined]
        self.fields["again"].choices = [(c.membership.pk, c.membership.name) for c in old]  # type: ignore[attr-defined]
        self.fields["companies"].initial = [c.membership.pk for c in new]
        if not new:
            del self.fields["companies"]
        if not old:
            del self.fields["again"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("companies") and not cleaned.get("again"):
            raise forms.ValidationError(_("Choose at least one company to invite."))
        return cleaned


def rounds_for(cluster: Any) -> Any:
    return Round.objects.filter(cluster=cluster).order_by("-opens_on", "-id")


class OnBehalfInterestForm(DsForm):
    """The cluster team registers interest for a member company on its behalf."""

    membership = forms.TypedChoiceField(label=_("Company"), coerce=int)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=MAX_CAPACITY)

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "–")] + [(m.pk, m.name) for m in memberships]
        self.fields["membership"].choices = choices  # type: ignore[attr-defined]
