from __future__ import annotations

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
