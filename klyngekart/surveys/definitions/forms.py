"""Forms of the survey builder. They turn what a person types into the data the services in
surveys.definitions take; the services do the checking, so a form only parses."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klyngekart.core.forms import DsForm, add_service_errors
from klyngekart.surveys.definitions.logic import OTHER
from klyngekart.surveys.definitions.services import CONDITION_TYPES
from klyngekart.surveys.models import Question, QuestionType, SurveyKind
from klyngekart.taxonomy.models import CompetenceArea


class SurveyForm(DsForm):
    title_nb = forms.CharField(label=gettext_lazy("Title (Norwegian)"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=SurveyKind.choices, initial=SurveyKind.CUSTOM
    )


class VersionForm(DsForm):
    intro_nb = forms.CharField(
        label=gettext_lazy("Introduction (Norwegian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    intro_en = forms.CharField(
        label=gettext_lazy("Introduction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SectionForm(DsForm):
    title_nb = forms.CharField(label=gettext_lazy("Title (Norwegian)"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    intro_nb = forms.CharField(
        label=gettext_lazy("Introduction (Norwegian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    intro_en = forms.CharField(
        label=gettext_lazy("Introduction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(DsForm):
    file = forms.FileField(
        label=gettext_lazy("XLSForm workbook"),
        help_text=gettext_lazy(
            "An .xlsx or .xls file from KoboToolbox, ODK, SurveyCTO or Excel, at most 5 MB."
        ),
    )


def options_to_text(options: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{o.get('key', '')} | {o.get('nb', '')} | {o.get('en', '')}".rstrip(" |") for o in options
    )


def parse_options(text: str) -> list[dict[str, str]]:
    """One option a line: "key | Norwegian | English"; a line with only a text gets a key made
    from it."""
    options = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) == 1:
            key = slugify(parts[0]).replace("-", "_")[:60] or f"option_{number}"
            options.append({"key": key, "nb": parts[0], "en": ""})
        else:
            options.append({"key": parts[0], "nb": parts[1], "en": parts[2] if len(parts) > 2 else ""})
    return options


def _condition_label(question: Question, value: Any) -> str:
    label = question.option_label(str(value)) if question.options else str(value)
    if value == OTHER:
        label = _("Other")
    return f"{question.key} = {label}"


def condition_choices(earlier: list[Question], current: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (earlier question, value) a show-if can test, as one list: no JavaScript needed."""
    choices: list[tuple[str, str]] = [("", _("Always shown"))]
    for question in earlier:
        if question.type not in CONDITION_TYPES:
            continue
        if question.type == QuestionType.LIKERT:
            values: list[Any] = list(range(1, 6))
        elif question.type == QuestionType.NPS:
            values = list(range(0, 11))
        else:
            values = [o["key"] for o in question.options] + ([OTHER] if question.allow_other else [])
        for value in values:
            condition = {"question": question.key, "equals": value}
            choices.append((json.dumps(condition), _condition_label(question, value)))
    if current and json.dumps(current) not in {value for value, _label in choices}:
        # A condition from an import ("one of several values") is kept as it is.
        values = current.get("in") or [current.get("equals")]
        choices.append((json.dumps(current), f"{current.get('question')} ∈ {', '.join(map(str, values))}"))
    return choices


class QuestionForm(DsForm):
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=60,
        help_text=gettext_lazy("A short name for the question in results and exports, e.g. role_group."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=QuestionType.choices)
    text_nb = forms.CharField(
        label=gettext_lazy("Question (Norwegian)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=gettext_lazy("Question (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_nb = forms.CharField(label=gettext_lazy("Help text (Norwegian)"), required=False)
    help_en = forms.CharField(label=gettext_lazy("Help text (English)"), required=False)
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False)
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "For choice and ranking questions: one option a line, as “key | Norwegian | English”."
        ),
    )
    allow_other = forms.BooleanField(label=gettext_lazy("Offer “Other” with a text field"), required=False)
    min_value = forms.IntegerField(label=gettext_lazy("Lowest number"), required=False)
    max_value = forms.IntegerField(label=gettext_lazy("Highest number"), required=False)
    show_if = forms.ChoiceField(
        label=gettext_lazy("Show only if"),
        required=False,
        help_text=gettext_lazy("The question is asked only when an earlier answer has this value."),
    )
    is_segment = forms.BooleanField(
        label=gettext_lazy("Split results by this answer (e.g. role group; single choice only)"),
        required=False,
    )
    areas = forms.MultipleChoiceField(
        label=gettext_lazy("Competence areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "For a gap matrix: tick the areas to ask about, or none to ask about every area."
        ),
    )

    def __init__(
        self,
        *args: Any,
        earlier: list[Question],
        areas: list[CompetenceArea],
        instance: Question | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(instance, name)
                for name in ("key", "type", "text_nb", "text_en", "help_nb", "help_en", "required")
                + ("allow_other", "min_value", "max_value", "is_segment", "areas")
            }
            kwargs["initial"]["options"] = options_to_text(instance.options)
            kwargs["initial"]["show_if"] = json.dumps(instance.show_if) if instance.show_if else ""
        super().__init__(*args, **kwargs)
        show_if_field: forms.ChoiceField = self.fields["show_if"]  # type: ignore[assignment]
        show_if_field.choices = condition_choices(earlier, instance.show_if if instance else {})
        known = [(area.code, area.name) for area in areas]
        chosen = list(instance.areas) if instance else []
        # Codes outside the current taxonomy stay listed, so saving does not silently drop them.
        known += [(code, code) for code in chosen if code not in {c for c, _n in known}]
        areas_field: forms.MultipleChoiceField = self.fields["areas"]  # type: ignore[assignment]
        areas_field.choices = known
        self.fields["areas"].widget.attrs.pop("class", None)

    def data_for_service(self, options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The cleaned question for the services, what does not belong to its type left out.
        ``options`` are given as a list by a caller that has them so (the API), else they are
        read from the text field."""
        data = dict(self.cleaned_data)
        kind = data["type"]
        if options is None:
            options = parse_options(data.get("options") or "")
        data["options"] = options if kind in _CHOICE else []
        data["show_if"] = json.loads(data["show_if"]) if data.get("show_if") else {}
        data["areas"] = list(data.get("areas") or []) if kind == QuestionType.GAP_MATRIX else []
        if kind != QuestionType.NUMBER:
            data["min_value"] = data["max_value"] = None
        if kind not in _CHOICE:
            data["allow_other"] = False
        if kind != QuestionType.SINGLE:
            data["is_segment"] = False
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


_CHOICE = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RANKING}
