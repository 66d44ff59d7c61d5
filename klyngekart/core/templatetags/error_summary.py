"""The error summary at the top of a long form: each error a link to its field."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

# Widgets drawn as a group of inputs: the link goes to the first of them.
GROUPS = ("checkboxselectmultiple", "radioselect")
# From this many visible fields a form is long enough that an error may be out of sight.
LONG_FORM = 5


@register.filter
def error_links(form: Any) -> list[dict[str, str]]:
    """[{"href": input id ("" for the form as a whole), "label", "message"}] in field order."""
    links = [{"href": "", "label": "", "message": str(error)} for error in form.non_field_errors()]
    for field in form.visible_fields():
        if not field.errors:
            continue
        target = field.auto_id or ""
        if target and field.widget_type in GROUPS:
            target = f"{target}_0"
        for error in field.errors:
            links.append({"href": target, "label": str(field.label), "message": str(error)})
    return links


@register.filter
def is_long_form(form: Any) -> bool:
    return len(form.visible_fields()) >= LONG_FORM
