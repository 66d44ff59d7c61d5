"""The strategy form and the year picker. The services validate again: the API has no form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from klyngekart.core.forms import DsForm
from klyngekart.needs.models import GoalCategory, GoalsReached, MembershipStrategy
from klyngekart.needs.services import EDITABLE_FIELDS, MIN_YEAR, max_year
from klyngekart.taxonomy.models import CompetenceArea

VALUE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class StrategyForm(DsForm):
    goal_categories = forms.MultipleChoiceField(
        label=_("What does the company want from the membership?"),
        choices=GoalCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    goals_text = forms.CharField(
        label=_("Describe your goals"),
        help_text=_("What should the membership lead to for the company this year?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    expectations = forms.CharField(
        label=_("What do you expect from the cluster?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    priority_areas = forms.MultipleChoiceField(
        label=_("Priority competence areas"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    involved = forms.CharField(
        label=_("Who in the company is involved?"),
        help_text=_("Names or roles, e.g. the general manager and the HR lead."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    review_goals_reached = forms.ChoiceField(
        label=_("Did you reach the goals?"),
        choices=[("", _("Not assessed yet")), *GoalsReached.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    review_value = forms.ChoiceField(
        label=_("Value of the membership (1 = low, 5 = high)"),
        choices=[("", _("Not assessed yet")), *VALUE_CHOICES],
        widget=forms.RadioSelect,
        required=False,
    )
    review_text = forms.CharField(
        label=_("Year-end review"),
        help_text=_("What went well, and what should change next year?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        areas: list[CompetenceArea],
        suggested: list[str],
        strategy: MembershipStrategy | None = None,
        **kwargs: Any,
    ) -> None:
        if strategy is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(strategy, name) for name in EDITABLE_FIELDS if name != "review_value"
            } | {"review_value": str(strategy.review_value) if strategy.review_value else ""}
        super().__init__(*args, **kwargs)
        codes = [area.code for area in areas]
        choices = [(area.code, area.name) for area in areas]
        # A chosen area the cluster has hidden since stays on the form, so saving keeps it.
        for code in strategy.priority_areas if strategy else []:
            if code not in codes:
                choices.append((code, code))
        cast(forms.ChoiceField, self.fields["priority_areas"]).choices = choices
        self.suggested = [code for code in suggested if code in codes]

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}

    def bound_options(self, name: str) -> list[dict[str, Any]]:
        """The options of a checkbox field with whether each is checked, for the template."""
        bound = self[name]
        value = bound.value()
        values = value if isinstance(value, list | tuple) else [] if value in (None, "") else [value]
        # A radio group with nothing chosen shows its blank choice ("not assessed yet") as chosen.
        chosen = {str(v) for v in values} or {""}
        return [
            {
                "value": value,
                "label": label,
                "checked": str(value) in chosen,
                "id": f"{bound.auto_id}_{index}",
                "suggested": name == "priority_areas" and value in self.suggested,
            }
            for index, (value, label) in enumerate(self.fields[name].choices)  # type: ignore[attr-defined]
        ]

    @property
    def goal_options(self) -> list[dict[str, Any]]:
        return self.bound_options("goal_categories")

    @property
    def area_options(self) -> list[dict[str, Any]]:
        return self.bound_options("priority_areas")

    @property
    def goals_reached_options(self) -> list[dict[str, Any]]:
        return self.bound_options("review_goals_reached")

    @property
    def value_options(self) -> list[dict[str, Any]]:
        return self.bound_options("review_value")


class YearForm(DsForm):
    # empty_value=None: an empty or missing year cleans to None, not to "" (which the lock and
    # unlock views would hand to the services as a year).
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in range(max_year(), MIN_YEAR - 1, -1)]  # type: ignore[attr-defined]
