from __future__ import annotations

from typing import Any

from django import forms, template

from klyngekart.accounts.selectors import role_label as _role_label

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    """``{{ invitation.role|role_label }}``: the translated name of a cluster or company role."""
    return _role_label(role)


@register.filter
def ds_form(form: Any) -> Any:
    """Give a form that is not ours (allauth's) the Designsystemet widget classes that
    DsForm adds to our own, so ``{{ form }}`` looks the same everywhere."""
    if isinstance(form, forms.BaseForm):
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")
    return form
