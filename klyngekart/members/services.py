"""Writes over members: companies, memberships and contacts.

Every service enters the cluster's scope itself, so it behaves the same when called from a view,
the API, the importer or a management command."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.models import CompanyRole, CompanyRoleKind
from klyngekart.core import events
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import (
    FACT_FIELDS,
    Company,
    Contact,
    Membership,
    MembershipStatus,
    RegisterStatus,
)
from klyngekart.members.register import RegisterEntry
from klyngekart.members.validators import normalise_org_number

M = TypeVar("M", bound=models.Model)

# The identity of a company across clusters: no cluster may change it for everyone else.
IDENTITY_FIELDS = ("org_number", "foreign_id", "country")
# What a caller may pass for a company: its identity and the facts (see members.models).
COMPANY_FIELDS = (*IDENTITY_FIELDS, *FACT_FIELDS)
# The facts a cluster edits in its own record, and a trusted source in the company's.
COMPANY_EDITABLE_FIELDS = FACT_FIELDS
MEMBERSHIP_FIELDS = ("tier", "annual_fee", "joined_on", "notes")
CONTACT_FIELDS = ("name", "email", "phone", "title", "is_primary")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def _update_audited(
    instance: M,
    *,
    cluster: Cluster,
    actor: Any,
    data: Mapping[str, Any],
    fields: Iterable[str],
    action: str,
) -> M:
    """Assign, validate, save and audit in one transaction; nothing is written if nothing changed."""
    with scope(cluster), transaction.atomic():
        changed = _assign(instance, data, fields)
        if not changed:
            return instance
        instance.full_clean()
        instance.save()
        audit_log(cluster=cluster, actor=actor, action=action, target=instance, data={"changed": changed})
    return instance


def _assign(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """Set the given fields and return what changed as {field: [old, new]} for the audit log."""
    changed: dict[str, list[Any]] = {}
    for name in fields:
        if name not in data:
            continue
        new = data[name]
        if new is None and isinstance(instance._meta.get_field(name), models.CharField):
            new = ""
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
            setattr(instance, name, new)
    return changed


def _facts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The facts in ``data``. The size class follows the head count wherever that is given (see
    CompanyFacts.derive_facts), so a size class passed beside it is not a change of its own."""
    facts = {name: data[name] for name in FACT_FIELDS if name in data}
    if facts.get("employees") is not None:
        facts.pop("size_class", None)
    return facts


def _find_company(data: Mapping[str, Any]) -> Company | None:
    org_number = data.get("org_number") or ""
    if org_number:
        return Company.objects.filter(org_number=org_number).first()
    foreign_id = data.get("foreign_id") or ""
    if foreign_id:
        return Company.objects.filter(country=data.get("country") or "NO", foreign_id=foreign_id).first()
    return None


def membership_create(
    *,
    cluster: Cluster,
    actor: Any,
    company: Mapping[str, Any],
    membership: Mapping[str, Any] | None = None,
    contacts: Sequence[Mapping[str, Any]] | None = None,
) -> Membership:
    """Make a company a member of ``cluster``, with the facts the cluster gives for it.

    A company already on the platform (a member of another cluster) is found by its identity and
    reused, but nothing is read from or written to what anyone else recorded: the new membership
    holds exactly the facts given here, and the company's shared record is left as it is. (Filling
    "only the blank fields" of the shared company used to let one cluster write what every other
    cluster of the company read, and read back what they had entered.)"""
    company_data = {k: v for k, v in company.items() if k in COMPANY_FIELDS}
    if "org_number" in company_data:
        company_data["org_number"] = normalise_org_number(company_data["org_number"]) or None
    with scope(cluster), transaction.atomic():
        existing = _find_company(company_data)
        if existing is not None:
            ours = Membership.objects.filter(cluster=cluster, company=existing).first()
            if ours is not None:
                message = _("%(name)s is already a member of this cluster.") % {"name": ours.name}
                raise ValidationError({"org_number": message}, code="already_member")
            company_obj = existing
        else:
            # A company new to the platform: its shared record starts as this cluster's entry. No
            # cluster is shown it; it is what a trusted source later corrects.
            company_obj = Company(**{k: v for k, v in company_data.items() if v is not None})
            company_obj.full_clean()
            company_obj.save()

        member = Membership(cluster=cluster, company=company_obj)
        _assign(member, company_data, FACT_FIELDS)
        _assign(member, membership or {}, (*MEMBERSHIP_FIELDS, "status"))
        member.full_clean()
        member.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="members.membership.created",
            target=member,
            data={"company": company_obj.identifier},
        )
        events.emit(
            cluster=cluster,
            event=events.MEMBER_ADDED,
            payload={
                "member": {
                    "org_number": company_obj.org_number,
                    "name": member.name,
                    "status": member.status,
                    "joined_on": member.joined_on.isoformat() if member.joined_on else None,
                }
            },
        )
        for data in contacts or []:
            contact = Contact(cluster=cluster, membership=member)
            _contact_save(contact, data)
            audit_log(
                cluster=cluster,
                actor=actor,
                action="members.contact.created",
                target=contact,
                data={"membership": member.pk},
            )
        return member


def membership_update(*, membership: Membership, actor: Any, data: Mapping[str, Any]) -> Membership:
    """Change what the cluster records about a membership (tier, fee, dates, notes).

    Status changes go through ``membership_end`` so each one is dated and audited by name."""
    return _update_audited(
        membership,
        cluster=membership.cluster,
        actor=actor,
        data=data,
        fields=MEMBERSHIP_FIELDS,
        action="members.membership.updated",
    )


def membership_facts_update(*, membership: Membership, actor: Any, data: Mapping[str, Any]) -> Membership:
    """Change the cluster's own facts about a member company (name, industry, size, place,
    website). Only this cluster's record changes, so only this cluster sees it; the audit row
    is this cluster's."""
    return _update_audited(
        membership,
        cluster=membership.cluster,
        actor=actor,
        data=_facts(data),
        fields=FACT_FIELDS,
        action="members.company.updated",
    )


class FactSource:
    """Who may change a company's shared facts: the company itself or a public register."""

    CONTACT = "contact"
    REGISTER = "register"


def company_update_shared(
    *,
    membership: Membership,
    actor: Any,
    data: Mapping[str, Any],
    source: str = FactSource.CONTACT,
) -> Membership:
    """A trusted source states the company's facts: the company's own contact (``actor``, acting
    in ``membership``'s cluster) or Enhetsregisteret (``actor`` is whoever asked it, or None; they
    are named in the audit row of their own cluster only; see ``company_register_refresh``).

    The company's shared record takes the changed fields. So does each cluster's own record where
    that cluster trusts the source: every cluster for the register; for a contact, the clusters
    that appointed this person contact of the company. Each cluster can appoint whom it likes, so a
    contact that one cluster appointed must not rewrite what another cluster keeps (that was the
    phishing website of issue 12). Every cluster that has the company gets an audit row; where
    its record did not change, the row says which fields the company stated, and not who did
    it, since that person belongs to another cluster. (For the register, a cluster whose record
    already says what the register says gets no row.)"""
    if source not in (FactSource.CONTACT, FactSource.REGISTER):
        raise ValidationError(_("Unknown source of company facts."))
    company = membership.company
    if source == FactSource.CONTACT:
        with scope(membership.cluster):
            is_contact = (
                getattr(actor, "is_authenticated", False)
                and CompanyRole.objects.filter(
                    user=actor, company=company, role=CompanyRoleKind.CONTACT
                ).exists()
            )
        if not is_contact:
            # Only the company's own contact in this cluster speaks for the company here.
            raise PermissionDenied(_("Only the company's contact can change the company's facts."))
    with transaction.atomic():
        # The fields that change are those the source states differently from what the acting
        # cluster keeps (for the register, from the shared record).
        # For the register, also those where the shared record differs: it corrects both.
        facts = _facts(data)
        differing = set(_assign(copy.copy(membership), facts, FACT_FIELDS))
        if source == FactSource.REGISTER:
            differing |= set(_assign(copy.copy(company), facts, FACT_FIELDS))
        stated = sorted(differing)
        if not stated:
            return membership
        values = {name: data[name] for name in stated}
        _assign(company, values, stated)
        company.full_clean()
        company.save()
        with scopes_disabled():
            others = list(
                Membership.objects.filter(company=company).select_related("cluster").order_by("cluster_id")
            )
            if source == FactSource.REGISTER:
                trusting = {other.cluster_id for other in others}
            else:
                trusting = set(
                    CompanyRole.objects.filter(
                        user=actor, company=company, role=CompanyRoleKind.CONTACT
                    ).values_list("cluster_id", flat=True)
                )
        for other in others:
            record = membership if other.pk == membership.pk else other
            with scope(other.cluster):
                if other.cluster_id in trusting:
                    changed = _assign(record, values, stated)
                    if changed:
                        record.full_clean()
                        record.save()
                    elif source == FactSource.REGISTER:
                        # The register agrees with what this cluster keeps: nothing to tell it.
                        continue
                    audit_log(
                        cluster=other.cluster,
                        # Who asked the register is named only in their own cluster.
                        actor=actor if source == FactSource.CONTACT or record is membership else None,
                        action="members.company.updated",
                        target=record,
                        data={"source": source, "changed": changed},
                    )
                else:
                    audit_log(
                        cluster=other.cluster,
                        actor=None,
                        action="members.company.updated",
                        target=record,
                        data={"source": source, "fields": stated, "applied": False},
                    )
    return membership


def company_register_standing(*, membership: Membership, actor: Any, entry: RegisterEntry) -> Company:
    """Record the company's standing in Enhetsregisteret (active, winding up, bankrupt, deleted;
    its date; the business address) as the register states it in ``entry``.

    These are the register's public facts, the same for every cluster, and no cluster types them:
    only a lookup writes them. A change of standing is audited in every cluster that has the
    company; the person who asked the register is named only in their own cluster."""
    company = membership.company
    if entry.org_number != company.org_number:
        raise ValidationError(_("The register entry is for another organisation number."))
    with transaction.atomic():
        previous = company.register_status
        company.register_status = entry.status
        company.register_status_on = entry.status_on
        if entry.address:
            # A deleted unit's answer has no address; the last one known is kept.
            company.register_address = entry.address
        company.register_checked_at = timezone.now()
        company.save()
        if previous == entry.status or (not previous and entry.status == RegisterStatus.ACTIVE):
            return company
        with scopes_disabled():
            records = list(
                Membership.objects.filter(company=company).select_related("cluster").order_by("cluster_id")
            )
        for record in records:
            with scope(record.cluster):
                audit_log(
                    cluster=record.cluster,
                    actor=actor if record.pk == membership.pk else None,
                    action="members.company.register_status",
                    target=record,
                    data={
                        "from": previous,
                        "to": entry.status,
                        **({"on": entry.status_on.isoformat()} if entry.status_on else {}),
                    },
                )
    return company


def company_register_refresh(
    *,
    membership: Membership,
    actor: Any,
    entry: RegisterEntry,
    fields: Iterable[str] | None = None,
) -> dict[str, list[Any]]:
    """Apply what Enhetsregisteret states about ``membership``'s company, after the user has seen
    it: its standing (``company_register_standing``) and the facts in ``fields`` (by default
    every fact the register states).

    The register is the source every cluster trusts (docs/decisions/0002): the facts go to the
    company's shared record and to every cluster's own record, each audited in its cluster
    (``company_update_shared`` with ``FactSource.REGISTER``). Facts the register leaves out (no
    head count registered) are left as they are. Returns what changed in this cluster's record,
    as {field: [old, new]}."""
    stated = entry.facts()
    if fields is not None:
        wanted = set(fields)
        stated = {name: value for name, value in stated.items() if name in wanted}
    before = membership.facts()
    with transaction.atomic():
        company_register_standing(membership=membership, actor=actor, entry=entry)
        if stated:
            company_update_shared(membership=membership, actor=actor, data=stated, source=FactSource.REGISTER)
    after = membership.facts()
    return {
        name: [_jsonable(before[name]), _jsonable(after[name])]
        for name in FACT_FIELDS
        if before[name] != after[name]
    }


_STATUS_ACTIONS = {
    MembershipStatus.LEFT: "members.membership.ended",
    MembershipStatus.PAUSED: "members.membership.paused",
    MembershipStatus.ACTIVE: "members.membership.reactivated",
}


def membership_end(
    *, membership: Membership, actor: Any, left_on: datetime.date, status: str = MembershipStatus.LEFT
) -> Membership:
    """End (``left``), pause (``paused``) or reactivate (``active``) a membership as of ``left_on``.

    Only an ended membership keeps ``left_on``; pausing and reactivating record the date in the
    audit log, so the history shows when each change took effect."""
    if status not in _STATUS_ACTIONS:
        raise ValidationError({"status": _("Unknown membership status.")})
    if status == membership.status:
        raise ValidationError({"status": _("The membership already has this status.")})
    cluster = membership.cluster
    with scope(cluster), transaction.atomic():
        previous = membership.status
        membership.status = status
        membership.left_on = left_on if status == MembershipStatus.LEFT else None
        membership.full_clean()
        membership.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action=_STATUS_ACTIONS[MembershipStatus(status)],
            target=membership,
            data={"from": previous, "to": status, "on": left_on.isoformat()},
        )
    return membership


def _contact_save(contact: Contact, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    changed = _assign(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    contact.save()
    if contact.is_primary:
        # One main contact per membership: naming a new one demotes the previous.
        others = Contact.objects.filter(membership=contact.membership_id, is_primary=True)
        others.exclude(pk=contact.pk).update(is_primary=False)
    return changed


def contact_create(*, membership: Membership, actor: Any, data: Mapping[str, Any]) -> Contact:
    cluster = membership.cluster
    with scope(cluster), transaction.atomic():
        contact = Contact(cluster=cluster, membership=membership)
        _contact_save(contact, data)
        audit_log(
            cluster=cluster,
            actor=actor,
            action="members.contact.created",
            target=contact,
            data={"membership": membership.pk},
        )
    return contact


def contact_update(*, contact: Contact, actor: Any, data: Mapping[str, Any]) -> Contact:
    cluster = contact.cluster
    with scope(cluster), transaction.atomic():
        changed = _contact_save(contact, data)
        if changed:
            audit_log(
                cluster=cluster,
                actor=actor,
                action="members.contact.updated",
                target=contact,
                data={"membership": contact.membership_id, "changed": sorted(changed)},
            )
    return contact


def contact_delete(*, contact: Contact, actor: Any) -> None:
    cluster = contact.cluster
    with scope(cluster), transaction.atomic():
        audit_log(
            cluster=cluster,
            actor=actor,
            action="members.contact.deleted",
            target=contact,
            data={"membership": contact.membership_id},
        )
        contact.delete()
