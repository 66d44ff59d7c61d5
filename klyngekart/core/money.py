"""Money as people read it: one rounding for every place an amount is shown.

Sums are computed exactly (Decimal, to 50 significant digits) and rounded only when they are
shown. The page, the needs PDF, the needs XLSX and the API all round through ``round_money``, half
up, so that 1 001 kr shared by two companies is 501 kr everywhere (500.50 in the API, which gives
øre: rounded to whole kroner by the same function it is again 501).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

KRONE = Decimal("1")
ORE = Decimal("0.01")
# Narrow no-break space: the Norwegian thousands separator, which never breaks a line.
THIN_SPACE = "\u202f"


def round_money(amount: Any, places: Decimal = KRONE) -> Decimal:
    """``amount`` rounded half up to ``places`` (whole kroner unless told otherwise)."""
    return Decimal(amount).quantize(places, rounding=ROUND_HALF_UP)


def format_kroner(amount: Any, language: str | None = None) -> str:
    """Whole kroner as text: "12 500 kr" in Norwegian, "NOK 12,500" in English ("" for none)."""
    if amount is None or amount == "":
        return ""
    whole = round_money(amount)
    digits = f"{abs(whole):,.0f}"
    sign = "−" if whole < 0 else ""
    if (language or get_language() or "nb").startswith("en"):
        return f"{sign}NOK {digits}"
    return _("%(amount)s kr") % {"amount": sign + digits.replace(",", THIN_SPACE)}
