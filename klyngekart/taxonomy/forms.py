"""Forms of the taxonomy pages. The services validate again; these give the page its fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.taxonomy.defaults import esco_label, esco_labels
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup


class AreaForm(DsForm):
    name_nb = forms.CharField(label=_("Name (Norwegian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    description_nb = forms.CharField(
        label=_("Description (Norwegian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One sentence that tells a respondent what the area covers."),
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ChoiceField(label=_("Group"), choices=CompetenceGroup.choices)
    esco = forms.MultipleChoiceField(
        label=_("ESCO concepts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The skills and knowledge in the European ESCO classification that the area covers."),
    )

    def __init__(self, *args: Any, area: CompetenceArea | None = None, **kwargs: Any) -> None:
        if area is not None:
            kwargs.setdefault("initial", {name: getattr(area, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        # The shipped concepts, and any other concept the area already has, so none is lost.
        uris = set(esco_labels()) | set(area.esco if area else [])
        choices = sorted(((uri, esco_label(uri)) for uri in uris), key=lambda choice: choice[1].lower())
        self.fields["esco"].choices = choices  # type: ignore[attr-defined]


class MoveForm(DsForm):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
