"""Reads for joint measures: the companies with a need (from released results, through the read side
in surveys), the measures a company contact sees, and a measure's cost table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet
from django.db.models.functions import Lower

from klyngekart.core.models import Cluster
from klyngekart.measures.costs import CostTable, Participant, cost_table, with_one_more
from klyngekart.measures.models import (
    OPEN_FOR_INTEREST,
    Measure,
    MeasureInterest,
    MeasureInvitation,
    MeasureStatus,
)
from klyngekart.members.models import Membership
from klyngekart.surveys import results
from klyngekart.surveys.models import Round
from klyngekart.surveys.results import membership as released
from klyngekart.surveys.results.release import NotReleased

# A company "has the need" when its employees' mean gap (importance - level) reaches this.
NEED_THRESHOLD = Fraction(1)


def companies_with_need(*, round_: Round, areas: Iterable[str]) -> list[Membership]:
    """Active member companies whose mean gap in any of ``areas`` reaches NEED_THRESHOLD in the
    released results of ``round_``, under the results pages' k rules (the read side decides); none
    while the round's results are not released."""
    try:
        ids = released.companies_with_need(round_=round_, areas=areas, threshold=NEED_THRESHOLD)
    except NotReleased:
        return []
    return list(
        Membership.objects.filter(pk__in=ids, status="active").select_related("company").order_by("name")
    )


def company_need_areas(*, membership: Membership) -> set[str] | None:
    """The areas where the company has a need in its latest released round, or None if no released
    round of the company has enough answers to say (then every proposed measure is relevant)."""
    return released.company_need_areas(membership_id=membership.pk, threshold=NEED_THRESHOLD)


def measures_for_company(*, membership: Membership) -> list[Measure]:
    """Proposed and planned measures relevant to the company's own needs (all of them if its
    needs are not known), plus every measure it has already signed up for."""
    measures = list(Measure.objects.filter(status__in=OPEN_FOR_INTEREST).order_by("starts_on", "title"))
    needs = company_need_areas(membership=membership)
    joined = set(MeasureInterest.objects.filter(membership=membership).values_list("measure_id", flat=True))
    if needs is not None:
        measures = [m for m in measures if m.pk in joined or needs.intersection(m.areas)]
    known = {m.pk for m in measures}
    measures += list(Measure.objects.filter(pk__in=joined - known))
    return measures


def measure_list(*, status: str = "", source_round: Round | None = None) -> QuerySet[Measure]:
    measures = Measure.objects.all()
    if status in MeasureStatus.values:
        measures = measures.filter(status=status)
    if source_round is not None:
        measures = measures.filter(source_round=source_round)
    return measures


def interests(measure: Measure) -> list[MeasureInterest]:
    return list(measure.interests.select_related("membership__company").order_by("membership__name"))


def reserved_places(measure: Measure, *, excluding: Membership | None = None) -> int:
    rows = measure.interests.all()
    if excluding is not None:
        rows = rows.exclude(membership=excluding)
    return sum(rows.values_list("participants", flat=True))


@dataclass(frozen=True)
class MeasureCosts:
    table: CostTable
    interests: list[MeasureInterest]
    one_more: CostTable | None
    one_more_participants: int


def measure_costs(measure: Measure) -> MeasureCosts:
    rows = interests(measure)
    companies = [
        Participant(key=str(i.membership_id), participants=i.participants, size_class=i.membership.size_class)
        for i in rows
    ]
    money = {
        "fixed_cost": measure.fixed_cost,
        "per_participant": measure.cost_per_participant,
        "funding_share": measure.funding_share,
    }
    # "One more company" with as many participants as the typical company that has signed up.
    extra = round(sum(c.participants for c in companies) / len(companies)) if companies else 1
    return MeasureCosts(
        table=cost_table(companies=companies, **money),
        interests=rows,
        one_more=with_one_more(companies=companies, participants=max(extra, 1), **money)
        if companies
        else None,
        one_more_participants=max(extra, 1),
    )


def contact_addresses(membership: Membership) -> list[str]:
    """Where to mail a company: its contacts with an address (the main contact first), then the
    users this cluster made contacts of the company (a contact another cluster appointed for the
    same company is not this cluster's to mail), without repeats."""
    from klyngekart.accounts.models import CompanyRole, CompanyRoleKind
    from klyngekart.members.models import Contact

    seen: dict[str, None] = {}
    for email in (
        Contact.objects.filter(membership=membership).exclude(email="").values_list("email", flat=True)
    ):
        seen.setdefault(email.lower(), None)
    roles = CompanyRole.objects.filter(
        cluster=membership.cluster_id, company=membership.company_id, role=CompanyRoleKind.CONTACT
    )
    for email in roles.values_list("user__email", flat=True):
        if email:
            seen.setdefault(email.lower(), None)
    return list(seen)


def cluster_rounds(cluster: Cluster) -> QuerySet[Round]:
    return Round.objects.filter(cluster=cluster).order_by("-opens_on", "-id")


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str  # the language the mail is written in: the user's own, else the installation's


def contact_recipients(membership: Membership) -> list[Recipient]:
    """``contact_addresses`` with the language of each: a person with a login gets the language
    of their profile; an address without one gets the installation's language."""
    from django.conf import settings

    from klyngekart.accounts.models import User

    addresses = contact_addresses(membership)
    # contact_addresses gives addresses in lower case; a login may have been typed with capitals.
    users = User.objects.annotate(address=Lower("email")).filter(address__in=addresses)
    languages = dict(users.values_list("address", "language"))
    return [
        Recipient(email=address, language=languages.get(address) or settings.LANGUAGE_CODE)
        for address in addresses
    ]


@dataclass(frozen=True)
class InvitationCandidate:
    membership: Membership
    recipients: list[Recipient]
    # The company's invitations to this measure so far, newest first (empty: never invited).
    invitations: list[MeasureInvitation]

    @property
    def invited(self) -> bool:
        return bool(self.invitations)


def invitation_candidates(measure: Measure) -> list[InvitationCandidate]:
    """The companies with the measure's need that have somewhere to be mailed, each with whom the
    mail would go to and the invitations it has had: what the confirmation page shows."""
    if measure.source_round is None or not measure.areas:
        return []
    memberships = companies_with_need(round_=measure.source_round, areas=measure.areas)
    sent: dict[int, list[MeasureInvitation]] = {}
    for invitation in MeasureInvitation.objects.filter(measure=measure).select_related("sent_by"):
        sent.setdefault(invitation.membership_id, []).append(invitation)
    candidates = []
    for membership in memberships:
        recipients = contact_recipients(membership)
        if recipients:
            candidates.append(InvitationCandidate(membership, recipients, sent.get(membership.pk, [])))
    return candidates


def measure_invitations(measure: Measure) -> list[MeasureInvitation]:
    """What was sent about the measure, to whom and when, newest first."""
    return list(MeasureInvitation.objects.filter(measure=measure).select_related("membership", "sent_by"))


# --- impact: the gap of the participants against the other companies, before and after -------


def _participants(measure_ids: Iterable[int]) -> dict[int, set[int]]:
    groups: dict[int, set[int]] = {pk: set() for pk in measure_ids}
    rows = MeasureInterest.objects.filter(measure_id__in=list(groups)).values_list(
        "measure_id", "membership_id"
    )
    for measure_id, membership_id in rows:
        groups[measure_id].add(membership_id)
    return groups


def _completed() -> list[Measure]:
    return list(
        Measure.objects.filter(status=MeasureStatus.COMPLETED)
        .select_related("source_round")
        .order_by("ends_on", "pk")
    )


@dataclass(frozen=True)
class MeasureImpact:
    measure: Measure
    impact: results.Impact


def impact_groups(cluster: Cluster) -> list[results.ImpactGroup]:
    """The measures' source of impact groups (registered in apps.py): the participants of every
    completed measure of ``cluster``."""
    completed = list(
        Measure.objects.filter(cluster=cluster, status=MeasureStatus.COMPLETED).values_list("pk", "areas")
    )
    groups = _participants(pk for pk, _areas in completed)
    return [
        results.ImpactGroup(f"measure:{pk}", frozenset(groups[pk]), frozenset(areas))
        for pk, areas in completed
    ]


def _impact(
    measure: Measure,
    groups: dict[int, set[int]],
    shown: list[results.ImpactGroup],
    reader: results.ImpactReader | None = None,
) -> results.Impact:
    before, after = results.impact_rounds(
        cluster=measure.cluster,
        source_round_id=measure.source_round_id,
        starts_on=measure.starts_on,
        ends_on=measure.ends_on,
    )
    # Every other group whose impact a viewer can see with an area in common (the other completed
    # measures, the activities: results.impact_groups) counts as a group shown beside these.
    return results.impact(
        before=before,
        after=after,
        membership_ids=groups.get(measure.pk, set()),
        area_codes=measure.areas,
        shown_alongside=results.alongside(shown, f"measure:{measure.pk}", measure.areas),
        reader=reader,
    )


def measure_impact(measure: Measure) -> results.Impact | None:
    """The impact of a completed measure in each of its areas (None for a measure not completed)."""
    if measure.status != MeasureStatus.COMPLETED:
        return None
    return _impact(measure, _participants([measure.pk]), results.impact_groups(measure.cluster))


def impact_areas() -> list[str]:
    """The competence areas the completed measures of the cluster in scope targeted."""
    codes = Measure.objects.filter(status=MeasureStatus.COMPLETED).values_list("areas", flat=True)
    return sorted({code for areas in codes for code in areas})


def cluster_impact(*, area: str = "", reader: results.ImpactReader | None = None) -> list[MeasureImpact]:
    """The impact of every completed measure of the cluster in scope (only those targeting
    ``area`` when given, and then only that area). ``reader``: shared with other impacts shown on
    the same page."""
    completed = _completed()
    groups = _participants(m.pk for m in completed)
    shown = results.impact_groups(completed[0].cluster) if completed else []
    # Every round read once for all the measures (their areas together).
    reader = reader or results.ImpactReader(code for m in completed for code in m.areas)
    out = []
    for measure in completed:
        if area and area not in measure.areas:
            continue
        found = _impact(measure, groups, shown, reader)
        if area:
            found = results.Impact(
                before=found.before,
                after=found.after,
                k=found.k,
                areas=[row for row in found.areas if row.code == area],
                reason=found.reason,
            )
        out.append(MeasureImpact(measure, found))
    return out
