"""Checks on competence-area codes that several apps take from a form or the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def clean_area_codes(value: Any, area_codes: list[str] | None) -> list[str]:
    """The codes in ``value`` once each, in their order. With ``area_codes`` (the taxonomy's),
    an unknown code is a ValidationError on ``areas``, naming it."""
    codes = [str(code) for code in (value or [])]
    if area_codes is not None:
        unknown = [code for code in codes if code not in area_codes]
        if unknown:
            raise ValidationError({"areas": _("Unknown competence areas: %s") % ", ".join(unknown)})
    return list(dict.fromkeys(codes))
