"""company_register_refresh and company_register_standing: the register is the source every
cluster trusts; only what changed is audited, and who asked is named only in their own cluster."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members import services
from klyngekart.members.models import RegisterStatus
from klyngekart.members.register import RegisterEntry
from klyngekart.members.tests.conftest import make_company, make_membership

pytestmark = pytest.mark.django_db


def entry(**facts) -> RegisterEntry:
    return RegisterEntry(org_number="912345661", status=RegisterStatus.ACTIVE, **facts)


def test_the_shared_record_follows_the_register_even_where_this_cluster_already_agrees(world):
    company = make_company(org_number="912345661", name="Gammelt AS")
    ours = make_membership(world.cluster, company=company, name="Nytt AS")

    changed = services.company_register_refresh(
        membership=ours, actor=world.users["staff"], entry=entry(name="Nytt AS")
    )

    company.refresh_from_db()
    assert changed == {}
    assert company.name == "Nytt AS"
    with scopes_disabled():
        # Nothing changed in this cluster's record, so its history says nothing.
        assert not AuditLog.objects.filter(action="members.company.updated").exists()


def test_a_change_of_standing_is_audited_in_every_cluster_naming_the_asker_only_at_home(world, other_world):
    company = make_company(org_number="912345661")
    ours = make_membership(world.cluster, company=company)
    make_membership(other_world.cluster, company=company)
    bankrupt = RegisterEntry(
        org_number="912345661",
        status=RegisterStatus.BANKRUPT,
        status_on=datetime.date(2026, 10, 2),
        address="Strandkaien 2, 5013 Bergen",
    )

    services.company_register_standing(membership=ours, actor=world.users["staff"], entry=bankrupt)
    # Looking again changes nothing and writes no second row.
    services.company_register_standing(membership=ours, actor=world.users["staff"], entry=bankrupt)

    company.refresh_from_db()
    assert (company.register_status, company.register_status_on) == ("bankrupt", datetime.date(2026, 10, 2))
    assert company.register_warning
    with scopes_disabled():
        rows = list(AuditLog.objects.filter(action="members.company.register_status").order_by("cluster_id"))
    assert [(row.cluster_id, row.actor, row.data["to"]) for row in rows] == [
        (world.cluster.pk, world.users["staff"], "bankrupt"),
        (other_world.cluster.pk, None, "bankrupt"),
    ]


def test_a_first_lookup_of_an_active_company_is_no_news(world):
    company = make_company(org_number="912345661")
    ours = make_membership(world.cluster, company=company)

    services.company_register_standing(membership=ours, actor=None, entry=entry())

    company.refresh_from_db()
    assert company.register_status == "active" and company.register_checked_at is not None
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="members.company.register_status").exists()


def test_an_entry_for_another_number_is_refused(world):
    ours = make_membership(world.cluster, company=make_company(org_number="912345653"))

    with pytest.raises(ValidationError, match="another organisation number"):
        services.company_register_standing(membership=ours, actor=None, entry=entry())
