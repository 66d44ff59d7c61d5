"""How a company's identifiers read on a page: ``{% load member_tags %}``.

- ``org_number``: a Norwegian organisation number in groups of three, "987 654 321", as
  Brønnøysundregistrene writes it (with no-break spaces, so it never wraps); anything else (a
  foreign identifier such as "SE-5561234567") is shown as it is.
- ``nace``: a NACE code with its name in the page's language, "62.010 Programmeringstjenester".
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from klyngekart.taxonomy.nace import lookup_nace

register = template.Library()

NO_BREAK_SPACE = "\u00a0"


def format_org_number(value: object) -> str:
    text = str(value or "").strip()
    digits = re.sub(r"\s", "", text)
    if re.fullmatch(r"\d{9}", digits):
        return NO_BREAK_SPACE.join((digits[:3], digits[3:6], digits[6:]))
    return text


@register.filter
def org_number(value: object) -> str:
    return format_org_number(value)


@register.filter
def nace(code: object) -> SafeString | str:
    """The code, then its name (muted); a code the reference list does not know, as it is."""
    if not code:
        return ""
    known = lookup_nace(code)
    if known is None:
        return str(code)
    return format_html('{} <span class="kk-muted">{}</span>', known.code, known.name)
