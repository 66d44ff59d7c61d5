from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.memberservices.models import MemberService, PulseSchedule
from klyngekart.memberservices.services import FIELDS
from klyngekart.surveys.results import SEGMENT_KINDS


class ServiceForm(forms.ModelForm):
    class Meta:
        model = MemberService
        fields = list(FIELDS)
        widgets = {
            "description_nb": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS}


class MemberSurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))
    reminder_days = forms.CharField(
        label=_("Reminder days"),
        required=False,
        help_text=_("Days after opening to remind those who have not answered, separated by commas."),
    )

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Write whole numbers of days, separated by commas."))
        return [int(part) for part in parts]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if isinstance(opens, datetime.date) and isinstance(closes, datetime.date) and closes < opens:
            self.add_error("closes_on", _("The round must close on or after the day it opens."))
        return data


SEGMENT_LABELS = {"size": _("Size class"), "nace": _("Industry (NACE section)"), "region": _("Region")}


class SegmentForm(forms.Form):
    segment = forms.ChoiceField(
        label=_("Split by"),
        required=False,
        choices=[("", _("No split"))] + [(kind, SEGMENT_LABELS[kind]) for kind in SEGMENT_KINDS],
    )


class PulseScheduleForm(forms.ModelForm):
    reminder_days = forms.CharField(
        label=_("Reminder days"),
        required=False,
        help_text=_("Days after opening to remind those who have not answered, separated by commas."),
    )

    class Meta:
        model = PulseSchedule
        fields = ["active", "every_months", "next_on", "open_days"]
        widgets = {"next_on": forms.DateInput(attrs={"type": "date"})}

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        parts = [part.strip() for part in str(raw).split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Write whole numbers of days, separated by commas."))
        return [int(part) for part in parts]

    def data_for_service(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("active", "every_months", "next_on", "open_days", "reminder_days")
        }
