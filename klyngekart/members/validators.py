"""Norwegian organisation numbers: nine digits, the last a MOD11 check digit (Brønnøysund)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def normalise_org_number(value: object) -> str:
    """Strip the spaces, dots and 'NO'/'MVA' that people paste around an org number."""
    text = str(value or "").strip().upper()
    # A number that went through Excel as a float: "912345602.0". Only nine digits before the
    # ".0" qualify, so "12345678.0" (a dot typed before a check digit 0) keeps its last digit.
    if re.fullmatch(r"[0-9]{9}\.0+", text):
        text = text.split(".", 1)[0]
    text = re.sub(r"^NO|MVA$", "", text)
    return re.sub(r"[\s.\-\u00a0]", "", text)


def org_number_check_digit(first_eight: str) -> int | None:
    """The MOD11 check digit for eight digits, or None when no valid number can end them."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, ORG_NUMBER_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_org_number(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", value or ""):
        return False
    return org_number_check_digit(value[:8]) == int(value[8])


def validate_org_number(value: str) -> None:
    if not re.fullmatch(r"[0-9]{9}", value or ""):
        raise ValidationError(_("An organisation number has nine digits."), code="org_number_format")
    if not is_valid_org_number(value):
        raise ValidationError(
            _("%(value)s is not a valid organisation number (the check digit does not match)."),
            code="org_number_checksum",
            params={"value": value},
        )
