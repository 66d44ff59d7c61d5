"""Migration 0004 gives every existing membership a copy of its company's facts: what each cluster
saw until now, and from then on its own to change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("members", "0003_membership_facts")]
AFTER = [("members", "0004_membership_facts_data")]


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


def test_each_membership_starts_with_its_companys_facts() -> None:
    apps = _migrate(BEFORE)
    Cluster = apps.get_model("core", "Cluster")
    Company = apps.get_model("members", "Company")
    Membership = apps.get_model("members", "Membership")
    alfa = Cluster.objects.create(name="Alfa", slug="alfa")
    beta = Cluster.objects.create(name="Beta", slug="beta")
    shared = Company.objects.create(
        org_number="923609016",
        name="Delt AS",
        nace_code="62.100",
        nace_section="J",
        employees=60,
        size_class="medium",
        municipality="Bergen",
        region="46",
        website="https://delt.example.no",
    )
    for cluster in (alfa, beta):
        Membership.objects.create(cluster=cluster, company=shared, status="active")

    apps = _migrate(AFTER)
    Membership = apps.get_model("members", "Membership")
    facts = set(
        Membership.objects.values_list(
            "name",
            "nace_code",
            "nace_section",
            "employees",
            "size_class",
            "municipality",
            "region",
            "website",
        )
    )
    assert facts == {
        ("Delt AS", "62.100", "J", 60, "medium", "Bergen", "46", "https://delt.example.no"),
    }
    assert Membership.objects.count() == 2
