"""Writes for activities and registrations. Each validates the whole object before it saves and
records what happened in the audit log; mails leave through the queue after the commit.

Seats hold under concurrency: a registration, a cancellation and a change of capacity each lock the
activity's row first (``select_for_update``; on SQLite the write lock that the first statement
takes serialises them, and a transaction that lost the race is run again), then count the seats."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.activities import selectors
from klyngekart.activities.models import Activity, Attendance, Audience, Registration, RegistrationStatus
from klyngekart.core import events
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.members.models import Membership
from klyngekart.taxonomy.validators import clean_area_codes

ACTIVITY_FIELDS = (
    "kind",
    "title",
    "title_en",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registration_deadline",
    "audience",
    "areas",
)
TEXT_FIELDS = ("title_en", "description", "description_en", "place", "online_url")
RELATIONS = ("chosen_members", "measures")
T = TypeVar("T")


def _apply(activity: Activity, data: Mapping[str, Any], area_codes: list[str] | None) -> list[str]:
    changed = []
    for name in ACTIVITY_FIELDS:
        if name not in data:
            continue
        value = clean_area_codes(data[name], area_codes) if name == "areas" else data[name]
        if value is None and name in TEXT_FIELDS:
            value = ""
        if getattr(activity, name) != value:
            setattr(activity, name, value)
            changed.append(name)
    return changed


def _set_relations(activity: Activity, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in RELATIONS:
        if name not in data:
            continue
        wanted = {obj.pk for obj in data[name] or []}
        for obj in data[name] or []:
            if obj.cluster_id != activity.cluster_id:
                raise ValidationError({name: _("Choose from this cluster's own records.")})
        manager = getattr(activity, name)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(wanted))
            changed.append(name)
    if activity.audience == Audience.CHOSEN and not activity.chosen_members.exists():
        raise ValidationError({"chosen_members": _("Choose at least one member company for this activity.")})
    return changed


@transaction.atomic
def activity_create(
    *, cluster: Cluster, actor: Any, data: Mapping[str, Any], area_codes: list[str] | None = None
) -> Activity:
    activity = Activity(
        cluster=cluster, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    _apply(activity, data, area_codes)
    activity.full_clean()
    activity.save()
    _set_relations(activity, data)
    audit_log(cluster=cluster, actor=actor, action="activities.activity.created", target=activity)
    return activity


def activity_update(
    *, activity: Activity, actor: Any, data: Mapping[str, Any], area_codes: list[str] | None = None
) -> Activity:
    def run() -> Activity:
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _take_write_lock(locked)
        changed = _apply(locked, data, area_codes)
        locked.full_clean()
        locked.save()
        changed += _set_relations(locked, data)
        if changed:
            audit_log(
                cluster=locked.cluster,
                actor=actor,
                action="activities.activity.updated",
                target=locked,
                data={"fields": changed},
            )
        if "capacity" in changed:
            _promote(locked, actor)
        return locked

    updated = _serialised(run)
    for name in ACTIVITY_FIELDS:
        setattr(activity, name, getattr(updated, name))
    return updated


def _take_write_lock(activity: Activity) -> None:
    """On SQLite, select_for_update is a no-op: a write as the first statement takes the database's
    write lock now, before the seats are counted, so two registrations never count the same seat."""
    if connection.vendor == "sqlite":
        Activity.objects.filter(pk=activity.pk).update(updated_at=F("updated_at"))


def _serialised(run: Callable[[], T]) -> T:
    """Run ``run`` in a transaction; on SQLite, run it again when another writer held the lock
    (SQLite answers "locked" at once rather than waiting in some cases). PostgreSQL waits on the
    row lock instead, so it never needs a second try."""
    if connection.in_atomic_block or connection.vendor != "sqlite":
        with transaction.atomic():
            return run()
    delay = 0.005
    for _attempt in range(200):
        try:
            with transaction.atomic():
                return run()
        except OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            time.sleep(delay * (1 + random.random()))  # noqa: S311 (a back-off, not a secret)
            delay = min(delay * 2, 0.2)
    raise OperationalError("The database stayed locked.")


def _check_deadline(activity: Activity) -> None:
    if timezone.now() > activity.deadline:
        raise ValidationError(
            _("Registration for this activity closed on %(deadline)s.")
            % {"deadline": timezone.localtime(activity.deadline).strftime("%d.%m.%Y %H:%M")}
        )


def _check_audience(activity: Activity, email: str, membership: Membership | None) -> Membership | None:
    """The member company the registration is for; refuses an address from no member company for
    an activity that is not open to guests, and one from a company not chosen."""
    if membership is None:
        membership = selectors.member_for_email(activity.cluster, email)
    if membership is not None and (
        membership.status != "active" or membership.cluster_id != activity.cluster_id
    ):
        membership = None
    if activity.audience == Audience.OPEN:
        return membership
    if membership is None:
        raise ValidationError(
            _("This activity is for member companies, and %(email)s belongs to none of them.")
            % {"email": email}
        )
    if activity.audience == Audience.CHOSEN and not activity.chosen_members.filter(pk=membership.pk).exists():
        raise ValidationError(
            _("This activity is for chosen member companies, and %(company)s is not one of them.")
            % {"company": membership.name}
        )
    return membership


def _mail(registration: Registration, kind: str) -> None:
    from klyngekart.activities.tasks import send_registration_mail

    cluster_id, registration_id = registration.cluster_id, registration.pk
    transaction.on_commit(lambda: send_registration_mail(cluster_id, registration_id, kind))


def registration_create(
    *,
    activity: Activity,
    actor: Any,
    email: str,
    name: str = "",
    membership: Membership | None = None,
    user: Any = None,
    language: str = "nb",
    notify: bool = True,
) -> Registration:
    """Register ``email`` for ``activity``: a seat while there is one, else the waiting list.
    ``notify=False`` sends no confirmation (the demo's made-up people)."""
    email = email.strip()

    def run() -> Registration:
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _take_write_lock(locked)
        _check_deadline(locked)
        company = _check_audience(locked, email, membership)
        if selectors.active_registration(locked, email) is not None:
            raise ValidationError(_("%(email)s is already registered for this activity.") % {"email": email})
        registration = Registration(
            cluster=locked.cluster,
            activity=locked,
            user=user,
            email=email,
            name=name or (getattr(user, "full_name", "") if user is not None else ""),
            membership=company,
            language=language if language in {"nb", "en"} else "nb",
            registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if locked.capacity is not None and selectors.seats_taken(locked) >= locked.capacity:
            registration.status = RegistrationStatus.WAITLISTED
            registration.position = _last_position(locked) + 1
        registration.full_clean(validate_constraints=False)
        registration.save()
        on_behalf = getattr(actor, "email", "").lower() != email.lower()
        audit_log(
            cluster=locked.cluster,
            actor=actor,
            action="activities.registration.created",
            target=registration,
            data={"status": registration.status, "on_behalf": on_behalf, "activity": locked.pk},
        )
        if notify:
            _mail(registration, registration.status)
        events.emit(
            cluster=locked.cluster,
            event=events.REGISTRATION_CREATED,
            payload={
                "registration": {
                    "id": registration.pk,
                    "activity": {
                        "id": locked.pk,
                        "title": locked.title,
                        "starts_at": locked.starts_at.isoformat(),
                    },
                    "status": registration.status,
                    "email": registration.email,
                    "name": registration.name,
                    "org_number": company.company.org_number if company is not None else None,
                }
            },
        )
        return registration

    return _serialised(run)


def _last_position(activity: Activity) -> int:
    return (
        Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).aggregate(
            last=Max("position")
        )["last"]
        or 0
    )


def _promote(activity: Activity, actor: Any) -> list[Registration]:
    """Give free seats to the waiting list in order, and mail each one promoted."""
    promoted = []
    while activity.capacity is None or selectors.seats_taken(activity) < activity.capacity:
        first = selectors.first_waitlisted(activity)
        if first is None:
            break
        first.status = RegistrationStatus.REGISTERED
        first.position = None
        first.save(update_fields=["status", "position", "updated_at"])
        audit_log(
            cluster=activity.cluster,
            actor=actor,
            action="activities.registration.promoted",
            target=first,
            data={"activity": activity.pk},
        )
        _mail(first, "promoted")
        promoted.append(first)
    if promoted:
        _renumber(activity)
    return promoted


def registration_cancel(*, registration: Registration, actor: Any) -> list[Registration]:
    """Cancel ``registration``; a seat it held goes to the first on the waiting list. Returns the
    registrations promoted."""

    def run() -> list[Registration]:
        activity = Activity.objects.select_for_update().get(pk=registration.activity_id)
        _take_write_lock(activity)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration is already cancelled."))
        if current.status in {RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW}:
            raise ValidationError(
                _("Attendance is recorded for this registration; it can no longer be cancelled.")
            )
        was_waitlisted = current.status == RegistrationStatus.WAITLISTED
        current.status = RegistrationStatus.CANCELLED
        current.position = None
        current.save(update_fields=["status", "position", "updated_at"])
        audit_log(
            cluster=activity.cluster,
            actor=actor,
            action="activities.registration.cancelled",
            target=current,
            data={"activity": activity.pk},
        )
        if was_waitlisted:
            _renumber(activity)
            return []
        return _promote(activity, actor)

    promoted = _serialised(run)
    registration.refresh_from_db()
    return promoted


def _renumber(activity: Activity) -> None:
    waiting = Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED).order_by(
        "position", "created_at", "id"
    )
    for number, item in enumerate(waiting, start=1):
        if item.position != number:
            Registration.objects.filter(pk=item.pk).update(position=number)


CHECKABLE = frozenset(
    {RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW}
)


@transaction.atomic
def attendance_check_in(*, registration: Registration, day: Any, actor: Any) -> Registration:
    """Mark ``registration`` present on ``day`` (one of the activity's days). Checking in twice
    changes nothing."""
    activity = registration.activity
    if registration.status not in CHECKABLE:
        raise ValidationError(
            _("%(name)s is not registered with a seat (status: %(status)s).")
            % {"name": registration.display_name, "status": registration.get_status_display()}
        )
    if day not in activity.days:
        raise ValidationError(_("The activity does not run on that day."))
    _attendance, created = Attendance.objects.get_or_create(
        cluster=activity.cluster,
        registration=registration,
        day=day,
        defaults={"checked_in_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if registration.status != RegistrationStatus.ATTENDED:
        registration.status = RegistrationStatus.ATTENDED
        registration.save(update_fields=["status", "updated_at"])
    if created:
        audit_log(
            cluster=activity.cluster,
            actor=actor,
            action="activities.attendance.checked_in",
            target=registration,
            data={"day": day.isoformat(), "activity": activity.pk},
        )
    return registration


@transaction.atomic
def attendance_undo(*, registration: Registration, day: Any, actor: Any) -> Registration:
    """Take back a check-in on ``day``; with no day left the registration is plain registered."""
    deleted, _rows = Attendance.objects.filter(registration=registration, day=day).delete()
    if not deleted:
        return registration
    if not Attendance.objects.filter(registration=registration).exists():
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
    audit_log(
        cluster=registration.cluster,
        actor=actor,
        action="activities.attendance.undone",
        target=registration,
        data={"day": day.isoformat(), "activity": registration.activity_id},
    )
    return registration


@transaction.atomic
def attendance_close(*, activity: Activity, actor: Any) -> int:
    """After the activity: everyone still only registered did not show up. Returns how many."""
    if timezone.now() < activity.ends_at:
        raise ValidationError(_("The activity has not ended yet."))
    count = Registration.objects.filter(activity=activity, status=RegistrationStatus.REGISTERED).update(
        status=RegistrationStatus.NO_SHOW, updated_at=timezone.now()
    )
    audit_log(
        cluster=activity.cluster,
        actor=actor,
        action="activities.attendance.closed",
        target=activity,
        data={"count": count},
    )
    return count
