from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.engagement.models import EngagementSettings
from klyngekart.engagement.selectors import FILTERS
from klyngekart.engagement.services import SETTINGS_FIELDS
from klyngekart.members.models import SizeClass

SHOW_LABELS = {"all": _("All members"), "at_risk": _("At risk"), "champions": _("Champions")}
SORT_CHOICES = [
    ("-score", _("Highest score first")),
    ("score", _("Lowest score first")),
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
]


class ListForm(forms.Form):
    """The page's filters; unknown values fall back to the defaults rather than failing."""

    show = forms.ChoiceField(label=_("Show"), required=False, choices=[(v, SHOW_LABELS[v]) for v in FILTERS])
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All sizes")), *SizeClass.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def values(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "show": data.get("show") or "all",
            "size_class": data.get("size_class") or "",
            "sort": data.get("sort") or "-score",
        }


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EngagementSettings
        fields = list(SETTINGS_FIELDS)

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS}


class AtRiskMailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_(
            "Each mail starts with the company's name and ends with a link to the cluster's activities."
        ),
    )
