import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members import services
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.tests.conftest import make_company, make_contact, make_membership

pytestmark = pytest.mark.django_db


def actions(cluster) -> list[str]:
    with scope(cluster):
        return list(AuditLog.objects.order_by("id").values_list("action", flat=True))


def test_membership_create_makes_the_company_membership_and_contacts(world):
    membership = services.membership_create(
        cluster=world.cluster,
        actor=world.users["staff"],
        company={"org_number": "912 345 602", "name": "Ny AS", "nace_code": "62100", "employees": 60},
        membership={"tier": "Gull", "annual_fee": Decimal("1000"), "joined_on": datetime.date(2024, 1, 1)},
        contacts=[{"name": "Kari", "email": "kari@ny.no", "is_primary": True}],
    )

    company = membership.company
    assert company.org_number == "912345602"
    assert (company.nace_code, company.nace_section, company.size_class) == ("62.100", "K", "medium")
    assert membership.status == "active"
    assert membership.tier == "Gull"
    with scope(world.cluster):
        assert [c.name for c in Contact.objects.filter(membership=membership)] == ["Kari"]
    assert actions(world.cluster)[-2:] == ["members.membership.created", "members.contact.created"]


def test_membership_create_validates_the_company(world):
    with pytest.raises(ValidationError) as caught:
        services.membership_create(
            cluster=world.cluster,
            actor=world.users["staff"],
            company={"org_number": "912345603", "name": "Feil AS", "nace_code": "00.000"},
        )
    assert set(caught.value.message_dict) == {"org_number", "nace_code"}
    with scopes_disabled():
        assert not Company.objects.filter(name="Feil AS").exists()


def test_an_existing_company_is_reused_and_the_new_membership_keeps_its_own_facts(world, other_world):
    shared = make_company(org_number="912345602", name="Original AS", municipality="", website="")
    make_membership(other_world.cluster, company=shared)

    membership = services.membership_create(
        cluster=world.cluster,
        actor=world.users["manager"],
        company={"org_number": "912345602", "name": "Overskrevet AS", "municipality": "Bergen"},
    )

    shared.refresh_from_db()
    assert membership.company_id == shared.pk
    assert (membership.name, membership.municipality) == ("Overskrevet AS", "Bergen")
    assert (shared.name, shared.municipality) == ("Original AS", "")
    with scopes_disabled():
        assert Company.objects.filter(org_number="912345602").count() == 1


def test_a_company_already_in_the_cluster_cannot_join_again(world):
    org_number = world.membership.company.org_number
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_create(
            cluster=world.cluster,
            actor=world.users["manager"],
            company={"org_number": org_number, "name": "X"},
        )


def test_membership_update_records_what_changed(world):
    services.membership_update(
        membership=world.membership, actor=world.users["staff"], data={"tier": "Sølv", "notes": ""}
    )

    with scope(world.cluster):
        entry = AuditLog.objects.get(action="members.membership.updated")
    assert entry.data == {"changed": {"tier": ["", "Sølv"]}}


def test_membership_update_without_changes_writes_no_audit_row(world):
    services.membership_update(membership=world.membership, actor=world.users["staff"], data={"tier": ""})
    assert "members.membership.updated" not in actions(world.cluster)


def test_membership_facts_update_changes_the_clusters_record_and_leaves_the_org_number_alone(world):
    company = world.membership.company
    original = (company.org_number, company.name)
    services.membership_facts_update(
        membership=world.membership,
        actor=world.users["staff"],
        data={"org_number": "912345602", "name": "Nytt Navn AS", "employees": 300, "size_class": "micro"},
    )

    world.membership.refresh_from_db()
    company.refresh_from_db()
    assert (world.membership.name, world.membership.size_class) == ("Nytt Navn AS", "large")
    assert (company.org_number, company.name) == original
    with scope(world.cluster):
        entry = AuditLog.objects.get(action="members.company.updated")
    assert entry.data == {"changed": {"employees": [25, 300], "name": [original[1], "Nytt Navn AS"]}}


@pytest.mark.parametrize("role", ["manager", "staff", "member"])
def test_only_the_companys_contact_states_its_shared_facts(world, role):
    with pytest.raises(PermissionDenied):
        services.company_update_shared(
            membership=world.membership, actor=world.users[role], data={"name": "Kapret AS"}
        )
    world.membership.company.refresh_from_db()
    assert world.membership.company.name != "Kapret AS"


def test_a_public_register_updates_the_shared_facts_and_every_clusters_record(world, other_world):
    """Where a register lookup is set up, it is the source every cluster trusts."""
    company = world.membership.company
    theirs = make_membership(other_world.cluster, company=company, name="Deres navn AS", employees=4)

    services.company_update_shared(
        membership=world.membership,
        actor=None,
        data={"name": "Registrert Navn AS", "employees": 80},
        source=services.FactSource.REGISTER,
    )

    company.refresh_from_db()
    world.membership.refresh_from_db()
    theirs.refresh_from_db()
    assert company.name == world.membership.name == theirs.name == "Registrert Navn AS"
    assert company.size_class == world.membership.size_class == theirs.size_class == "medium"
    with scopes_disabled():
        rows = AuditLog.objects.filter(action="members.company.updated").order_by("cluster_id")
        assert [(row.cluster_id, row.actor, row.data["source"]) for row in rows] == [
            (world.cluster.pk, None, "register"),
            (other_world.cluster.pk, None, "register"),
        ]


def test_membership_end_pause_and_reactivate(world):
    membership = world.membership
    day = datetime.date(2025, 6, 30)

    services.membership_end(membership=membership, actor=world.users["manager"], left_on=day, status="paused")
    assert (membership.status, membership.left_on) == ("paused", None)
    services.membership_end(membership=membership, actor=world.users["manager"], left_on=day, status="active")
    assert membership.status == "active"
    services.membership_end(membership=membership, actor=world.users["manager"], left_on=day)

    membership.refresh_from_db()
    assert (membership.status, membership.left_on) == ("left", day)
    assert actions(world.cluster)[-3:] == [
        "members.membership.paused",
        "members.membership.reactivated",
        "members.membership.ended",
    ]


def test_a_membership_cannot_end_before_it_began(world):
    membership = make_membership(world.cluster, joined_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.membership_end(
            membership=membership, actor=world.users["manager"], left_on=datetime.date(2023, 12, 31)
        )
    assert "left_on" in caught.value.message_dict
    with scope(world.cluster):
        assert Membership.objects.get(pk=membership.pk).status == "active"


def test_membership_end_refuses_the_status_it_already_has(world):
    with pytest.raises(ValidationError):
        services.membership_end(
            membership=world.membership, actor=None, left_on=datetime.date(2025, 1, 1), status="active"
        )


def test_a_new_main_contact_demotes_the_previous_one(world):
    first = make_contact(world.membership, is_primary=True)
    second = services.contact_create(
        membership=world.membership, actor=world.users["staff"], data={"name": "Ny", "is_primary": True}
    )

    first.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_contact_update_and_delete_are_audited(world):
    contact = make_contact(world.membership, name="Gammel")
    services.contact_update(contact=contact, actor=world.users["staff"], data={"name": "Ny", "phone": "123"})
    services.contact_delete(contact=contact, actor=world.users["staff"])

    with scope(world.cluster):
        assert not Contact.objects.filter(name="Ny").exists()
        updated = AuditLog.objects.get(action="members.contact.updated")
    assert updated.data["changed"] == ["name", "phone"]
    assert actions(world.cluster)[-1] == "members.contact.deleted"


def test_contact_create_validates_the_email(world):
    with pytest.raises(ValidationError):
        services.contact_create(
            membership=world.membership, actor=None, data={"name": "Ola", "email": "ikke en adresse"}
        )
