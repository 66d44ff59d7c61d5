"""Answers held for review: listing them, approving and rejecting them (the cluster team).

An answer through an open link that looks like one person answering many times (surveys/rounds/open_links.py)
is stored held: in a ``HeldBatch`` per link, reason and day, which is as fine as the time of an
answer may be known. A held answer counts for nothing (the release leaves it out) until the team
approves its batch; rejecting a batch deletes its answers. Nobody sees the answers themselves here,
only how many there are per company, reason and day.

The company's completed count moved when a held answer came in, as for any answer, so that whoever
pads cannot tell from the progress page that they were caught; rejecting takes it back, and so does
closing the round with answers still held (the release drops them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.surveys.models import HeldBatch, HoldReason, Response, Round, RoundCompany, RoundStatus


@dataclass(frozen=True)
class HeldRow:
    id: uuid.UUID
    round_company_id: int
    company_name: str
    org_number: str
    reason: str
    held_on: dt.date
    count: int

    @property
    def reason_label(self) -> str:
        return str(HoldReason(self.reason).label)


def held_list(*, round_: Round) -> list[HeldRow]:
    """The round's held batches: company, reason, day and how many answers, oldest first."""
    batches = (
        HeldBatch.objects.filter(round=round_)
        .annotate(n=Count("responses"))
        .values_list(
            "pk", "round_company_id", "round_company__membership__name", "round_company__company__org_number",
            "reason", "held_on", "n",
        )
        .order_by("held_on", "round_company__membership__name", "reason")
    )  # fmt: skip
    return [HeldRow(pk, rc, name, org or "", reason, day, n) for pk, rc, name, org, reason, day, n in batches]


def held_total(round_: Round) -> int:
    """How many answers of the round are held (for the notices on the round's pages)."""
    return Response.objects.filter(round=round_, held__isnull=False).count()


@dataclass(frozen=True)
class HeldOutcome:
    batches: int
    responses: int


def _chosen(round_: Round, ids: Iterable[Any]) -> list[HeldBatch]:
    """The batches ``ids`` of ``round_``, locked; every id must be one (else nothing is done)."""
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(
            _("The round is not open: answers still held when it closed were left out of its results."),
            code="closed",
        )
    try:
        wanted = {uuid.UUID(str(value)) for value in ids}
    except ValueError as error:
        raise ValidationError(_("Unknown held answers."), code="unknown") from error
    batches = list(HeldBatch.objects.select_for_update().filter(round=round_, pk__in=wanted))
    if len(batches) != len(wanted):
        raise ValidationError(_("Unknown held answers."), code="unknown")
    return batches


def _per_batch(batches: list[HeldBatch]) -> tuple[Counter[Any], list[dict[str, Any]]]:
    counts = Counter(Response.objects.filter(held__in=batches).values_list("held_id", flat=True).order_by())
    # The audit row says what was decided (company, reason, day, how many), never which answers.
    data = [
        {
            "round_company_id": batch.round_company_id,
            "reason": batch.reason,
            "held_on": batch.held_on.isoformat(),
            "count": counts[batch.pk],
        }
        for batch in sorted(batches, key=lambda b: (b.held_on, b.round_company_id, b.reason))
    ]
    return counts, data


def held_approve(*, round_: Round, actor: Any, ids: Iterable[Any]) -> HeldOutcome:
    """Count the answers of the chosen batches: they are released with the round like any other."""
    with transaction.atomic():
        batches = _chosen(round_, ids)
        counts, data = _per_batch(batches)
        # Un-hold first: deleting a batch would un-hold its answers anyway (SET_NULL), but only the
        # answers of the chosen batches may be freed, so it is said explicitly.
        freed = Response.objects.filter(held__in=batches).update(held=None)
        HeldBatch.objects.filter(pk__in=[batch.pk for batch in batches]).delete()
        if batches:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.held.approved",
                target=round_,
                data={"responses": freed, "batches": data},
            )
    return HeldOutcome(len(batches), freed)


def _uncount(per_company: Counter[int]) -> None:
    """Take answers that never counted back out of the companies' progress counters."""
    for round_company_id, n in per_company.items():
        RoundCompany.objects.filter(pk=round_company_id).update(
            completed_count=Greatest(F("completed_count") - n, Value(0)),
            started_count=Greatest(F("started_count") - n, Value(0)),
        )


def held_reject(*, round_: Round, actor: Any, ids: Iterable[Any]) -> HeldOutcome:
    """Delete the answers of the chosen batches, and the batches."""
    with transaction.atomic():
        batches = _chosen(round_, ids)
        counts, data = _per_batch(batches)
        per_company: Counter[int] = Counter()
        for batch in batches:
            per_company[batch.round_company_id] += counts[batch.pk]
        # The answers first: deleting the batch first would un-hold them (SET_NULL) and count them.
        deleted = sum(counts.values())
        Response.objects.filter(held__in=batches).delete()
        HeldBatch.objects.filter(pk__in=[batch.pk for batch in batches]).delete()
        _uncount(per_company)
        if batches:
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.held.rejected",
                target=round_,
                data={"responses": deleted, "batches": data},
            )
    return HeldOutcome(len(batches), deleted)


def held_uncount_at_close(*, round_: Round) -> int:
    """When a round closes with answers still held, its release drops them (surveys/results/release.py):
    take them out of the progress counters now. Call inside the closing transaction. Returns how
    many answers were held."""
    per_company: Counter[int] = Counter(
        Response.objects.filter(round=round_, held__isnull=False)
        .values_list("round_company_id", flat=True)
        .order_by()
    )
    _uncount(per_company)
    return sum(per_company.values())
