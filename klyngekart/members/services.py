"""Writes over members: companies, memberships and contacts.

Every service enters the cluster's scope itself, so it behaves the same when called from a view,
the API, the importer or a management command."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Company, Contact, Membership, MembershipStatus
from klyngekart.members.validators import normalise_org_number

M = TypeVar("M", bound=models.Model)

COMPANY_FIELDS = (
    "org_number",
    "foreign_id",
    "country",
    "name",
    "nace_code",
    "employees",
    "size_class",
    "municipality",
    "region",
    "website",
)
# The org number and foreign id are the company's identity across clusters: no cluster may change
# them for everyone else, so updates leave them alone.
COMPANY_EDITABLE_FIELDS = (
    "name",
    "nace_code",
    "employees",
    "size_class",
    "municipality",
    "region",
    "website",
)
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


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


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
    """Make a company a member of ``cluster``.

    A company already on the platform (a member of another cluster) is reused: its data belongs
    to every cluster it is in, so we only fill fields that are blank and never overwrite."""
    company_data = {k: v for k, v in company.items() if k in COMPANY_FIELDS}
    if "org_number" in company_data:
        company_data["org_number"] = normalise_org_number(company_data["org_number"]) or None
    with scope(cluster), transaction.atomic():
        existing = _find_company(company_data)
        if existing is not None:
            if Membership.objects.filter(cluster=cluster, company=existing).exists():
                message = _("%(name)s is already a member of this cluster.") % {"name": existing.name}
                raise ValidationError({"org_number": message}, code="already_member")
            filled = [
                name
                for name in COMPANY_EDITABLE_FIELDS
                if _is_blank(getattr(existing, name)) and not _is_blank(company_data.get(name))
            ]
            if filled:
                _assign(existing, company_data, filled)
                existing.full_clean()
                existing.save()
            company_obj = existing
        else:
            company_obj = Company(**{k: v for k, v in company_data.items() if v is not None})
            company_obj.full_clean()
            company_obj.save()

        member = Membership(cluster=cluster, company=company_obj)
        _assign(member, membership or {}, (*MEMBERSHIP_FIELDS, "status"))
        member.full_clean()
        member.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="members.membership.created",
            target=member,
            data={"company": company_obj.identifier, "existing_company": existing is not None},
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


def company_update(*, company: Company, actor: Any, cluster: Cluster, data: Mapping[str, Any]) -> Company:
    """Change a company's facts. Every cluster the company is in sees the change; the audit row
    goes to the cluster where it was made."""
    return _update_audited(
        company,
        cluster=cluster,
        actor=actor,
        data=data,
        fields=COMPANY_EDITABLE_FIELDS,
        action="members.company.updated",
    )


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
