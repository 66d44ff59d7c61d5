from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.barometer import selectors


class FilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Competence area"), required=False)
    sector = forms.ChoiceField(label=_("Sector (NACE section)"), required=False)
    region = forms.ChoiceField(label=_("County"), required=False)
    size = forms.ChoiceField(label=_("Company size"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        names = sorted(selectors.area_names().items(), key=lambda pair: pair[1])
        self.fields["area"].choices = every + names  # type: ignore[attr-defined]
        for name in selectors.FILTERS:
            self.fields[name].choices = every + selectors.value_choices(name)  # type: ignore[attr-defined]
        years = [("", _("Latest"))] + [(str(year), str(year)) for year in selectors.edition_years()]
        self.fields["year"].choices = years  # type: ignore[attr-defined]
        self.fields["sector"].help_text = _("One of sector, county and size at a time.")


class ParticipationForm(forms.Form):
    opted_in = forms.BooleanField(
        label=_("Take part in the national competence barometer"),
        required=False,
        help_text=_(
            "The cluster's released mapping rounds count in the installation's national figures. "
            "Nothing is shown of a group smaller than k companies or k clusters."
        ),
    )
