"""A round's response rate: one definition for the round pages, the results, the reports and the API.

- **Completed** counts every answer that came in: through personal invitations and open links.
- **Invited** counts personal invitations only.
- A company's **audience** is who could have answered: its personal invitations; with an open
  link turned on, everyone employed there (its head count, when the cluster knows it, and never
  fewer than the invitations). A company with neither invitations nor an open link counts its
  head count, so that it still weighs in the total.
- The **response rate** is completed over audience, summed over the companies whose audience is
  known, never above 100 %. It is shown with one decimal ("1,5 %") everywhere.

Before, a company with 14 invitations and an open link showed "Invited 14 · Completed 44" and
a rate over its 14 invitations (capped at 100 %), while the total divided by another sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.utils.formats import number_format

RATE_PLACES = Decimal("0.0001")


def audience_size(*, invited: int, employees: int | None, open_link: bool) -> int | None:
    """Who could have answered in one company (see the module's docstring)."""
    if open_link:
        return max(invited, employees or 0) or None
    return invited or employees or None


class Audience(Protocol):
    """A round's company as far as its response rate goes: a RoundCompany or a listed one."""

    @property
    def completed_count(self) -> int: ...

    @property
    def audience_size(self) -> int | None: ...


def response_rate(companies: Iterable[Audience]) -> Decimal | None:
    """Completed over the audience of the companies whose audience is known, exact to four
    places and at most 1; None when no company's audience is known."""
    completed = 0
    audience = 0
    for company in companies:
        size = company.audience_size
        if size:
            completed += company.completed_count
            audience += size
    if not audience:
        return None
    return min(Decimal(completed) / Decimal(audience), Decimal(1)).quantize(
        RATE_PLACES, rounding=ROUND_HALF_UP
    )


def rate_percent(rate: Decimal | None, empty: str = "–") -> str:
    """A rate as the pages print it: one decimal in the page's language, "1,5 %" or "1.5 %"."""
    if rate is None:
        return empty
    percent = (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(percent, decimal_pos=1)} %"
