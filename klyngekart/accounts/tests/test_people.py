from __future__ import annotations

from django.core import mail
from django.urls import reverse

from klyngekart.accounts.models import ClusterRole, CompanyRole, Invitation
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled


def people_url(world, name: str = "list", *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"people:{name}", args=[world.cluster.slug, *args])


def test_manager_sees_everyone_with_a_role_and_open_invitations(world, invite, login):
    invite("invitert@example.no", "board")
    page = login(world.users["manager"]).get(people_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    for role in ("manager", "staff", "advisor", "board", "contact", "member"):
        assert world.users[role].email in body
    assert "invitert@example.no" in body


def test_staff_cannot_reach_people_page(world, login):
    client = login(world.users["staff"])
    assert client.get(people_url(world)).status_code == 403
    assert (
        client.post(people_url(world, "invite"), {"email": "x@example.no", "role": "staff"}).status_code
        == 403
    )


def test_other_clusters_manager_gets_404(world, other_world, login):
    client = login(other_world.users["manager"])
    assert client.get(people_url(world)).status_code == 404
    with scopes_disabled():
        role = ClusterRole.objects.get(user=world.users["staff"])
    # Not even through their own cluster's address can they touch another cluster's role.
    response = client.post(
        reverse("people:role_change", args=[other_world.cluster.slug, role.pk]), {f"r{role.pk}-role": "board"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert ClusterRole.objects.get(pk=role.pk).role == "staff"


def test_manager_invites_by_email(world, login, django_capture_on_commit_callbacks):
    client = login(world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            people_url(world, "invite"),
            {"email": "kontakt@example.no", "role": "contact", "company": world.membership.company.pk},
        )
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get(email="kontakt@example.no")
    assert invitation.company == world.membership.company
    assert len(mail.outbox) == 1


def test_company_role_invite_needs_a_company(world, login):
    response = login(world.users["manager"]).post(
        people_url(world, "invite"), {"email": "kontakt@example.no", "role": "contact"}
    )
    assert response.status_code == 400
    assert b"ds-validation-message" in response.content
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_role_change_is_audited_and_shown_in_history(world, login, english):
    client = login(world.users["manager"])
    with scopes_disabled():
        role = ClusterRole.objects.get(user=world.users["staff"])
    response = client.post(people_url(world, "role_change", role.pk), {f"r{role.pk}-role": "board"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ClusterRole.objects.get(pk=role.pk).role == "board"
        entry = AuditLog.objects.get(action="accounts.role.changed")
    assert entry.actor == world.users["manager"]
    assert entry.data == {"user": world.users["staff"].email, "from": "staff", "to": "board"}
    page = client.get(people_url(world))
    assert f"changed {world.users['staff'].email} from Cluster staff to Board viewer" in page.content.decode()


def test_remove_cluster_role_asks_first_then_removes_with_audit(world, login):
    client = login(world.users["manager"])
    with scopes_disabled():
        role = ClusterRole.objects.get(user=world.users["advisor"])
    confirm = client.get(people_url(world, "role_remove", role.pk))
    assert confirm.status_code == 200
    with scopes_disabled():
        assert ClusterRole.objects.filter(pk=role.pk).exists()
    client.post(people_url(world, "role_remove", role.pk))
    with scopes_disabled():
        assert not ClusterRole.objects.filter(pk=role.pk).exists()
        assert AuditLog.objects.filter(action="accounts.role.removed").count() == 1
    assert client.get(reverse("cluster:home", args=[world.cluster.slug])).status_code == 200
    assert (
        login(world.users["advisor"]).get(reverse("cluster:home", args=[world.cluster.slug])).status_code
        == 404
    )


def test_last_manager_cannot_be_removed_or_demoted(world, login, english):
    client = login(world.users["manager"])
    with scopes_disabled():
        role = ClusterRole.objects.get(user=world.users["manager"])
    demoted = client.post(
        people_url(world, "role_change", role.pk), {f"r{role.pk}-role": "staff"}, follow=True
    )
    assert "only manager" in demoted.content.decode()
    removed = client.post(people_url(world, "role_remove", role.pk), follow=True)
    assert "only manager" in removed.content.decode()
    with scopes_disabled():
        assert ClusterRole.objects.get(pk=role.pk).role == "manager"
        assert not AuditLog.objects.filter(
            action__in=["accounts.role.changed", "accounts.role.removed"]
        ).exists()


def test_remove_company_role(world, login):
    client = login(world.users["manager"])
    with scopes_disabled():
        company_role = CompanyRole.objects.get(user=world.users["contact"])
    client.post(people_url(world, "company_role_remove", company_role.pk))
    with scopes_disabled():
        assert not CompanyRole.objects.filter(pk=company_role.pk).exists()
        assert AuditLog.objects.get(action="accounts.role.removed").data["role"] == "contact"


def test_company_role_outside_the_cluster_is_404(world, other_world, login):
    with scopes_disabled():
        foreign = CompanyRole.objects.get(user=other_world.users["contact"])
    response = login(world.users["manager"]).post(people_url(world, "company_role_remove", foreign.pk))
    assert response.status_code == 404
    with scopes_disabled():
        assert CompanyRole.objects.filter(pk=foreign.pk).exists()


def test_revoke_and_resend_invitation(world, invite, login, django_capture_on_commit_callbacks):
    invitation, _secret = invite("ny@example.no", "staff")
    client = login(world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(people_url(world, "invitation_resend", invitation.pk))
    assert len(mail.outbox) == 2
    client.post(people_url(world, "invitation_revoke", invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = client.get(people_url(world))
    assert "ny@example.no" in page.content.decode()  # in the history, not the open list
    with scopes_disabled():
        assert {"accounts.invitation.resent", "accounts.invitation.revoked"} <= set(
            AuditLog.objects.values_list("action", flat=True)
        )


def test_nav_shows_people_and_settings_to_the_manager_only(world, login):
    home = reverse("cluster:home", args=[world.cluster.slug])
    manager_page = login(world.users["manager"]).get(home).content.decode()
    assert people_url(world) in manager_page
    assert reverse("cluster:settings", args=[world.cluster.slug]) in manager_page
    staff_page = login(world.users["staff"]).get(home).content.decode()
    assert people_url(world) not in staff_page
