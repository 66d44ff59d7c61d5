"""Migrations 0004 to 0006 give every existing company role the cluster(s) it belongs to (the rule is in
the migration's docstring): the cluster that granted it by invitation, else every cluster where its
company has a membership, else none (the role gave no access and is dropped)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The members app stays where it is (its tables are up to date either way).
MEMBERS = ("members", "0004_membership_facts_data")
BEFORE = [("accounts", "0003_invitation_invited_by_optional"), MEMBERS]
AFTER = [("accounts", "0006_company_role_cluster_required"), MEMBERS]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():  # type: ignore[no-untyped-def]
    """Later migrations exist (members.0005 ...): leave the database at the newest schema, as
    the tests after this one expect it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_roles_go_to_the_granting_cluster_or_every_cluster_of_their_company() -> None:
    apps = _migrate(BEFORE)
    Cluster = apps.get_model("core", "Cluster")
    Company = apps.get_model("members", "Company")
    Membership = apps.get_model("members", "Membership")
    User = apps.get_model("accounts", "User")
    CompanyRole = apps.get_model("accounts", "CompanyRole")
    AuditLog = apps.get_model("core", "AuditLog")

    alfa = Cluster.objects.create(name="Alfa", slug="alfa")
    beta = Cluster.objects.create(name="Beta", slug="beta")
    shared = Company.objects.create(org_number="923609016", name="Delt AS")
    lonely = Company.objects.create(org_number="974760673", name="Ingen klynge AS")
    Membership.objects.create(cluster=alfa, company=shared, name="Delt AS", status="active")
    Membership.objects.create(cluster=beta, company=shared, name="Delt AS", status="paused")
    invited = User.objects.create(email="invitert@example.no")
    made = User.objects.create(email="laget@example.no")
    stray = User.objects.create(email="uten@example.no")
    by_beta = CompanyRole.objects.create(user=invited, company=shared, role="contact")
    CompanyRole.objects.create(user=made, company=shared, role="member")
    CompanyRole.objects.create(user=stray, company=lonely, role="contact")
    AuditLog.objects.create(
        cluster=beta,
        action="accounts.role.granted",
        object_type="accounts.companyrole",
        object_id=str(by_beta.pk),
    )

    apps = _migrate(AFTER)
    CompanyRole = apps.get_model("accounts", "CompanyRole")
    roles = sorted(
        CompanyRole.objects.values_list("user__email", "cluster__slug", "role"), key=lambda row: row[:2]
    )
    assert roles == [
        ("invitert@example.no", "beta", "contact"),
        ("laget@example.no", "alfa", "member"),
        ("laget@example.no", "beta", "member"),
    ]
