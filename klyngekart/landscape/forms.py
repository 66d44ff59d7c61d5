from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm, DsModelForm
from klyngekart.landscape.models import ClusterProfile, TagKind
from klyngekart.landscape.reference import COUNTRIES, EMERGING
from klyngekart.landscape.selectors import SORT_LABELS, Filters
from klyngekart.landscape.selectors import sector_tag as sector_tag_for
from klyngekart.landscape.vocabulary import area_codes, tag_name


class SearchForm(DsForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=list(SORT_LABELS.items()))

    def filters(self, data: dict[str, str]) -> Filters:
        """The list's filters from the query string: the search and sort from this form, the
        facets as they came (each is an exact value; an unknown one simply matches nothing)."""
        cleaned = self.cleaned_data if self.is_valid() else {}
        query = cleaned.get("q") or ""
        return Filters(
            q=query,
            # A search lists the best matches first unless another order is chosen.
            sort=cleaned.get("sort") or ("relevance" if query else "name"),
            **{name: str(data.get(name, ""))[:120] for name in FACETS},
        )


FACETS = ("country", "region", "label", "programme", "sector", "area", "need", "source")


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


class ProfileForm(DsModelForm):
    """A profile's fields; the sectors as one line (``;`` between them, as in the import), the
    emerging industries and competence areas as choices."""

    sectors = forms.CharField(
        label=_("Sectors"),
        required=False,
        max_length=2000,
        help_text=_("Separated by semicolons: a sector's name, a NACE division (NACE 28) or your own word."),
    )
    website = forms.URLField(label=_("website"), required=False, max_length=200, assume_scheme="https")
    emerging_industries = forms.MultipleChoiceField(
        label=_("Emerging industries"), required=False, widget=forms.CheckboxSelectMultiple
    )
    technology_areas = forms.MultipleChoiceField(
        label=_("Technology and competence areas"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ClusterProfile
        fields = [
            "name", "acronym", "country", "region", "nuts", "city", "website", "founded", "programme",
            "programme_level", "label", "label_valid_until", "members_sme", "members_large",
            "members_research", "members_public", "management_fte", "description", "source", "record_date",
        ]  # fmt: skip
        widgets = {
            "label_valid_until": forms.DateInput(attrs={"type": "date"}),
            "record_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries: list[tuple[str, str]] = sorted((c.code, str(c.name)) for c in COUNTRIES)
        countries.sort(key=lambda choice: choice[1])
        self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=countries)
        emerging: Any = self.fields["emerging_industries"]
        emerging.choices = [(code, str(name)) for code, name in EMERGING.items()]
        areas: Any = self.fields["technology_areas"]
        areas.choices = [(code, tag_name(TagKind.AREA, code)) for code in area_codes()]
        if self.instance.pk and not self.is_bound:
            tags = list(self.instance.tags.all())
            self.initial["sectors"] = "; ".join(
                tag_name(tag.kind, tag.code) if tag.kind != TagKind.NACE else f"NACE {tag.code}"
                for tag in tags
                if tag.kind in (TagKind.CATEGORY, TagKind.NACE, TagKind.SECTOR_TAG)
            )
            self.initial["emerging_industries"] = [tag.code for tag in tags if tag.kind == TagKind.EMERGING]
            self.initial["technology_areas"] = [tag.code for tag in tags if tag.kind == TagKind.AREA]

    def clean_sectors(self) -> str:
        value: str = self.cleaned_data.get("sectors", "")
        if any(len(part.strip()) > 120 for part in value.split(";")):
            raise forms.ValidationError(_("A sector is longer than %(limit)s characters.") % {"limit": 120})
        return value

    def tags(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        tags = [tag for value in data.get("sectors", "").split(";") if (tag := sector_tag_for(value))]
        tags += [(TagKind.EMERGING, code) for code in data.get("emerging_industries", [])]
        tags += [(TagKind.AREA, code) for code in data.get("technology_areas", [])]
        return tags
