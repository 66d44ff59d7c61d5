"""Writes for accounts: invitations, roles, profiles and cluster settings.

Every function here enters ``scope(cluster)`` itself where it touches cluster-owned rows, so a
caller outside a cluster page (the platform admin, a management command) can use it as is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klyngekart.accounts.membership import company_name as member_company_name
from klyngekart.accounts.membership import is_active_member
from klyngekart.accounts.models import (
    ClusterRole,
    ClusterRoleKind,
    CompanyRole,
    CompanyRoleKind,
    Invitation,
    User,
    hash_secret,
)
from klyngekart.accounts.selectors import invitation_by_secret, role_label
from klyngekart.core.audit import audit_log
from klyngekart.core.links import absolute_url
from klyngekart.core.mail import render_subject
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope

INVITATION_VALID_DAYS = 14
CLUSTER_ROLE_VALUES = frozenset(ClusterRoleKind.values)
COMPANY_ROLE_VALUES = frozenset(CompanyRoleKind.values)
MANAGER = ClusterRoleKind.MANAGER.value


class InvitationError(ValidationError):
    """An invitation link that cannot be used. ``code`` says why: invalid, expired, used,
    revoked or wrong_user, so the page can explain it."""


# --- invitations -----------------------------------------------------------------------------


def _validate_invitation_role(*, cluster: Cluster, role: str, company: Any | None) -> None:
    if role in CLUSTER_ROLE_VALUES:
        if company is not None:
            raise ValidationError({"company": _("A cluster role is not tied to a company.")})
        return
    if role in COMPANY_ROLE_VALUES:
        if company is None:
            raise ValidationError({"company": _("Choose the member company for this role.")})
        with scope(cluster):
            is_member = is_active_member(cluster, company.pk)
        if not is_member:
            raise ValidationError({"company": _("The company is not an active member of this cluster.")})
        return
    raise ValidationError({"role": _("Unknown role.")})


def _recipient_language(email: str) -> str:
    """The invitee's own language if they have an account, else the language the inviter is
    using right now (the best guess at what the two of them share)."""
    existing = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
    if existing:
        return existing
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def invitation_url(secret: str) -> str:
    """The acceptance link in an invitation mail, on SITE_URL (mails never follow a request's host)."""
    return absolute_url(reverse("accounts:invitation_accept", args=[secret]))


def _send_invitation_mail(*, invitation: Invitation, secret: str, language: str) -> None:
    # The company as the inviting cluster records it.
    company_name = member_company_name(invitation.cluster_id, invitation.company_id) or None
    with translation.override(language):
        context = {
            "cluster": invitation.cluster,
            "company": invitation.company,
            "company_name": company_name,
            "role": role_label(invitation.role),
            "inviter": invitation.invited_by,
            "url": invitation_url(secret),
            "expires_at": invitation.expires_at,
        }
        subject = render_subject("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


def _schedule_invitation_mail(invitation: Invitation, secret: str) -> None:
    # The language is decided now, while the inviter's request language is active; the mail
    # itself goes only once the invitation is committed, so a rollback sends nothing. The
    # secret stays in memory: it is never written to a task queue or the database.
    language = _recipient_language(invitation.email)
    transaction.on_commit(
        lambda: _send_invitation_mail(invitation=invitation, secret=secret, language=language)
    )


def invitation_create(
    *,
    cluster: Cluster,
    email: str,
    role: str,
    invited_by: Any,
    company: Any | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` into ``role`` in ``cluster`` (a company role needs an active member
    ``company``). Returns the invitation and the link's secret; only its hash is stored."""
    _validate_invitation_role(cluster=cluster, role=role, company=company)
    secret = Invitation.new_secret()
    invitation = Invitation(
        cluster=cluster,
        email=email.strip().lower(),
        role=role,
        company=company,
        token_hash=hash_secret(secret),
        invited_by=invited_by if getattr(invited_by, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
    )
    with scope(cluster), transaction.atomic():
        invitation.full_clean()
        invitation.save()
        audit_log(
            cluster=cluster,
            actor=invited_by,
            action="accounts.invitation.created",
            target=invitation,
            data={"email": invitation.email, "role": role, "company_id": company.pk if company else None},
        )
        _schedule_invitation_mail(invitation, secret)
    return invitation, secret


def invitation_revoke(*, invitation: Invitation, actor: Any) -> Invitation:
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted and cannot be revoked."))
    if invitation.revoked_at is not None:
        return invitation
    with scope(invitation.cluster), transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_log(
            cluster=invitation.cluster,
            actor=actor,
            action="accounts.invitation.revoked",
            target=invitation,
            data={"email": invitation.email, "role": invitation.role},
        )
    return invitation


def invitation_resend(*, invitation: Invitation, actor: Any) -> tuple[Invitation, str]:
    """Send the invitation again with a fresh link and a fresh 14 days. The old link stops
    working, because only one secret's hash is kept."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Only an invitation that is still open can be sent again."))
    secret = Invitation.new_secret()
    with scope(invitation.cluster), transaction.atomic():
        invitation.token_hash = hash_secret(secret)
        invitation.expires_at = timezone.now() + timedelta(days=INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
        audit_log(
            cluster=invitation.cluster,
            actor=actor,
            action="accounts.invitation.resent",
            target=invitation,
            data={"email": invitation.email, "role": invitation.role},
        )
        _schedule_invitation_mail(invitation, secret)
    return invitation, secret


def invitation_check(invitation: Invitation | None) -> Invitation:
    """Raise InvitationError unless the invitation can still be accepted."""
    if invitation is None or not invitation.cluster.is_active:
        raise InvitationError(_("This invitation link is not valid."), code="invalid")
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired."), code="expired")
    return invitation


def invitation_accept(*, secret: str, user: User) -> Invitation:
    """Give ``user`` the invitation's role. The logged-in address must be the invited one, so a
    forwarded link does not hand a role to someone else. A cluster role replaces the user's
    current role in that cluster."""
    invitation = invitation_check(invitation_by_secret(secret))
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise InvitationError(_("This invitation was sent to a different email address."), code="wrong_user")
    cluster = invitation.cluster
    with scope(cluster), transaction.atomic():
        # Lock the row so two clicks on the link grant the role once. Only this row: PostgreSQL
        # cannot lock the nullable side of the outer join to the company.
        invitation = invitation_check(
            Invitation.objects.select_for_update(of=("self",))
            .select_related("cluster", "company")
            .get(pk=invitation.pk)
        )
        previous: str | None = None
        granted: ClusterRole | CompanyRole
        if invitation.role in CLUSTER_ROLE_VALUES:
            existing = ClusterRole.objects.filter(user=user).first()
            if existing is not None:
                previous = existing.role
                if previous == MANAGER and invitation.role != MANAGER:
                    _ensure_not_last_manager(cluster=cluster, role=existing)
                existing.role = invitation.role
                existing.full_clean()
                existing.save(update_fields=["role", "updated_at"])
                granted = existing
            else:
                granted = ClusterRole(cluster=cluster, user=user, role=invitation.role)
                granted.full_clean()
                granted.save()
        else:
            # The role is this cluster's: inside its scope only its own rows are found, and a new
            # one records the cluster, so it gives nothing in another cluster of the company.
            company_role = CompanyRole.objects.filter(user=user, company=invitation.company).first()
            if company_role is not None:
                previous = company_role.role
                company_role.role = invitation.role
                company_role.save(update_fields=["role", "updated_at"])
                granted = company_role
            else:
                granted = CompanyRole(
                    cluster=cluster, user=user, company=invitation.company, role=invitation.role
                )
                granted.full_clean()
                granted.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_log(
            cluster=cluster,
            actor=user,
            action="accounts.role.granted",
            target=granted,
            data={
                "user": user.email,
                "role": invitation.role,
                "previous_role": previous,
                "company_id": invitation.company_id,
                "invitation_id": invitation.pk,
            },
        )
    return invitation


def user_create_from_invitation(*, secret: str, full_name: str, password: str, language: str) -> User:
    """Make the account for an invited address and accept the invitation, all or nothing.
    The address is marked verified: following the link sent to it proves it."""
    from allauth.account.models import EmailAddress

    invitation = invitation_check(invitation_by_secret(secret))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(
            _("An account with this email address already exists. Log in instead."), code="account_exists"
        )
    with transaction.atomic():
        user = User(email=invitation.email, full_name=full_name.strip(), language=language)
        user.set_password(password)
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation_accept(secret=secret, user=user)
    return user


# --- roles -----------------------------------------------------------------------------------


def _ensure_not_last_manager(*, cluster: Cluster, role: ClusterRole) -> None:
    with scope(cluster):
        others = ClusterRole.objects.filter(role=MANAGER).exclude(pk=role.pk).exists()
    if not others:
        raise ValidationError(
            _("%(name)s is the cluster's only manager. Make someone else manager first.")
            % {"name": role.user}
        )


def cluster_role_change(*, role: ClusterRole, new_role: str, actor: Any) -> ClusterRole:
    if new_role not in CLUSTER_ROLE_VALUES:
        raise ValidationError({"role": _("Unknown role.")})
    old_role = role.role
    if new_role == old_role:
        return role
    cluster = role.cluster
    with scope(cluster), transaction.atomic():
        if old_role == MANAGER:
            _ensure_not_last_manager(cluster=cluster, role=role)
        role.role = new_role
        role.full_clean()
        role.save(update_fields=["role", "updated_at"])
        audit_log(
            cluster=cluster,
            actor=actor,
            action="accounts.role.changed",
            target=role,
            data={"user": role.user.email, "from": old_role, "to": new_role},
        )
    return role


def cluster_role_remove(*, role: ClusterRole, actor: Any) -> None:
    cluster = role.cluster
    with scope(cluster), transaction.atomic():
        if role.role == MANAGER:
            _ensure_not_last_manager(cluster=cluster, role=role)
        audit_log(
            cluster=cluster,
            actor=actor,
            action="accounts.role.removed",
            target=role,
            data={"user": role.user.email, "role": role.role},
        )
        role.delete()


def company_role_remove(*, company_role: CompanyRole, actor: Any) -> None:
    """Remove a person's role in a member company. The role belongs to the cluster that granted
    it, so this ends it there only (a role the person holds for the same company in another
    cluster stays), and the audit row goes to that cluster."""
    cluster = company_role.cluster
    with scope(cluster), transaction.atomic():
        audit_log(
            cluster=cluster,
            actor=actor,
            action="accounts.role.removed",
            target=company_role,
            data={
                "user": company_role.user.email,
                "role": company_role.role,
                "company_id": company_role.company_id,
            },
        )
        company_role.delete()


# --- profile and cluster settings ------------------------------------------------------------


def user_update_profile(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "language"])
    return user


CLUSTER_SETTINGS_FIELDS = (
    "name",
    "short_name",
    "description",
    "website",
    "city",
    "anonymity_threshold",
    "require_mfa",
)


def cluster_update(*, cluster: Cluster, actor: Any, data: dict[str, Any]) -> Cluster:
    """Change the cluster's own settings. Unknown keys are refused rather than ignored, so a
    caller cannot believe it changed something it did not."""
    unknown = set(data) - set(CLUSTER_SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(
            _("These settings cannot be changed here: %(fields)s") % {"fields": sorted(unknown)}
        )
    threshold = data.get("anonymity_threshold", cluster.anonymity_threshold)
    minimum = settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD
    if threshold is None or threshold < minimum:
        raise ValidationError(
            {
                "anonymity_threshold": _(
                    "The anonymity threshold cannot be lower than %(minimum)s on this installation."
                )
                % {"minimum": minimum}
            }
        )
    changes: dict[str, list[Any]] = {}
    for field, value in data.items():
        old = getattr(cluster, field)
        if old != value:
            changes[field] = [old, value]
            setattr(cluster, field, value)
    if not changes:
        return cluster
    try:
        cluster.full_clean()
    except ValidationError:
        # The caller's instance is the request's cluster; leave it as it was.
        for field, (old, _new) in changes.items():
            setattr(cluster, field, old)
        raise
    with scope(cluster), transaction.atomic():
        cluster.save(update_fields=[*changes, "updated_at"])
        audit_log(
            cluster=cluster,
            actor=actor,
            action="core.cluster.updated",
            target=cluster,
            data={"changes": changes},
        )
    return cluster
