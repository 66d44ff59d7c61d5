from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from klyngekart.accounts.models import ClusterRole, CompanyRole, Invitation, hash_secret
from klyngekart.accounts.services import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from klyngekart.accounts.tests.factories import ClusterRoleFactory
from klyngekart.accounts.tests.helpers import make_cluster, make_user
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership
from klyngekart.members.tests.factories import MembershipFactory


def audit_actions(cluster) -> list[str]:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return list(AuditLog.objects.filter(cluster=cluster).values_list("action", flat=True))


def test_only_the_hash_of_the_secret_is_stored(world, invite):
    invitation, secret = invite("ny@example.no", "staff")
    with scopes_disabled():
        stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.token_hash == hash_secret(secret)
    with scopes_disabled():
        row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert all(secret not in str(value) for value in row.values())


def test_invitation_expires_after_14_days_and_is_audited(world, invite):
    invitation, _secret = invite("NY@Example.no", "advisor")
    assert invitation.email == "ny@example.no"
    assert timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    assert "accounts.invitation.created" in audit_actions(world.cluster)


def test_invitation_mail_carries_the_link_and_goes_after_commit(
    world, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://kart.example.no"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invitation, secret = invitation_create(
            cluster=world.cluster, email="ny@example.no", role="staff", invited_by=world.users["manager"]
        )
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@example.no"]
    assert f"https://kart.example.no/accounts/invitations/{secret}/" in mail.outbox[0].body


def test_mail_uses_the_inviters_language_for_a_new_address(world, invite):
    with translation.override("en"):
        invite("ny@example.no", "staff")
    assert "has invited you to" in mail.outbox[0].body


def test_mail_uses_the_recipients_own_language(world, invite):
    make_user(email="eksisterende@example.no", language="en")
    with translation.override("nb"):
        invite("eksisterende@example.no", "board")
    assert "has invited you to" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("role", "with_company", "message_field"),
    [("contact", False, "company"), ("staff", True, "company"), ("owner", False, "role")],
)
def test_role_and_company_must_fit(world, role, with_company, message_field):
    company: Company | None = world.membership.company if with_company else None
    with pytest.raises(ValidationError) as caught:
        invitation_create(
            cluster=world.cluster, email="x@example.no", role=role, invited_by=None, company=company
        )
    assert message_field in caught.value.message_dict


def test_company_role_needs_an_active_member_of_this_cluster(world, other_world):
    with pytest.raises(ValidationError):
        invitation_create(
            cluster=world.cluster,
            email="x@example.no",
            role="contact",
            invited_by=None,
            company=other_world.membership.company,
        )
    paused = MembershipFactory(cluster=world.cluster, status="paused")
    with pytest.raises(ValidationError):
        invitation_create(
            cluster=world.cluster,
            email="x@example.no",
            role="member",
            invited_by=None,
            company=cast(Membership, paused).company,
        )


def test_accept_grants_the_cluster_role_once(world, invite):
    invitation, secret = invite("ny@example.no", "advisor")
    user = make_user(email="ny@example.no")
    accepted = invitation_accept(secret=secret, user=user)
    assert accepted.accepted_by == user
    with scopes_disabled():
        assert ClusterRole.objects.get(user=user, cluster=world.cluster).role == "advisor"
        granted = AuditLog.objects.get(action="accounts.role.granted")
    assert granted.data["role"] == "advisor"
    with pytest.raises(InvitationError) as caught:
        invitation_accept(secret=secret, user=user)
    assert caught.value.code == "used"


def test_accept_replaces_an_existing_cluster_role(world, invite):
    staff = world.users["staff"]
    _invitation, secret = invite(staff.email, "manager")
    invitation_accept(secret=secret, user=staff)
    with scopes_disabled():
        assert list(ClusterRole.objects.filter(user=staff).values_list("role", flat=True)) == ["manager"]
        assert AuditLog.objects.get(action="accounts.role.granted").data["previous_role"] == "staff"


def test_accept_company_role(world, invite):
    _invitation, secret = invite("ansatt@example.no", "member", company=world.membership.company)
    user = make_user(email="ansatt@example.no")
    invitation_accept(secret=secret, user=user)
    with scopes_disabled():
        role = CompanyRole.objects.get(user=user)
    assert (role.cluster, role.company) == (world.cluster, world.membership.company)


def test_expired_invitation_cannot_be_used(world, invite):
    invitation, secret = invite("ny@example.no", "staff")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(InvitationError) as caught:
        invitation_accept(secret=secret, user=make_user(email="ny@example.no"))
    assert caught.value.code == "expired"
    with scopes_disabled():
        assert not ClusterRole.objects.filter(user__email="ny@example.no").exists()


def test_invitation_for_another_email_cannot_be_accepted(world, invite):
    _invitation, secret = invite("riktig@example.no", "staff")
    intruder = make_user(email="feil@example.no")
    with pytest.raises(InvitationError) as caught:
        invitation_accept(secret=secret, user=intruder)
    assert caught.value.code == "wrong_user"
    with scopes_disabled():
        assert not ClusterRole.objects.filter(user=intruder).exists()


def test_unknown_secret_is_invalid(world):
    with pytest.raises(InvitationError) as caught:
        invitation_accept(secret="not-a-real-secret", user=world.users["staff"])
    assert caught.value.code == "invalid"


def test_revoked_invitation_cannot_be_used(world, invite):
    invitation, secret = invite("ny@example.no", "staff")
    invitation_revoke(invitation=invitation, actor=world.users["manager"])
    with pytest.raises(InvitationError) as caught:
        invitation_accept(secret=secret, user=make_user(email="ny@example.no"))
    assert caught.value.code == "revoked"
    assert "accounts.invitation.revoked" in audit_actions(world.cluster)


def test_resend_makes_a_new_link_and_kills_the_old(world, invite, django_capture_on_commit_callbacks):
    invitation, old_secret = invite("ny@example.no", "staff")
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, new_secret = invitation_resend(invitation=invitation, actor=world.users["manager"])
    assert new_secret != old_secret
    assert len(mail.outbox) == 2
    assert new_secret in mail.outbox[1].body
    user = make_user(email="ny@example.no")
    with pytest.raises(InvitationError):
        invitation_accept(secret=old_secret, user=user)
    invitation_accept(secret=new_secret, user=user)
    assert "accounts.invitation.resent" in audit_actions(world.cluster)


def test_accepted_invitation_cannot_be_revoked_or_resent(world, invite):
    invitation, secret = invite("ny@example.no", "staff")
    invitation_accept(secret=secret, user=make_user(email="ny@example.no"))
    invitation.refresh_from_db()
    with pytest.raises(ValidationError):
        invitation_revoke(invitation=invitation, actor=world.users["manager"])
    with pytest.raises(ValidationError):
        invitation_resend(invitation=invitation, actor=world.users["manager"])


def test_the_last_manager_cannot_accept_a_lesser_role(world, invite):
    manager = world.users["manager"]
    _invitation, secret = invite(manager.email, "staff")
    with pytest.raises(ValidationError):
        invitation_accept(secret=secret, user=manager)
    ClusterRoleFactory(cluster=world.cluster, role="manager")
    invitation_accept(secret=secret, user=manager)
    with scopes_disabled():
        assert ClusterRole.objects.get(user=manager).role == "staff"


def test_platform_admin_can_invite_a_new_clusters_first_manager(db, django_capture_on_commit_callbacks):
    cluster = make_cluster(slug="ny-klynge")
    admin = make_user(email="admin@example.no", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, secret = invitation_create(
            cluster=cluster, email="leder@example.no", role="manager", invited_by=admin
        )
    user = make_user(email="leder@example.no")
    invitation_accept(secret=secret, user=user)
    with scopes_disabled():
        assert ClusterRole.objects.get(cluster=cluster, user=user).role == "manager"
