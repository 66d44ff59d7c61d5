"""Writes of the collaboration pipeline: create an opportunity, change it (its stage, its next step,
its partners, members and responsible person), add a note. Each write checks everything before it
saves, leaves an entry in the opportunity's history and a row in the audit log, in one transaction.

The rules, in one place for the pages, the API and the demo:
- at least one partner cluster, and only current member companies of this cluster (active or
  paused; a company that has left cannot be involved anew);
- the responsible person has a role in the cluster that works the pipeline;
- a next step's date needs the step itself, and a new date cannot be in the past;
- a completed or dropped opportunity has no next step: closing it clears the step, and setting one
  on it is refused. An open opportunity without a dated next step is allowed (an idea may not have
  one yet); the board and the list point it out instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.access import PERMISSIONS
from klyngekart.accounts.models import ClusterRole, User
from klyngekart.collaborations.models import CLOSED_STAGES, EventKind, Opportunity, OpportunityEvent, Stage
from klyngekart.core import events
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.landscape.models import ClusterProfile
from klyngekart.members.models import Membership, MembershipStatus

# The plain fields a caller may set; partners and members are lists, note adds a note.
FIELDS = ("title", "description", "stage", "next_step", "next_step_on", "responsible")
NEXT_STEP_FIELDS = ("next_step", "next_step_on")
CURRENT_MEMBER = (MembershipStatus.ACTIVE.value, MembershipStatus.PAUSED.value)
MAX_NOTE = 5000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def responsible_candidates(cluster: Cluster) -> Any:
    """The people who may be responsible for an opportunity: those of the cluster's roles that
    work the pipeline."""
    roles = ClusterRole.objects.filter(cluster=cluster, role__in=PERMISSIONS["collaborations.manage"])
    return User.objects.filter(pk__in=roles.values("user_id"), is_active=True).order_by("full_name", "email")


def current_members(cluster: Cluster) -> Any:
    return Membership.objects.filter(cluster=cluster, status__in=CURRENT_MEMBER).order_by("name", "pk")


def _clean_partners(partners: Iterable[ClusterProfile]) -> list[ClusterProfile]:
    found = list(dict.fromkeys(partners))
    if not found:
        raise ValidationError({"partners": _("Choose at least one partner cluster.")})
    return found


def _clean_members(cluster: Cluster, members: Iterable[Membership]) -> list[Membership]:
    found = list(dict.fromkeys(members))
    # One message for another cluster's membership and one that has left, naming neither.
    allowed = set(current_members(cluster).filter(pk__in=[m.pk for m in found]).values_list("pk", flat=True))
    if any(member.pk not in allowed or member.cluster_id != cluster.pk for member in found):
        raise ValidationError(
            {"members": _("Only current member companies of this cluster can be involved.")}
        )
    return found


def _clean_responsible(cluster: Cluster, user: Any) -> None:
    if user is not None and not responsible_candidates(cluster).filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "responsible": _(
                    "The responsible person must be a manager, staff member or advisor of the cluster."
                )
            }
        )


def _clean_next_step(opportunity: Opportunity, data: Mapping[str, Any], today: dt.date) -> None:
    errors: dict[str, str] = {}
    if opportunity.stage in CLOSED_STAGES:
        if data.get("next_step") or data.get("next_step_on"):
            errors["next_step"] = _(
                "A completed or dropped opportunity has no next step. Move it to an open stage first."
            )
        opportunity.next_step, opportunity.next_step_on = "", None
    elif opportunity.next_step_on is not None and not opportunity.next_step.strip():
        errors["next_step"] = _("Describe the next step for this date.")
    if (
        "next_step_on" in data
        and data["next_step_on"] is not None
        and data["next_step_on"] < today
        and not errors
    ):
        errors["next_step_on"] = _("The date of the next step cannot be in the past.")
    if errors:
        raise ValidationError(errors)


def _apply(opportunity: Opportunity, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if value is None and name in ("title", "description", "next_step", "stage"):
            value = "" if name != "stage" else Stage.IDEA
        if isinstance(value, str):
            value = value.strip()
        if getattr(opportunity, name) != value:
            setattr(opportunity, name, value)
            changed.append(name)
    return changed


def _event(opportunity: Opportunity, actor: Any, kind: str, **fields: Any) -> OpportunityEvent:
    return OpportunityEvent.objects.create(
        cluster=opportunity.cluster, opportunity=opportunity, kind=kind, actor=_user(actor), **fields
    )


def _audit(opportunity: Opportunity, actor: Any, action: str, **data: Any) -> None:
    audit_log(cluster=opportunity.cluster, actor=actor, action=action, target=opportunity, data=data)


@transaction.atomic
def opportunity_create(
    *, cluster: Cluster, actor: Any, data: Mapping[str, Any], today: dt.date | None = None
) -> Opportunity:
    """``data``: title, description, stage, next_step, next_step_on, responsible (a user or None),
    partners (profiles) and members (this cluster's memberships)."""
    today = today or timezone.localdate()
    opportunity = Opportunity(cluster=cluster, created_by=_user(actor))
    _apply(opportunity, data)
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _clean_partners(data.get("partners") or []),
        lambda: _clean_members(cluster, data.get("members") or []),
        lambda: _clean_responsible(cluster, opportunity.responsible),
        lambda: _clean_next_step(opportunity, data, today),
        lambda: opportunity.full_clean(exclude=["cluster"]),
    ):
        try:
            check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    opportunity.save()
    opportunity.partners.set(_clean_partners(data.get("partners") or []))
    opportunity.members.set(_clean_members(cluster, data.get("members") or []))
    _event(
        opportunity,
        actor,
        EventKind.CREATED,
        to_stage=opportunity.stage,
        text=opportunity.next_step,
        on=opportunity.next_step_on,
    )
    _audit(opportunity, actor, "collaborations.opportunity.created", stage=opportunity.stage)
    return opportunity


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, actor: Any, data: Mapping[str, Any], today: dt.date | None = None
) -> Opportunity:
    """Change what ``data`` names (the keys of ``opportunity_create``, and ``note``: a note to
    add). Each kind of change is its own entry in the history: a stage move, a new next step, an
    edit of the other fields, a note. Nothing is written when anything is refused."""
    today = today or timezone.localdate()
    cluster = opportunity.cluster
    # Work on a fresh copy, so a refused change leaves the caller's object as stored.
    stored = Opportunity.objects.get(pk=opportunity.pk)
    before_stage = stored.stage
    before_step = (stored.next_step, stored.next_step_on)
    changed = _apply(stored, data)
    note = (data.get("note") or "").strip()
    errors: dict[str, list[str]] = {}
    partners = members = None

    def collect(check: Any) -> Any:
        try:
            return check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    if "partners" in data:
        partners = collect(lambda: _clean_partners(data["partners"] or []))
    if "members" in data:
        members = collect(lambda: _clean_members(cluster, data["members"] or []))
    if "responsible" in changed:
        collect(lambda: _clean_responsible(cluster, stored.responsible))
    step_data = {key: data[key] for key in NEXT_STEP_FIELDS if key in data and key in changed}
    collect(lambda: _clean_next_step(stored, step_data, today))
    if len(note) > MAX_NOTE:
        errors.setdefault("note", []).append(
            _("A note can be at most %(count)s characters.") % {"count": MAX_NOTE}
        )
    collect(lambda: stored.full_clean(exclude=["cluster"]))
    if errors:
        raise ValidationError(errors)

    edited = [name for name in changed if name not in ("stage", *NEXT_STEP_FIELDS)]
    if partners is not None and {p.pk for p in partners} != set(stored.partners.values_list("pk", flat=True)):
        stored.partners.set(partners)
        edited.append("partners")
    if members is not None and {m.pk for m in members} != set(stored.members.values_list("pk", flat=True)):
        stored.members.set(members)
        edited.append("members")
    step_changed = (stored.next_step, stored.next_step_on) != before_step
    if changed or edited or step_changed:
        stored.save()
    if stored.stage != before_stage:
        _event(stored, actor, EventKind.STAGE, from_stage=before_stage, to_stage=stored.stage)
        _audit(
            stored,
            actor,
            "collaborations.opportunity.stage_changed",
            **{"from": before_stage, "to": stored.stage},
        )
        events.emit(
            cluster=cluster,
            event=events.COLLABORATION_STAGE_CHANGED,
            payload={
                "collaboration": {
                    "id": stored.pk,
                    "title": stored.title,
                    "from": before_stage,
                    "to": stored.stage,
                    "partners": [p.name for p in stored.partners.order_by("name")],
                }
            },
        )
    # A step cleared because the opportunity closed is part of the stage move, not a new step.
    if step_changed and not (stored.is_closed and stored.stage != before_stage):
        _event(stored, actor, EventKind.NEXT_STEP, text=stored.next_step, on=stored.next_step_on)
        _audit(
            stored,
            actor,
            "collaborations.opportunity.next_step_set",
            on=stored.next_step_on.isoformat() if stored.next_step_on else None,
        )
    if edited:
        _event(stored, actor, EventKind.EDITED, fields=edited)
        _audit(stored, actor, "collaborations.opportunity.updated", fields=edited)
    if note:
        _event(stored, actor, EventKind.NOTE, text=note)
        _audit(stored, actor, "collaborations.opportunity.note_added")
    return stored


def opportunity_move(
    *, opportunity: Opportunity, actor: Any, stage: str, today: dt.date | None = None
) -> Opportunity:
    """Move the opportunity to another stage of the board."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    return opportunity_update(opportunity=opportunity, actor=actor, data={"stage": stage}, today=today)


def opportunity_set_next_step(
    *,
    opportunity: Opportunity,
    actor: Any,
    next_step: str,
    next_step_on: dt.date | None,
    today: dt.date | None = None,
) -> Opportunity:
    return opportunity_update(
        opportunity=opportunity,
        actor=actor,
        data={"next_step": next_step, "next_step_on": next_step_on},
        today=today,
    )


def opportunity_add_note(*, opportunity: Opportunity, actor: Any, text: str) -> Opportunity:
    if not (text or "").strip():
        raise ValidationError({"note": _("Write the note first.")})
    return opportunity_update(opportunity=opportunity, actor=actor, data={"note": text})
