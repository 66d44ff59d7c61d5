"""A person's data: the export names everything held about them in every cluster, and erasure
removes what names them while every figure keeps what it counted."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from klyngekart.accounts.models import ClusterRole, User
from klyngekart.activities.models import Activity, Attendance, Registration, RegistrationStatus
from klyngekart.activities.tests.factories import ActivityFactory, RegistrationFactory
from klyngekart.core.audit import audit_log
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.home.personal_data import person_erase, person_export
from klyngekart.members.models import Contact
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.surveys.models import RespondentInvitation, RoundCompany
from klyngekart.surveys.tests.factories import RoundCompanyFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _person_everywhere(shared_worlds) -> tuple[str, User]:
    """The contact of the shared company, recorded by both clusters, registered for an activity in
    one, invited to a survey in the other, and named in a change log entry."""
    alfa, beta = shared_worlds.a, shared_worlds.b
    person = alfa.users["contact"]
    email = person.email
    ContactFactory(cluster=alfa.cluster, membership=alfa.membership, email=email, name="Kari Nordmann")
    ContactFactory(cluster=beta.cluster, membership=beta.membership, email=email.upper(), name="Kari N.")
    activity: Activity = ActivityFactory(cluster=alfa.cluster)  # type: ignore[assignment]
    registration: Registration = RegistrationFactory(  # type: ignore[assignment]
        activity=activity,
        email=email,
        name="Kari Nordmann",
        user=person,
        membership=alfa.membership,
        status=RegistrationStatus.ATTENDED,
    )
    with scopes_disabled():
        Attendance.objects.create(
            cluster=alfa.cluster, registration=registration, day=activity.starts_at.date()
        )
    part: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=RoundFactory(cluster=beta.cluster), membership=beta.membership
    )
    with scopes_disabled():
        RespondentInvitation.objects.create(
            cluster=beta.cluster, round_company=part, email=email, token_hash="x" * 64, status="completed"
        )
    audit_log(
        cluster=alfa.cluster,
        actor=alfa.users["manager"],
        action="activities.registration.created",
        target=registration,
    )
    with scopes_disabled():
        AuditLog.objects.filter(action="activities.registration.created").update(
            object_repr=f"{email} (Kurs)"
        )
    return email, person


def test_the_export_names_everything_in_every_cluster(shared_worlds):
    email, _person = _person_everywhere(shared_worlds)
    found = person_export(email.upper())
    assert found["account"]["email"] == email
    assert {c["cluster"] for c in found["contact_records"]} == {
        shared_worlds.a.cluster.name,
        shared_worlds.b.cluster.name,
    }
    (registration,) = found["activity_registrations"]
    assert registration["status"] and len(registration["attended_days"]) == 1
    (invitation,) = found["survey_invitations"]
    assert invitation["answered"] is True
    assert found["company_roles"] and "anonymous" in found["anonymous_answers"]
    json.dumps(found)  # all of it can be written as JSON


def test_erasure_removes_the_person_and_keeps_the_counts(shared_worlds):
    email, person = _person_everywhere(shared_worlds)
    alfa = shared_worlds.a
    done = person_erase(email, actor=None)
    assert done.counts["contacts"] == 2 and done.counts["account"] == 1
    with scopes_disabled():
        assert not User.objects.filter(pk=person.pk).exists()
        assert not Contact.objects.filter(email__iexact=email).exists()
        registration = Registration.objects.get(activity__cluster=alfa.cluster)
        # The activity still counts one attendance; nobody can tell whose.
        assert registration.status == RegistrationStatus.ATTENDED and registration.attendances.count() == 1
        assert registration.name == "" and registration.user is None and email not in registration.email
        invitation = RespondentInvitation.objects.get()
        assert invitation.status == "completed" and invitation.email == ""
        assert not AuditLog.objects.filter(object_repr__icontains=email).exists()
        erased = AuditLog.objects.filter(action="privacy.person.erased")
        assert set(erased.values_list("cluster_id", flat=True)) == {
            alfa.cluster.pk,
            shared_worlds.b.cluster.pk,
        }
    after = person_export(email)
    assert after["account"] is None and not any(
        after[key] for key in ("contact_records", "activity_registrations", "survey_invitations")
    )


def test_the_only_manager_must_hand_over_first(world):
    manager = world.users["manager"]
    with pytest.raises(Exception, match="only manager"):
        person_erase(manager.email, actor=manager)
    with scopes_disabled():
        assert ClusterRole.objects.filter(user=manager).exists()
    # The platform admin may, when the cluster has to be handed over by other means.
    person_erase(manager.email, actor=None, allow_sole_manager=True)
    assert not User.objects.filter(pk=manager.pk).exists()


def test_a_person_downloads_and_erases_their_own_data(world, login, english):
    member = world.users["member"]
    client = login(member)
    page = client.get(reverse("my_data"))
    assert "Erase your account" in page.content.decode()
    download = client.get(reverse("my_data"), {"download": 1})
    assert download["Content-Type"].startswith("application/json")
    assert json.loads(download.content)["account"]["email"] == member.email
    refused = client.post(reverse("my_data"), {"confirm": "someone@else.no"})
    assert "The address does not match." in refused.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    done = client.post(reverse("my_data"), {"confirm": member.email})
    assert done.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


def test_the_platform_admin_finds_anyone_by_email(world, login, english):
    admin = User.objects.create_superuser(email="admin@example.no", password="x")
    client = login(admin)
    contact = world.users["contact"]
    page = client.get(reverse("platform:people"), {"email": contact.email}).content.decode()
    assert contact.email in page and "Erase this person's data" in page
    client.post(reverse("platform:people") + f"?email={contact.email}", {"confirm": contact.email})
    assert not User.objects.filter(pk=contact.pk).exists()
    # Nobody else reaches the page.
    assert login(world.users["manager"]).get(reverse("platform:people")).status_code == 404
