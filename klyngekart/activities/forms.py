from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.activities.models import Activity, ActivityKind
from klyngekart.core.forms import DsForm, DsModelForm
from klyngekart.taxonomy.models import CompetenceArea

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _local(attrs: dict[str, str] | None = None) -> forms.DateTimeInput:
    # The browser's date-and-time picker; the value is read in the current time zone (Europe/Oslo).
    return forms.DateTimeInput(attrs={"type": "datetime-local", **(attrs or {})}, format=LOCAL_INPUT)


class ActivityForm(DsModelForm):
    areas = forms.MultipleChoiceField(
        label=_("Competence areas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Querysets are the cluster's own, set per request inside the scope.
    chosen_members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Chosen members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience “Chosen members”."),
    )
    measures: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Joint measures"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "title_en",
            "description",
            "description_en",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "registration_deadline",
            "audience",
            "chosen_members",
            "measures",
            "areas",
        ]
        widgets = {
            "starts_at": _local(),
            "ends_at": _local(),
            "registration_deadline": _local(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self, *args: Any, areas: list[CompetenceArea], memberships: Any, measures: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(area.code, area.name) for area in areas]  # type: ignore[attr-defined]
        self.fields["chosen_members"].queryset = memberships  # type: ignore[attr-defined]
        self.fields["measures"].queryset = measures  # type: ignore[attr-defined]
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]  # type: ignore[attr-defined]
        self.fields["capacity"].widget.attrs.update({"min": "1"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("audience") == "chosen" and not cleaned.get("chosen_members"):
            self.add_error("chosen_members", _("Choose at least one member company for this activity."))
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["chosen_members"] = list(data.get("chosen_members") or [])
        data["measures"] = list(data.get("measures") or [])
        return data


class FilterForm(DsForm):
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types"))] + list(ActivityKind.choices), required=False
    )
    area = forms.ChoiceField(label=_("Competence area"), choices=[("", _("All areas"))], required=False)
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args: Any, areas: list[CompetenceArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas"))] + [(a.code, a.name) for a in areas]  # type: ignore[attr-defined]


class RegisterOtherForm(DsForm):
    """Register someone else: a company contact its colleagues, the cluster team anyone."""

    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    membership = forms.TypedChoiceField(
        label=_("Member company"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, memberships: list[Any], guests: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.name) for m in memberships]
        if guests:
            choices = [("", _("Guest (no member company)"))] + choices
        self.fields["membership"].choices = choices  # type: ignore[attr-defined]
        self.fields["membership"].required = not guests
