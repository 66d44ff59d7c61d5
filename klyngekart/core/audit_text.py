"""The audit log in words: ``members.membership.created`` becomes "Ingrid added Fjordlaks AS as a member".

Services record a dotted action name and a small ``data`` dict (see each app's services). The
sentences are built here, at display time, so they follow the reader's language rather than the
language of whoever made the change. Each action has one whole sentence as its msgid: word order
differs between languages, so the translator must see the actor and object in context.

It lives in core so that every page showing changes (the home page, the change log, a member's
history) reads them the same way. Core does not depend on the members app: a caller that can show
contact changes passes ``company_names`` (``members.selectors.company_names``) to name the company.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from klyngekart.core.models import AuditLog

# The filter on the change log: the app an action belongs to is its first dotted part.
ACTION_GROUPS: list[tuple[str, Promise]] = [
    ("members.", _("Members")),
    ("accounts.", _("People and roles")),
    ("core.", _("Cluster settings")),
    ("needs.", _("Membership strategies")),
    ("surveys.", _("Surveys")),
    ("taxonomy.", _("Competence areas")),
    ("reports.", _("Reports")),
    ("measures.", _("Joint measures")),
    ("landscape.", _("Cluster landscape")),
    ("barometer.", _("National competence barometer")),
    ("collaborations.", _("Collaborations")),
]

SENTENCES: dict[str, Promise] = {
    "core.cluster.created": _("%(actor)s created the cluster %(object)s"),
    "core.cluster.updated": _("%(actor)s updated the cluster settings"),
    "barometer.joined": _("%(actor)s let the cluster take part in the national competence barometer"),
    "barometer.left": _("%(actor)s took the cluster out of the national competence barometer"),
    "members.membership.created": _("%(actor)s added %(object)s as a member"),
    "members.membership.updated": _("%(actor)s updated the membership of %(object)s"),
    "members.membership.ended": _("%(actor)s ended the membership of %(object)s"),
    "members.membership.paused": _("%(actor)s paused the membership of %(object)s"),
    "members.membership.reactivated": _("%(actor)s reactivated the membership of %(object)s"),
    "members.company.updated": _("%(actor)s updated the company profile of %(object)s"),
    "members.contact.created": _("%(actor)s added %(object)s as a contact at %(company)s"),
    "members.contact.updated": _("%(actor)s updated the contact %(object)s at %(company)s"),
    "members.contact.deleted": _("%(actor)s removed the contact %(object)s at %(company)s"),
    "members.import.completed": _("%(actor)s imported %(created)s new and %(updated)s existing companies"),
    "landscape.profile.updated": _("%(actor)s updated %(object)s in the cluster landscape"),
    "landscape.import.completed": _(
        "%(actor)s imported %(created)s new and %(updated)s existing clusters into the cluster landscape"
    ),
    "partners.profile.published": _("%(actor)s published the cluster's profile in the cluster landscape"),
    "partners.profile.withdrawn": _("%(actor)s withdrew the cluster's profile from the cluster landscape"),
    "partners.profile.adopted": _(
        "%(actor)s took over the landscape record %(object)s as the cluster's published profile"
    ),
    "partners.profile.kept_as_record": _(
        "%(actor)s withdrew the profile; %(object)s stays in the cluster landscape as a plain record "
        "because a collaboration names it as a partner"
    ),
    "partners.settings.saved": _("%(actor)s changed the settings for partner matching"),
    "partners.strengths.saved": _("%(actor)s changed the cluster's declared strengths"),
    "partners.company.saved": _("%(actor)s changed the partner search of %(object)s"),
    "collaborations.opportunity.created": _("%(actor)s added the collaboration opportunity %(object)s"),
    "collaborations.opportunity.updated": _("%(actor)s changed the collaboration opportunity %(object)s"),
    "collaborations.opportunity.stage_changed": _(
        "%(actor)s moved the collaboration opportunity %(object)s from %(from)s to %(to)s"
    ),
    "collaborations.opportunity.next_step_set": _(
        "%(actor)s set the next step of the collaboration opportunity %(object)s"
    ),
    "collaborations.opportunity.note_added": _(
        "%(actor)s added a note to the collaboration opportunity %(object)s"
    ),
    "accounts.invitation.created": _("%(actor)s invited %(email)s as %(role)s"),
    "accounts.invitation.revoked": _("%(actor)s withdrew the invitation to %(email)s"),
    "accounts.invitation.resent": _("%(actor)s sent the invitation to %(email)s again"),
    "accounts.role.granted": _("%(actor)s gave %(object)s the role %(role)s"),
    "accounts.role.changed": _("%(actor)s changed the role of %(object)s from %(from)s to %(to)s"),
    "accounts.role.removed": _("%(actor)s removed the role %(role)s from %(object)s"),
    "needs.strategy.updated": _("%(actor)s updated the membership strategy for %(year)s of %(company)s"),
    "needs.strategy.submitted": _("%(actor)s submitted the membership strategy for %(year)s of %(company)s"),
    "needs.year.locked": _("%(actor)s locked the membership strategies for %(year)s"),
    "needs.year.unlocked": _("%(actor)s opened the membership strategies for %(year)s for changes again"),
    "surveys.survey.created": _("%(actor)s created the survey %(object)s"),
    "surveys.survey.imported": _("%(actor)s imported the survey %(object)s from XLSForm"),
    "surveys.survey.updated": _("%(actor)s renamed the survey %(object)s"),
    "surveys.version.created": _("%(actor)s made a new draft version of %(object)s"),
    "surveys.version.updated": _("%(actor)s changed the introduction of %(object)s"),
    "surveys.version.published": _("%(actor)s published %(object)s"),
    "surveys.section.created": _("%(actor)s added the section %(object)s to a survey draft"),
    "surveys.section.updated": _("%(actor)s changed the section %(object)s in a survey draft"),
    "surveys.section.deleted": _("%(actor)s removed the section %(object)s from a survey draft"),
    "surveys.section.moved": _("%(actor)s moved the section %(object)s in a survey draft"),
    "surveys.question.created": _("%(actor)s added the question %(object)s to a survey draft"),
    "surveys.question.updated": _("%(actor)s changed the question %(object)s in a survey draft"),
    "surveys.question.deleted": _("%(actor)s removed the question %(object)s from a survey draft"),
    "surveys.question.moved": _("%(actor)s moved the question %(object)s in a survey draft"),
    "surveys.round.created": _("%(actor)s created the mapping round %(object)s"),
    "surveys.round.companies_added": _("%(actor)s added %(count)s companies to the mapping round %(object)s"),
    "surveys.round.opened": _("%(actor)s opened the mapping round %(object)s"),
    "surveys.round.closed": _("%(actor)s closed the mapping round %(object)s"),
    "surveys.round.reminded": _("%(actor)s sent reminders for the mapping round %(object)s"),
    "surveys.round.invitations_purged": _(
        "%(actor)s erased the invitation lists of the mapping round %(object)s"
    ),
    "surveys.invitations.added": _("%(actor)s added %(count)s personal invitations for %(object)s"),
    "taxonomy.version.created": _("%(actor)s started a new version of the competence areas"),
    "taxonomy.area.added": _("%(actor)s added the competence area %(object)s"),
    "taxonomy.area.updated": _("%(actor)s changed the competence area %(object)s"),
    "taxonomy.area.hidden": _("%(actor)s hid the competence area %(object)s"),
    "taxonomy.area.shown": _("%(actor)s showed the competence area %(object)s again"),
    "taxonomy.area.moved": _("%(actor)s moved the competence area %(object)s"),
    "reports.needs.requested": _("%(actor)s ordered the needs report of the round %(object)s"),
    "measures.measure.created": _("%(actor)s created the joint measure %(object)s"),
    "measures.measure.updated": _("%(actor)s changed the joint measure %(object)s"),
    "measures.measure.status_changed": _("%(actor)s changed the status of the joint measure %(object)s"),
    "measures.measure.invited": _("%(actor)s invited %(count)s companies to the joint measure %(object)s"),
    "measures.interest.registered": _("%(actor)s registered the interest of %(company)s in %(object)s"),
    "measures.interest.withdrawn": _("%(actor)s withdrew the interest of %(company)s in %(object)s"),
    "memberservices.service.created": _("%(actor)s added the member service %(object)s"),
    "memberservices.service.updated": _("%(actor)s changed the member service %(object)s"),
    "memberservices.pulse.schedule_saved": _("%(actor)s changed the schedule of pulse checks"),
    "memberservices.pulse.started": _("%(actor)s started the pulse check %(object)s"),
    "benchmark.assessment.saved": _("%(actor)s changed the benchmarking self-assessment"),
    "webhooks.webhook.created": _("%(actor)s added the webhook %(object)s"),
    "webhooks.webhook.updated": _("%(actor)s changed the webhook %(object)s"),
    "webhooks.webhook.deleted": _("%(actor)s removed the webhook %(object)s"),
    "webhooks.webhook.secret_rotated": _("%(actor)s made a new secret for the webhook %(object)s"),
    "privacy.person.erased": _("%(actor)s erased the personal data of a person on their request"),
    "surveys.round.extended": _("%(actor)s extended the mapping round %(object)s"),
    "surveys.open_link.enabled": _("%(actor)s turned on the open link of %(object)s"),
    "surveys.open_link.disabled": _("%(actor)s turned off the open link of %(object)s"),
    "surveys.invitation.withdrawn": _("%(actor)s withdrew a personal invitation of %(object)s"),
    "surveys.invitation.resent": _("%(actor)s sent a personal invitation of %(object)s again"),
    "surveys.held.approved": _("%(actor)s let %(count)s held answers count in %(object)s"),
    "surveys.held.rejected": _("%(actor)s rejected %(count)s held answers in %(object)s"),
    "surveys.held.dropped": _("%(actor)s closed %(object)s, leaving out %(count)s held answers"),
    "surveys.comment.hidden": _("%(actor)s hid a comment in the results of %(object)s"),
    "surveys.comment.shown": _("%(actor)s showed a hidden comment again in the results of %(object)s"),
    "engagement.settings.changed": _("%(actor)s changed the weights of the engagement score"),
    "engagement.mail.sent": _("%(actor)s mailed %(count)s contacts of members at risk"),
    "activities.activity.created": _("%(actor)s created the activity %(object)s"),
    "activities.activity.updated": _("%(actor)s changed the activity %(object)s"),
    "activities.registration.created": _("%(actor)s registered %(object)s"),
    "activities.registration.promoted": _("%(actor)s gave %(object)s a seat from the waiting list"),
    "activities.registration.cancelled": _("%(actor)s cancelled the registration %(object)s"),
    "activities.attendance.checked_in": _("%(actor)s checked in %(object)s"),
    "activities.attendance.undone": _("%(actor)s undid the check-in of %(object)s"),
    "activities.attendance.closed": _(
        "%(actor)s marked %(count)s registrations for %(object)s as not shown up"
    ),
    "activities.feedback.opened": _("%(actor)s sent the feedback survey of %(object)s"),
}
FALLBACK = _("%(actor)s: %(action)s %(object)s")

# Role names as the audit sentences print them. The roles are the accounts app's, which sits above
# core, so it hands its labels down when it is ready (accounts/apps.py) instead of core importing it.
_ROLE_LABELS: dict[str, Any] = {}


def register_role_labels(labels: dict[str, Any]) -> None:
    _ROLE_LABELS.update(labels)


# A company's own contact, appointed by another cluster of the company, changed the company's
# shared facts: this cluster is told which (members.services.company_update_shared), not by whom,
# and its own record is left as it keeps it.
COMPANY_STATED = _(
    "The company’s own contact changed its shared information (%(fields)s) about %(object)s; "
    "this cluster’s record is unchanged"
)
# Enhetsregisteret, the public company register, corrected the facts (members.services
# .company_register_refresh): with the person who asked it in their own cluster, without elsewhere.
REGISTER_UPDATED = _("%(actor)s updated the company profile of %(object)s from Enhetsregisteret (%(fields)s)")
REGISTER_UPDATED_BY_NOBODY = _(
    "The company profile of %(object)s was updated from Enhetsregisteret (%(fields)s)"
)
# A change of the company's standing in the register (members.models.RegisterStatus).
REGISTER_STATUS = _("Enhetsregisteret now lists %(object)s as %(status)s")
_REGISTER_STATUS_LABELS: dict[str, Promise] = {
    "active": _("registered"),
    "winding_up": _("being wound up"),
    "forced_dissolution": _("under forced dissolution"),
    "bankrupt": _("bankrupt"),
    "deleted": _("deleted"),
}
# The company facts by name (members.models.FACT_FIELDS), for the sentence above.
_FACT_LABELS: dict[str, Promise] = {
    "name": _("name"),
    "nace_code": _("NACE code"),
    "employees": _("employees"),
    "size_class": _("size class"),
    "municipality": _("municipality"),
    "region": _("region"),
    "website": _("website"),
}


@dataclass(frozen=True)
class Change:
    """One audit row as the pages show it."""

    entry: AuditLog
    sentence: str
    actor: str
    object: str
    created_at: datetime
    # The day a status change took effect, when it differs from the day it was recorded.
    effective_on: date | None = None


# Words for the values an app records in an entry's data under "from" and "to" (a stage, say),
# by action. The app that owns the values registers them when it is ready: core reads no app above it.
VALUE_LABELS: dict[str, Mapping[str, Any]] = {}


def register_value_labels(action: str, labels: Mapping[str, Any]) -> None:
    VALUE_LABELS[action] = labels


def role_label(role: Any) -> str:
    return str(_ROLE_LABELS.get(str(role), role or ""))


def _subject(entry: AuditLog) -> str:
    """The name of what changed, as recorded when it changed.

    Memberships and roles print as "Company · Cluster" and "Person · Role"; the first part is
    the name a reader wants, the rest is already said by the page or the sentence."""
    if entry.object_type in {"members.membership", "accounts.clusterrole", "accounts.companyrole"}:
        return entry.object_repr.split(" · ")[0]
    return entry.object_repr


def _actor(entry: AuditLog) -> str:
    if entry.actor is None:
        return gettext("The system")
    return entry.actor.full_name or entry.actor.email


def _effective_on(data: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(data["on"]) if isinstance(data.get("on"), str) else None
    except ValueError:
        return None


def _count(data: dict[str, Any]) -> int:
    """How many things an action touched: a number, or the length of a list of them."""
    for key in ("count", "companies", "reminders", "responses"):
        value = data.get(key)
        if isinstance(value, int):
            return value
        if isinstance(value, list):
            return len(value)
    return 0


def describe(entry: AuditLog, companies_by_membership: dict[int, str] | None = None) -> Change:
    data = entry.data if isinstance(entry.data, dict) else {}
    membership_id = data.get("membership")
    company = (companies_by_membership or {}).get(membership_id) if isinstance(membership_id, int) else None
    values: dict[str, Any] = {
        "actor": _actor(entry),
        "object": _subject(entry) or "–",
        "action": entry.action,
        "company": company or gettext("a member company"),
        "email": data.get("email") or entry.object_repr,
        "role": role_label(data.get("role")),
        "from": role_label(data.get("from")),
        "to": role_label(data.get("to")),
        "created": data.get("created", 0),
        "updated": data.get("updated", 0),
        "year": data.get("year", ""),
        "count": _count(data),
        "fields": ", ".join(str(_FACT_LABELS.get(name, name)) for name in data.get("fields") or []),
    }
    labels = VALUE_LABELS.get(entry.action)
    if labels is not None:
        for key in ("from", "to"):
            value = data.get(key)
            values[key] = str(labels.get(str(value), value or "–")).lower()
    template = SENTENCES.get(entry.action, FALLBACK)
    if entry.action == "members.company.updated" and data.get("applied") is False:
        template = COMPANY_STATED
    elif entry.action == "members.company.updated" and data.get("source") == "register":
        template = REGISTER_UPDATED if entry.actor is not None else REGISTER_UPDATED_BY_NOBODY
        changed = data.get("changed")
        changed = changed if isinstance(changed, dict) else {}
        values["fields"] = ", ".join(str(_FACT_LABELS.get(name, name)) for name in changed)
    elif entry.action == "members.company.register_status":
        template = REGISTER_STATUS
        values["status"] = str(_REGISTER_STATUS_LABELS.get(str(data.get("to")), data.get("to") or ""))
    # A pause was once recorded as an ended membership; the status it went to tells them apart.
    if entry.action == "members.membership.ended" and data.get("to") == "paused":
        template = SENTENCES["members.membership.paused"]
    return Change(
        entry=entry,
        sentence=str(template) % values,
        actor=values["actor"],
        object=values["object"],
        created_at=entry.created_at,
        effective_on=_effective_on(data),
    )


def describe_all(
    entries: Iterable[AuditLog], *, company_names: Callable[[set[int]], dict[int, str]] | None = None
) -> list[Change]:
    """Sentences for a page of entries; ``company_names`` names the companies of contact changes
    in one query (without it they read "a member company")."""
    entries = list(entries)
    ids = {
        e.data["membership"]
        for e in entries
        if isinstance(e.data, dict) and isinstance(e.data.get("membership"), int)
    }
    names = company_names(ids) if ids and company_names is not None else {}
    return [describe(entry, names) for entry in entries]
