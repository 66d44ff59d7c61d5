"""What the round pages, the home pages and the API read of rounds: the list, each company's
progress, the parts a company role may invite for, and a company's own personal invitations.
Counters only: nothing here tells who answered, and counts below k show as "under k"
(``shown_count``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.access import ClusterAccess
from klyngekart.core.privacy import k_threshold
from klyngekart.surveys.models import (
    RespondentInvitation,
    Round,
    RoundCompany,
    RoundStatus,
)
from klyngekart.surveys.rounds.rates import response_rate


def round_list(
    *, access: ClusterAccess, status: str = "", survey_id: int | None = None, year: int | None = None
) -> QuerySet[Round]:
    """Rounds the user may see with their progress totals; a company role sees only the rounds
    its companies take part in, with only its own companies' counts. ``status``, ``survey_id``
    (the survey, any version) and ``year`` (the year it opens) narrow the list."""
    parts = Q()
    rounds = Round.objects.filter(cluster=access.cluster)
    if status:
        rounds = rounds.filter(status=status)
    if survey_id is not None:
        rounds = rounds.filter(survey_version__survey_id=survey_id)
    if year is not None:
        rounds = rounds.filter(opens_on__year=year)
    if access.is_company_role:
        parts = Q(companies__company_id__in=access.company_ids)
        rounds = rounds.filter(companies__company_id__in=access.company_ids).distinct()
    return rounds.select_related("survey_version__survey").annotate(
        company_count=Count("companies", filter=parts, distinct=True),
        invited_total=Sum("companies__invited_count", filter=parts),
        completed_total=Sum("companies__completed_count", filter=parts),
    )


def percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shown_count(count: int, k: int) -> int | None:
    """A progress count as it may be shown: None ("under k") from 1 to k - 1. A small count next to
    a company's name says how few of its people have answered, and read twice it says when one more
    did; no one may learn that of a group smaller than k. Nought and k or more are shown."""
    return count if count == 0 or count >= k else None


@dataclass
class ProgressRow:
    """One company's progress: invited (the company's own list, always shown), and started and
    completed, each None when it is under k (see ``shown_count``); the rate only from k."""

    part: RoundCompany
    invited: int
    started: int | None
    completed: int | None
    response_rate: Decimal | None

    @property
    def company(self) -> Any:
        """The company as this cluster records it (its membership)."""
        return self.part.membership

    @property
    def response_percent(self) -> Decimal | None:
        return percent(self.response_rate)


@dataclass
class Progress:
    rows: list[ProgressRow]
    invited: int
    started: int | None
    completed: int | None
    response_rate: Decimal | None
    k: int

    @property
    def response_percent(self) -> Decimal | None:
        return percent(self.response_rate)


def progress_row(part: RoundCompany, k: int) -> ProgressRow:
    completed = shown_count(part.completed_count, k)
    return ProgressRow(
        part=part,
        invited=part.invited_count,
        started=shown_count(part.started_count, k),
        completed=completed,
        response_rate=response_rate([part]) if completed else None,
    )


def round_progress(*, round_: Round, access: ClusterAccess) -> Progress:
    """Counts per company (never who) and their totals, each count under k shown as such; a company
    role gets its own rows only."""
    k = k_threshold(round_.cluster)
    parts = list(round_.companies.select_related("company", "membership").order_by("membership__name"))
    if access.is_company_role:
        parts = [part for part in parts if part.company_id in access.company_ids]
    completed = sum(part.completed_count for part in parts)
    total_completed = shown_count(completed, k)
    return Progress(
        rows=[progress_row(part, k) for part in parts],
        invited=sum(part.invited_count for part in parts),
        started=shown_count(sum(part.started_count for part in parts), k),
        completed=total_completed,
        response_rate=response_rate(parts) if total_completed else None,
        k=k,
    )


def open_parts_to_invite(*, access: ClusterAccess) -> list[RoundCompany]:
    """The open rounds' parts of the companies a company role may invite employees for, newest
    round first: what its home page offers to invite for. Empty for anyone else."""
    if not access.is_company_role or not access.can("rounds.invite_own"):
        return []
    return list(
        RoundCompany.objects.filter(
            cluster=access.cluster,
            company_id__in=access.company_ids,
            round__status=RoundStatus.OPEN,
            round__closes_on__gte=timezone.localdate(),
        )
        .select_related("round", "membership")
        .order_by("-round__opens_on", "round_id", "membership__name")
    )


def pending_invitations(round_: Round) -> int:
    """Invitations not mailed yet (added while the round was a draft): opening sends them."""
    return (
        RespondentInvitation.objects.filter(
            round_company__round=round_, sent_on__isnull=True, withdrawn=False
        )
        .exclude(email="")
        .count()
    )


# --- one company's personal invitations (for its own people only) ---------------------------


@dataclass(frozen=True)
class InvitedRow:
    """One invited address as its company's contact sees it: never whether it answered."""

    pk: int
    email: str
    withdrawn: bool


def invitation_rows(round_company: RoundCompany) -> list[InvitedRow]:
    """The company's invitations with the address, sorted, and whether each was withdrawn, without
    any status: which of them answered must not show, so the list is the same whether anyone
    answered or not."""
    return [
        InvitedRow(pk, email, withdrawn)
        for pk, email, withdrawn in round_company.invitations.exclude(email="")
        .order_by("email", "pk")
        .values_list("pk", "email", "withdrawn")
    ]


def access_invitation(
    access: ClusterAccess, round_company: RoundCompany, pk: int, permission: str
) -> RespondentInvitation:
    """One personal invitation of ``round_company``. Only a company's own people see whom they
    invited, so only they reach an invitation; for anyone else, and for a missing, erased or
    another company's invitation, it is the same 404."""
    if not access.can(permission):
        raise PermissionDenied(_("Your role does not give access to this page."))
    invitation = (
        round_company.invitations.filter(pk=pk)
        .exclude(email="")
        .select_related("round_company__round", "round_company__membership", "cluster")
        .first()
    )
    if (
        invitation is None
        or not access.is_company_role
        or round_company.company_id not in access.company_ids
        or invitation.cluster_id != access.cluster.pk
    ):
        raise Http404("No such invitation")
    return invitation
