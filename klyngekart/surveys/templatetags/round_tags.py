"""Round figures as the pages print them: ``{% load round_tags %}``, ``{{ rate|rate_percent }}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from klyngekart.surveys.rounds.rates import rate_percent as format_rate

register = template.Library()


@register.filter
def rate_percent(rate: Decimal | None) -> str:
    """A response rate (0..1) with one decimal in the page's language: "1,5 %"; "–" for none."""
    return format_rate(rate)
