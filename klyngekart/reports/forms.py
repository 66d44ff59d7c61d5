from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.reports.models import ReportFormat


class NeedsReportForm(DsForm):
    round = forms.TypedChoiceField(label=_("Mapping round"), coerce=int)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("nb", _("Norwegian (Bokmål)")), ("en", _("English"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r.pk, r.title) for r in rounds]  # type: ignore[attr-defined]
