"""Writes for joint measures: create, update, status, interest, invitations. Each one validates
the whole object before it saves and records what happened in the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.measures import selectors
from klyngekart.measures.models import Measure, MeasureInterest, MeasureInvitation, MeasureStatus
from klyngekart.members.models import Membership
from klyngekart.taxonomy.validators import clean_area_codes

MEASURE_FIELDS = (
    "title",
    "description",
    "areas",
    "format",
    "provider",
    "starts_on",
    "ends_on",
    "capacity",
    "status",
    "fixed_cost",
    "cost_per_participant",
    "funding_share",
    "source_round",
)

# The optional texts: null from the API clears them.
TEXT_FIELDS = ("description", "provider")


def _apply(measure: Measure, data: Mapping[str, Any], area_codes: list[str] | None) -> list[str]:
    changed = []
    for name in MEASURE_FIELDS:
        if name not in data:
            continue
        value = clean_area_codes(data[name], area_codes) if name == "areas" else data[name]
        if value is None and name in TEXT_FIELDS:
            # "No text" is "" in a text column. full_clean() skips a blank field's None, so it
            # would otherwise reach the NOT NULL column as an IntegrityError (a 500 on the API).
            value = ""
        if getattr(measure, name) != value:
            setattr(measure, name, value)
            changed.append(name)
    return changed


def _check_capacity(measure: Measure) -> None:
    if measure.pk and measure.capacity is not None:
        reserved = selectors.reserved_places(measure)
        if reserved > measure.capacity:
            raise ValidationError(
                {
                    "capacity": _("%(reserved)s places are already taken; the capacity cannot be lower.")
                    % {"reserved": reserved}
                }
            )


@transaction.atomic
def measure_create(
    *, cluster: Cluster, actor: Any, data: Mapping[str, Any], area_codes: list[str] | None = None
) -> Measure:
    measure = Measure(
        cluster=cluster, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    _apply(measure, data, area_codes)
    measure.full_clean()
    measure.save()
    audit_log(cluster=cluster, actor=actor, action="measures.measure.created", target=measure)
    return measure


@transaction.atomic
def measure_update(
    *, measure: Measure, actor: Any, data: Mapping[str, Any], area_codes: list[str] | None = None
) -> Measure:
    before = measure.status
    changed = _apply(measure, data, area_codes)
    if not changed:
        return measure
    measure.full_clean()
    _check_capacity(measure)
    measure.save()
    audit_log(
        cluster=measure.cluster,
        actor=actor,
        action="measures.measure.updated",
        target=measure,
        data={"fields": changed},
    )
    if measure.status != before:
        _status_logged(measure, actor, before)
    return measure


def _status_logged(measure: Measure, actor: Any, before: str) -> None:
    audit_log(
        cluster=measure.cluster,
        actor=actor,
        action="measures.measure.status_changed",
        target=measure,
        data={"from": before, "to": measure.status},
    )


@transaction.atomic
def measure_set_status(*, measure: Measure, actor: Any, status: str) -> Measure:
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == measure.status:
        return measure
    before = measure.status
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    _status_logged(measure, actor, before)
    return measure


def _interest_data(membership: Membership, on_behalf: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"membership": membership.pk}
    if on_behalf:
        # The cluster team acted for the company: the audit names the company beside the actor.
        data.update(on_behalf=True, company=membership.name)
    return data


@transaction.atomic
def interest_register(
    *, measure: Measure, membership: Membership, participants: int, actor: Any, on_behalf: bool = False
) -> MeasureInterest:
    """Sign a company up, or change its number of participants. ``on_behalf``: a member of the
    cluster team registers for the company (recorded so in the audit log)."""
    # Lock the measure so two companies cannot both take the last places.
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.is_closed:
        raise ValidationError(
            _("The measure is %(status)s: it no longer takes registrations.")
            % {"status": measure.get_status_display().lower()}
        )
    if membership.cluster_id != measure.cluster_id or membership.status != "active":
        raise ValidationError(_("Only active member companies can register interest."))
    if participants < 1:
        raise ValidationError({"participants": _("Register at least one participant.")})
    if measure.capacity is not None:
        remaining = measure.capacity - selectors.reserved_places(measure, excluding=membership)
        if participants > remaining:
            raise ValidationError(
                {
                    "participants": ngettext(
                        "Only %(remaining)s place is left on this measure.",
                        "Only %(remaining)s places are left on this measure.",
                        max(remaining, 0),
                    )
                    % {"remaining": max(remaining, 0)}
                }
            )
    interest = MeasureInterest.objects.filter(measure=measure, membership=membership).first()
    if interest is None:
        interest = MeasureInterest(measure=measure, membership=membership, cluster=measure.cluster)
    interest.participants = participants
    interest.registered_by = actor if getattr(actor, "is_authenticated", False) else None
    interest.full_clean()
    interest.save()
    audit_log(
        cluster=measure.cluster,
        actor=actor,
        action="measures.interest.registered",
        target=measure,
        data={**_interest_data(membership, on_behalf), "participants": participants},
    )
    return interest


@transaction.atomic
def interest_withdraw(
    *, measure: Measure, membership: Membership, actor: Any, on_behalf: bool = False
) -> bool:
    if measure.is_closed:
        raise ValidationError(_("The measure is closed: its list of participants can no longer change."))
    deleted, _rows = MeasureInterest.objects.filter(measure=measure, membership=membership).delete()
    if deleted:
        audit_log(
            cluster=measure.cluster,
            actor=actor,
            action="measures.interest.withdrawn",
            target=measure,
            data=_interest_data(membership, on_behalf),
        )
    return bool(deleted)


def measure_invite_companies(
    *,
    measure: Measure,
    actor: Any,
    membership_ids: Iterable[int] | None = None,
    send_again: Iterable[int] = (),
) -> int:
    """Mail the companies with the measure's need (in its source round), asking them to register
    interest, and record each mail (MeasureInvitation: to whom, in which language, when).

    ``membership_ids``: the companies the user confirmed (None: every company with the need). A
    company that has been invited already is never mailed again by accident: only when it is also
    in ``send_again``, the user's explicit "send again to these". Returns how many companies will
    be mailed; the mails go from a task after commit."""
    from klyngekart.measures.tasks import send_measure_invitations

    if measure.is_closed:
        raise ValidationError(_("The measure is closed: there is nothing to invite to."))
    if measure.source_round is None or not measure.areas:
        raise ValidationError(
            _("Choose the mapping round and competence areas the measure answers before inviting companies.")
        )
    again = set(send_again)
    with transaction.atomic():
        # One invitation at a time per measure: a double click waits here, then finds the first
        # click's records and sends nothing more.
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        candidates = selectors.invitation_candidates(measure)
        chosen = None if membership_ids is None else set(membership_ids)
        invitations = []
        for candidate in candidates:
            pk = candidate.membership.pk
            if candidate.invited and pk not in again:
                continue
            if not candidate.invited and chosen is not None and pk not in chosen:
                continue
            invitation = MeasureInvitation(
                cluster=measure.cluster,
                measure=measure,
                membership=candidate.membership,
                recipients=[{"email": r.email, "language": r.language} for r in candidate.recipients],
                resent=candidate.invited,
                sent_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            invitation.full_clean()
            invitation.save()
            invitations.append(invitation)
        if not invitations:
            return 0
        audit_log(
            cluster=measure.cluster,
            actor=actor,
            action="measures.measure.invited",
            target=measure,
            data={
                "count": len(invitations),
                "memberships": [i.membership_id for i in invitations],
                "again": [i.membership_id for i in invitations if i.resent],
            },
        )
        ids = [invitation.pk for invitation in invitations]
        transaction.on_commit(lambda: send_measure_invitations(measure.cluster_id, measure.pk, ids))
    return len(invitations)
