"""Forms render with Designsystemet markup through one renderer, so every form in the app
looks and behaves the same: label, description, input, and the error next to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class KlyngekartFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DsFormMixin:
    """Adds Designsystemet classes to widgets. Mix into every Form and ModelForm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            # Designsystemet styles inputs, selects, checkboxes and radios by the same class.
            field.widget.attrs.setdefault("class", "ds-input")


class DsForm(DsFormMixin, forms.Form):
    pass


class DsModelForm(DsFormMixin, forms.ModelForm):
    pass


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it is about when we have one."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
