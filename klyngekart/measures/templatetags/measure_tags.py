from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

THIN_SPACE = "\u202f"  # narrow no-break space: the Norwegian thousands separator that never wraps


@register.filter
def kroner(value: Any) -> str:
    """Money in whole kroner, rounded half up only here: "12 500 kr" in Norwegian, "NOK 12,500" in English."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    digits = f"{abs(amount):,.0f}"
    sign = "−" if amount < 0 else ""
    if (get_language() or "nb").startswith("en"):
        return f"{sign}NOK {digits}"
    return _("%(amount)s kr") % {"amount": sign + digits.replace(",", THIN_SPACE)}


@register.filter
def percent(value: Any) -> str:
    if value is None or value == "":
        return ""
    share = (Decimal(value) * 100).normalize()
    return f"{share:f} %"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
