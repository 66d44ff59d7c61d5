from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from klyngekart.accounts.models import Invitation, hash_secret
from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.home import services

pytestmark = pytest.mark.django_db

NEW = {"name": "Ny Klynge", "slug": "ny-klynge", "city": "Tromsø", "manager_email": "Leder@Example.no"}


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    return UserFactory(email="admin@example.no", is_superuser=True, is_staff=True)


def test_the_platform_admin_sees_every_cluster_with_member_counts(world, other_world, admin, login):
    response = login(admin).get("/platform/clusters/")
    assert response.status_code == 200
    rows = {c.slug: (c.active_members, c.managers) for c in response.context["clusters"]}
    assert rows == {"alfa": (2, 1), "beta": (2, 1)}
    body = response.content.decode()
    assert world.cluster.name in body and other_world.cluster.name in body
    assert 'href="/platform/clusters/"' in body  # the header link


@pytest.mark.parametrize("path", ["/platform/clusters/", "/platform/clusters/new/"])
@pytest.mark.parametrize("role", ["manager", "staff", "advisor", "board", "contact", "member"])
def test_platform_pages_do_not_exist_for_anyone_else(world, login, path, role):
    client = login(world.users[role])
    assert client.get(path).status_code == 404
    assert client.post(path, NEW).status_code == 404
    assert not Cluster.objects.filter(slug="ny-klynge").exists()


def test_platform_pages_do_not_exist_for_django_staff_or_visitors(client, login):
    assert client.get("/platform/clusters/").status_code == 404
    staff = UserFactory(is_staff=True)
    assert login(staff).get("/platform/clusters/").status_code == 404


def test_cluster_roles_see_no_platform_link(world, login):
    body = login(world.users["manager"]).get(f"/c/{world.cluster.slug}/").content.decode()
    assert "/platform/" not in body


def test_creating_a_cluster_invites_its_first_manager(
    admin, login, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post("/platform/clusters/new/", NEW)
    assert response.status_code == 302
    assert response["Location"] == "/platform/clusters/"
    cluster = Cluster.objects.get(slug="ny-klynge")
    assert (cluster.name, cluster.city) == ("Ny Klynge", "Tromsø")
    with scope(cluster):
        invitation = Invitation.objects.get()
        actions = sorted(AuditLog.objects.values_list("action", flat=True))
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "leder@example.no",
        "manager",
        admin,
    )
    assert actions == ["accounts.invitation.created", "core.cluster.created"]
    assert [mail.to for mail in mailoutbox] == [["leder@example.no"]]
    followed = login(admin).get(response["Location"])
    assert "leder@example.no" in followed.content.decode()


def test_a_taken_address_is_refused_and_nothing_is_created(world, admin, login):
    response = login(admin).post("/platform/clusters/new/", {**NEW, "slug": world.cluster.slug})
    assert response.status_code == 400
    assert "Another cluster already has this address." in response.content.decode()
    assert Cluster.objects.count() == 1


def test_a_bad_manager_email_keeps_the_form_and_creates_nothing(admin, login):
    response = login(admin).post("/platform/clusters/new/", {**NEW, "manager_email": "not an address"})
    assert response.status_code == 400
    assert 'value="Ny Klynge"' in response.content.decode()
    assert not Cluster.objects.filter(slug="ny-klynge").exists()


def test_a_failed_invitation_leaves_no_cluster_behind(admin, monkeypatch):
    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError({"email": "refused"})

    monkeypatch.setattr(services, "invitation_create", refuse)
    with pytest.raises(ValidationError):
        services.platform_cluster_create(name="X", slug="x", manager_email="x@example.no", actor=admin)
    assert not Cluster.objects.filter(slug="x").exists()
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="core.cluster.created").exists()


def test_the_create_cluster_command_creates_and_invites(
    admin, mailoutbox, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        args = ["--name", "Kommandoklynge", "--slug", "kommando", "--manager-email", "k@example.no"]
        call_command("create_cluster", *args, stdout=out)
    cluster = Cluster.objects.get(slug="kommando")
    with scope(cluster):
        invitation = Invitation.objects.get()
    assert invitation.role == "manager" and invitation.invited_by == admin
    link = out.getvalue().strip().splitlines()[-1].strip()
    assert invitation.token_hash == hash_secret(link.rstrip("/").rsplit("/", 1)[-1])
    assert mailoutbox[0].to == ["k@example.no"]


def test_the_create_cluster_command_needs_a_platform_admin_to_invite_from(world):
    with pytest.raises(CommandError, match="createsuperuser"):
        call_command("create_cluster", "--name", "X", "--slug", "x", "--manager-email", "x@example.no")
    assert not Cluster.objects.filter(slug="x").exists()


def test_the_create_cluster_command_reports_a_taken_slug(world, admin):
    with pytest.raises(CommandError, match="slug"):
        call_command(
            "create_cluster", "--name", "X", "--slug", world.cluster.slug, "--manager-email", "x@example.no"
        )


def test_the_start_page_points_the_platform_admin_to_the_cluster_list(admin, login):
    body = login(admin).get("/").content.decode()
    assert 'href="/platform/clusters/"' in body
    assert "Manage the clusters on this installation" in body
