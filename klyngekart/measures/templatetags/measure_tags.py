from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from klyngekart.core.money import format_kroner

register = template.Library()


@register.filter
def kroner(value: Any) -> str:
    """Money in whole kroner, rounded as everywhere else (core.money): "12 500 kr", "NOK 12,500"."""
    return format_kroner(value)


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return ""
    share = (Decimal(value) * 100).normalize()
    return f"{share:f} %"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def impact_groups(row: Any) -> list[Any]:
    """An impact row's four groups in the order of the table's columns."""
    return [row.before_participants, row.after_participants, row.before_others, row.after_others]
