from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.collaborations.models import Stage
from klyngekart.collaborations.services import MAX_NOTE, current_members, responsible_candidates
from klyngekart.core.forms import DsForm
from klyngekart.core.models import Cluster
from klyngekart.landscape.models import ClusterProfile


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.country_name})"


class ResponsibleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpportunityForm(DsForm):
    title = forms.CharField(label=_("Title or theme"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partners = PartnerChoiceField(
        label=_("Partner clusters"),
        queryset=ClusterProfile.objects.none(),
        help_text=_(
            "From the cluster landscape. Hold Ctrl (Cmd on a Mac) to choose more than one, or start "
            "from a cluster's page in the landscape and choose “Add to pipeline”."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Involved member companies"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_on = forms.DateField(label=_("Date of the next step"), required=False, widget=_date_widget())
    responsible: forms.ModelChoiceField = ResponsibleChoiceField(
        label=_("Responsible"),
        queryset=None,
        required=False,
        help_text=_(
            "Gets the reminder when the next step is due. Without one, the cluster's managers get it."
        ),
    )

    def __init__(
        self, *args: Any, cluster: Cluster, partner_ids: list[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every profile of the directory can be a partner; the ones already chosen come first.
        self.fields["partners"].queryset = ClusterProfile.objects.order_by("name", "pk")  # type: ignore[attr-defined]
        self.fields["members"].queryset = current_members(cluster)  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda m: m.name  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = responsible_candidates(cluster)  # type: ignore[attr-defined]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["partners"] = list(data["partners"])
        data["members"] = list(data["members"])
        return data


class MoveForm(DsForm):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)


class NextStepForm(DsForm):
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_on = forms.DateField(label=_("Date of the next step"), required=False, widget=_date_widget())


class NoteForm(DsForm):
    note = forms.CharField(
        label=_("Add a note"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class FilterForm(DsForm):
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )
    country = forms.ChoiceField(
        label=_("Partner country"), choices=[("", _("All countries"))], required=False
    )
    overdue = forms.BooleanField(label=_("Only overdue next steps"), required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]  # type: ignore[attr-defined]
