from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.core.models import Cluster


class ClusterCreateForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens. The cluster's pages live at /c/<address>/."),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    manager_email = forms.EmailField(
        label=_("First cluster manager's email"),
        help_text=_("They get an invitation by email and choose their own password."),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if Cluster.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another cluster already has this address."))
        return slug


class AuditFilterForm(forms.Form):
    """The change log's filters: the area, the person, and a range of days."""

    action = forms.ChoiceField(label=_("Area"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, groups: list[tuple[str, str]], actors: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All changes")), *groups]  # type: ignore[attr-defined]
        self.fields["who"].choices = [("", _("Everyone")), *((str(pk), name) for pk, name in actors)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day cannot be before the first."))
        return cleaned
