from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.landscape.models import Label
from klyngekart.landscape.reference import COUNTRIES
from klyngekart.partners.models import Depth, Geography

LABEL_CHOICES = [("", _("Any label")), *Label.choices, ("expired", _("Expired label"))]


class MatchFilterForm(DsForm):
    country = forms.ChoiceField(label=_("Country"), required=False)
    label = forms.ChoiceField(label=_("ESCA label"), required=False, choices=LABEL_CHOICES)
    min_score = forms.IntegerField(label=_("Lowest score"), required=False, min_value=0, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(((c.code, str(c.name)) for c in COUNTRIES), key=lambda item: item[1])
        self.fields["country"].choices = [("", _("Every country")), *choices]  # type: ignore[attr-defined]


class PartnerSettingsForm(DsForm):
    """The publication, the facts of the profile the platform cannot derive, the preference, and
    one depth per competence area (``strength_<code>``; empty: not a strength)."""

    published = forms.BooleanField(
        label=_("Publish our profile in the cluster landscape"),
        required=False,
        help_text=_(
            "Every signed-in user of the installation can then read it: members by type, sectors from "
            "the members' NACE codes, the top competence needs of released mapping rounds (only needs "
            "resting on at least k people and k companies, never a figure) and the strengths below."
        ),
    )
    geography = forms.ChoiceField(
        label=_("Partners we prefer"),
        choices=Geography.choices,
        widget=forms.RadioSelect,
        help_text=_("Only your cluster's own people see this preference."),
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=120)
    nuts = forms.CharField(
        label=_("NUTS code"), required=False, max_length=5, help_text=_("For example NO06.")
    )
    founded = forms.IntegerField(label=_("Founded"), required=False, min_value=1900, max_value=2100)
    programme = forms.CharField(
        label=_("Programme"),
        required=False,
        max_length=120,
        help_text=_("arena, arena_pro, nce, gce, or a name."),
    )
    programme_level = forms.CharField(label=_("Programme level"), required=False, max_length=60)
    strengths_text = forms.CharField(
        label=_("Our strengths in words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDS = (
        "published",
        "geography",
        "region",
        "nuts",
        "founded",
        "programme",
        "programme_level",
        "strengths_text",
    )

    def __init__(
        self, *args: Any, areas: list[tuple[str, str]], strengths: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        choices = [("", _("Not a strength")), *[(str(value), label) for value, label in Depth.choices]]
        for code, name in areas:
            self.fields[f"strength_{code}"] = forms.ChoiceField(
                label=name, required=False, choices=choices, initial=str(strengths.get(code, ""))
            )

    def strength_fields(self) -> list[Any]:
        return [self[f"strength_{code}"] for code, _name in self.areas]

    def setting_fields(self) -> list[Any]:
        return [self[name] for name in self.FIELDS]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}

    def strengths(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(f"strength_{code}") or None for code, _name in self.areas}


class CompanyPartneringForm(DsForm):
    opted_in = forms.BooleanField(
        label=_("Let member companies of other clusters find our company"),
        required=False,
        help_text=_(
            "They see the company's name as this cluster records it, the cluster's name, the website and "
            "the strengths you choose below. Nothing else, and never your survey answers."
        ),
    )
    strengths = forms.MultipleChoiceField(
        label=_("Our company's strengths"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strengths"].choices = areas  # type: ignore[attr-defined]
