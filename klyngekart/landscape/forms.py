from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.landscape.selectors import SORT_LABELS, Filters


class SearchForm(DsForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def filters(self, data: dict[str, str]) -> Filters:
        """The list's filters from the query string: the search and sort from this form, the
        facets as they came (each is an exact value; an unknown one simply matches nothing)."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        return Filters(
            q=cleaned.get("q") or "",
            sort=cleaned.get("sort") or "name",
            **{name: str(data.get(name, ""))[:120] for name in FACETS},
        )


FACETS = ("country", "region", "label", "programme", "sector", "area")


class ImportUploadForm(DsForm):
    file = forms.FileField(
        label=_("Cluster list"),
        help_text=_(
            "CSV (comma or semicolon separated), Excel (.xlsx) or JSON. Nothing is saved before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json,text/csv,application/json"}),
    )


class ImportConfirmForm(DsForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
