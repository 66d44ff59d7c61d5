"""A person's data across the installation: what we hold about them (an export they can download as
JSON) and its erasure, which keeps every aggregate.

A person is found by their account and by their email address, since clusters record people who
have no account: company contacts, activity registrations, survey invitations not yet erased. This
is the one module that reads people across clusters; it runs for the person themselves or for a
platform admin.

Erasure removes or blanks everything that names the person and keeps what counts:
- the account, its roles, API tokens, calendar feed and email addresses are deleted;
- company contact records with the address are deleted;
- activity registrations keep their status and attendance (the activity's figures, a company's
  engagement) but lose name, address and account;
- survey invitations keep their status (response rates) but lose the address, as the scheduled
  purge after a round does;
- role invitations to the address are deleted;
- the record of a collaboration reminder sent to them keeps the date but not the address or name
  (the opportunities they were responsible for keep going, with nobody responsible);
- the change log keeps its entries (who did what is the cluster's record) without the account
  behind them, and any entry that spelled the address out has it replaced.
Anonymous answers are untouched: nothing links them to anyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.accounts.models import (
    ApiToken,
    ClusterRole,
    ClusterRoleKind,
    CompanyRole,
    Invitation,
    User,
)
from klyngekart.activities.models import Attendance, CalendarFeed, Registration
from klyngekart.collaborations.models import EventKind, OpportunityEvent, OpportunityReminder
from klyngekart.core.audit import audit_log
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Contact
from klyngekart.surveys.models import RespondentInvitation

ERASED = "[erased]"


def _normal(email: str) -> str:
    return (email or "").strip().lower()


def _user(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def person_export(email: str) -> dict[str, Any]:
    """Everything the installation holds that names the person with this address, as JSON-ready data."""
    email = _normal(email)
    with scopes_disabled():
        user = _user(email)
        out: dict[str, Any] = {
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "email": email,
            "account": None,
            "cluster_roles": [],
            "company_roles": [],
            "api_tokens": [],
            "role_invitations": [],
            "contact_records": [],
            "activity_registrations": [],
            "survey_invitations": [],
            "changes_made": [],
            "anonymous_answers": _(
                "Survey answers are anonymous: nothing stored links an answer to you, so none can be "
                "exported or erased as yours."
            ),
        }
        if user is not None:
            out["account"] = {
                "email": user.email,
                "name": user.full_name,
                "language": user.language,
                "joined": _iso(user.date_joined),
                "last_login": _iso(user.last_login),
                "calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
            }
            out["cluster_roles"] = [
                {"cluster": r.cluster.name, "role": r.get_role_display()}
                for r in ClusterRole.objects.filter(user=user).select_related("cluster")
            ]
            out["company_roles"] = [
                {"cluster": r.cluster.name, "company": r.company.name, "role": r.get_role_display()}
                for r in CompanyRole.objects.filter(user=user).select_related("cluster", "company")
            ]
            out["api_tokens"] = [
                {
                    "name": t.name,
                    "created": _iso(t.created_at),
                    "last_used": _iso(t.last_used_at),
                    "revoked": _iso(t.revoked_at),
                }
                for t in ApiToken.objects.filter(user=user)
            ]
            out["changes_made"] = [
                {
                    "cluster": e.cluster.name,
                    "when": _iso(e.created_at),
                    "action": e.action,
                    "object": e.object_repr,
                }
                for e in AuditLog.objects.filter(actor=user).select_related("cluster").order_by("created_at")
            ]
        out["role_invitations"] = [
            {
                "cluster": i.cluster.name,
                "role": i.role,
                "sent": _iso(i.created_at),
                "accepted": _iso(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=email).select_related("cluster")
        ]
        out["contact_records"] = [
            {
                "cluster": c.cluster.name,
                "company": c.membership.name,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "title": c.title,
                "main_contact": c.is_primary,
            }
            for c in Contact.objects.filter(email__iexact=email).select_related("cluster", "membership")
        ]
        registrations = Registration.objects.filter(
            Q(email__iexact=email) | (Q(user=user) if user is not None else Q(pk__in=[]))
        ).select_related("cluster", "activity")
        days: dict[int, list[str]] = {}
        for registration_id, day in Attendance.objects.filter(registration__in=registrations).values_list(
            "registration_id", "day"
        ):
            days.setdefault(registration_id, []).append(day.isoformat())
        out["activity_registrations"] = [
            {
                "cluster": r.cluster.name,
                "activity": r.activity.title,
                "starts": _iso(r.activity.starts_at),
                "name": r.name,
                "email": r.email,
                "status": r.get_status_display(),
                "registered": _iso(r.created_at),
                "attended_days": days.get(r.pk, []),
            }
            for r in registrations
        ]
        out["survey_invitations"] = [
            {
                "cluster": i.cluster.name,
                "round": i.round.title,
                "sent_on": _iso(i.sent_on),
                "reminders": i.reminders_sent,
                "answered": i.status == "completed",
            }
            for i in RespondentInvitation.objects.filter(email__iexact=email).select_related(
                "cluster", "round"
            )
        ]
    return out


@dataclass
class Erasure:
    email: str
    counts: dict[str, int] = field(default_factory=dict)
    clusters: set[int] = field(default_factory=set)


def sole_manager_of(user: User) -> list[Cluster]:
    """The active clusters where this person is the only manager: they must hand over first."""
    with scopes_disabled():
        managed = ClusterRole.objects.filter(user=user, role=ClusterRoleKind.MANAGER).values_list(
            "cluster_id", flat=True
        )
        return [
            cluster
            for cluster in Cluster.objects.filter(pk__in=list(managed), is_active=True)
            if not ClusterRole.objects.filter(cluster=cluster, role=ClusterRoleKind.MANAGER)
            .exclude(user=user)
            .exists()
        ]


@transaction.atomic
def person_erase(email: str, *, actor: Any, allow_sole_manager: bool = False) -> Erasure:
    """Erase the person with this address (see the module's description); returns what was done.
    Refuses while they are the only manager of an active cluster, unless a platform admin says so."""
    email = _normal(email)
    if not email:
        raise ValidationError({"email": _("Enter an email address.")})
    done = Erasure(email)
    with scopes_disabled():
        user = _user(email)
        if user is not None and not allow_sole_manager:
            sole = sole_manager_of(user)
            if sole:
                raise ValidationError(
                    _("%(name)s is the only manager of %(clusters)s: make someone else manager first.")
                    % {"name": email, "clusters": ", ".join(c.name for c in sole)}
                )

        def note(key: str, clusters: Any, count: int) -> None:
            done.counts[key] = done.counts.get(key, 0) + count
            done.clusters.update(clusters)

        contacts = Contact.objects.filter(email__iexact=email)
        note("contacts", contacts.values_list("cluster_id", flat=True), contacts.count())
        contacts.delete()

        registrations = Registration.objects.filter(
            Q(email__iexact=email) | (Q(user=user) if user is not None else Q(pk__in=[]))
        )
        note("registrations", registrations.values_list("cluster_id", flat=True), registrations.count())
        # The address is required on a registration: a placeholder that cannot be mailed.
        for registration in registrations:
            registration.email = f"erased-{registration.pk}@invalid"
            registration.name = ""
            registration.user = None
            registration.save(update_fields=["email", "name", "user", "updated_at"])

        invitations = RespondentInvitation.objects.filter(email__iexact=email)
        note("survey_invitations", invitations.values_list("cluster_id", flat=True), invitations.count())
        invitations.update(email="")

        role_invitations = Invitation.objects.filter(email__iexact=email)
        note(
            "role_invitations",
            role_invitations.values_list("cluster_id", flat=True),
            role_invitations.count(),
        )
        role_invitations.delete()

        # A reminder of a collaboration's next step records whom it went to: the address leaves it,
        # and the history's line "sent to <name>" loses the name.
        reminders = OpportunityReminder.objects.filter(recipients__icontains=email)
        note("reminders", reminders.values_list("cluster_id", flat=True), reminders.count())
        for reminder in reminders:
            reminder.recipients = [ERASED if _normal(r) == email else r for r in reminder.recipients]
            reminder.save(update_fields=["recipients", "updated_at"])
            names = {email, (user.full_name if user is not None else "") or email}
            for event in OpportunityEvent.objects.filter(
                opportunity_id=reminder.opportunity_id, kind=EventKind.REMINDED, on=reminder.due_on
            ):
                text = event.text
                for name in names:
                    text = text.replace(name, ERASED)
                if text != event.text:
                    event.text = text
                    event.save(update_fields=["text", "updated_at"])

        mentions = AuditLog.objects.filter(object_repr__icontains=email)
        note("log_mentions", mentions.values_list("cluster_id", flat=True), mentions.count())
        for entry in mentions:
            entry.object_repr = entry.object_repr.replace(email, ERASED)
            entry.save(update_fields=["object_repr"])

        erased_pk = user.pk if user is not None else None
        if user is not None:
            roles = list(ClusterRole.objects.filter(user=user).values_list("cluster_id", flat=True))
            roles += list(CompanyRole.objects.filter(user=user).values_list("cluster_id", flat=True))
            note("roles", roles, len(roles))
            done.counts["account"] = 1
            user.delete()  # roles, tokens, feed and addresses go with it; the log keeps the entries
        # Erasing oneself leaves no actor behind: the account is gone.
        by = None if getattr(actor, "pk", None) in (None, erased_pk) else actor
        for cluster in Cluster.objects.filter(pk__in=done.clusters):
            audit_log(cluster=cluster, actor=by, action="privacy.person.erased")
    return done
