"""Open links: turning a company's open link on and off, and deciding which of its answers to hold.

Why open links are guarded (PRODUCT.md, "Privacy"; issue 12, finding 4): whoever holds a company's
open link can post answers they know. Posting k-1 of them lifts a small company over the threshold
k, and subtracting the fakes from the released figures gives the one real answer. So:

- personal invitations are the default: an open link is off until the cluster team (for any
  company) or the company's own contact turns it on, having been told why (``OPEN_LINK_WARNING``);
  every change is audited;
- one browser answers an open link once (surveys/answering/views.py);
- what looks like one person answering many times is held for the cluster team's review and counts
  for nothing until approved (surveys/rounds/holds.py): the same browser answering again (``repeat``), or
  more answers from one address through one link within a few minutes than the installation allows
  (``burst``, below).

The burst counter lives in the cache under an HMAC of the client's address, the link and the time
window (as the rate limit does, surveys/answering/throttle.py): it cannot be turned back into an address and
expires within two windows. Nothing stored with an answer says how it was decided.

The default, more than 20 answers within 10 minutes from one address through one link, is chosen so
that an office of colleagues who answer together after a meeting, behind one company address, is
not held; a script that posts dozens is. It does not stop someone with a few browsers from adding a
few answers: that is what the warning, the audit and personal invitations are for (docs/security.md).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klyngekart.core.audit import audit_log
from klyngekart.core.client import cache_count, keyed_address
from klyngekart.surveys.models import HoldReason, RoundCompany, RoundStatus
from klyngekart.surveys.rounds.audience import audience_is_fixed, fixed_audience_message

DEFAULT_BURST = 20
DEFAULT_BURST_MINUTES = 10

OPEN_LINK_WARNING = gettext_lazy(
    "Anyone who has an open link can answer through it, as often as they like, and nobody can see "
    "who did. Someone who wants to find out what a colleague answered could post made-up answers "
    "until a small company reaches the number of answers that results are shown for, and then "
    "subtract them. Personal invitations by email prevent this. Turn the open link on only if the "
    "company cannot invite its employees by email, and share it only with its employees."
)


def open_link_set(*, round_company: RoundCompany, actor: Any, enabled: bool) -> RoundCompany:
    """Turn a company's open link on or off (audited). Turning it on is refused once the round is
    closed; turning it off always works. Setting what is already set changes nothing."""
    round_ = round_company.round
    if enabled and round_.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round is closed; its open links cannot be turned on."), code="closed")
    if enabled and audience_is_fixed(round_):
        raise ValidationError(fixed_audience_message(), code="fixed_audience")
    with transaction.atomic():
        changed = (
            RoundCompany.objects.filter(pk=round_company.pk)
            .exclude(open_link_enabled=enabled)
            .update(open_link_enabled=enabled)
        )
        round_company.open_link_enabled = enabled
        if changed:
            audit_log(
                cluster=round_company.cluster,
                actor=actor,
                action="surveys.open_link.enabled" if enabled else "surveys.open_link.disabled",
                target=round_company,
                data={"round_id": round_.pk, "company_id": round_company.company_id},
            )
    return round_company


def burst_setting() -> tuple[int, int]:
    """(answers, minutes): more answers than this from one address through one link within that
    many minutes are held. 0 answers turns the check off."""
    limit = getattr(settings, "KLYNGEKART_OPEN_LINK_BURST", DEFAULT_BURST)
    minutes = getattr(settings, "KLYNGEKART_OPEN_LINK_BURST_MINUTES", DEFAULT_BURST_MINUTES)
    return int(limit or 0), max(1, int(minutes or DEFAULT_BURST_MINUTES))


def _clock() -> float:
    return time.time()


def _burst_count(request: HttpRequest, round_company: RoundCompany, window: int) -> float:
    """Count this answer and return the answers of the last ``window`` seconds, estimated from two
    fixed windows (the current one, and the previous one weighted by how much of it still lies
    within ``window``): no list of times is kept, only two counters."""
    now = _clock()
    bucket = int(now // window)

    def key(number: int) -> str:
        return f"klyngekart:open-link-burst:{keyed_address(request, 'open-link', number, round_company.pk)}"

    current = cache_count(key(bucket), 2 * window)
    previous = int(cache.get(key(bucket - 1)) or 0)
    overlap = 1 - (now - bucket * window) / window
    return current + previous * overlap


def open_link_hold(*, request: HttpRequest, round_company: RoundCompany, answered_before: bool) -> str | None:
    """Count one answer through an open link and say whether to hold it: ``repeat`` when this
    browser has answered through the link before (``answered_before``), ``burst`` when its address
    sent more than the setting allows within the window, else None. Call once per new answer,
    before storing it."""
    limit, minutes = burst_setting()
    over = bool(limit) and _burst_count(request, round_company, minutes * 60) > limit
    if answered_before:
        return HoldReason.REPEAT.value
    return HoldReason.BURST.value if over else None
