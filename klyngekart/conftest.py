"""Fixtures shared by every app's tests: two clusters and a person in every role in each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from klyngekart.accounts.tests.factories import ClusterRoleFactory, CompanyRoleFactory, UserFactory
from klyngekart.core.models import Cluster
from klyngekart.core.tests.factories import ClusterFactory
from klyngekart.members.models import Company, Membership
from klyngekart.members.tests.factories import MembershipFactory

CLUSTER_ROLES = ("manager", "staff", "advisor", "board")
COMPANY_ROLES = ("contact", "member")


@dataclass
class World:
    """One cluster with a user in every role, and a member company whose contact and employee
    have accounts. ``users[role]`` gives the person."""

    cluster: Cluster
    membership: Membership
    other_membership: Membership
    users: dict[str, Any]


def build_world(slug: str, *, company: Company | None = None, facts: dict[str, Any] | None = None) -> World:
    """``company``: an existing company (a member of another world) that this world's
    ``membership`` is of, with this cluster's own ``facts`` about it."""
    # factory_boy's call returns the model instance; the annotations say so for mypy.
    cluster: Cluster = ClusterFactory(slug=slug, name=f"Klynge {slug}")  # type: ignore[assignment]
    shared = {"company": company, **(facts or {})} if company is not None else {}
    membership: Membership = MembershipFactory(cluster=cluster, **shared)  # type: ignore[assignment]
    other: Membership = MembershipFactory(cluster=cluster)  # type: ignore[assignment]
    users: dict[str, Any] = {}
    for role in CLUSTER_ROLES:
        users[role] = ClusterRoleFactory(
            cluster=cluster, role=role, user=UserFactory(email=f"{role}@{slug}.example.no")
        ).user
    for role in COMPANY_ROLES:
        users[role] = CompanyRoleFactory(
            cluster=cluster,
            company=membership.company,
            role=role,
            user=UserFactory(email=f"{role}@{slug}.example.no"),
        ).user
    return World(cluster=cluster, membership=membership, other_membership=other, users=users)


@dataclass
class SharedWorlds:
    """Two clusters that share a member company: ``a.membership`` and ``b.membership`` are the two
    clusters' memberships of ``company``, each with the cluster's own facts about it (B calls it
    by another name, gives another website and head count), and each cluster has its own contact
    and member user for it (``a.users["contact"]``, ``b.users["contact"]``)."""

    a: World
    b: World
    company: Company


# What B records about the shared company, unlike A (whose record is the company's own facts).
B_FACTS: dict[str, Any] = {
    "name": "Delt Bedrift sett fra Beta AS",
    "website": "https://beta-sitt-syn.example.no",
    "employees": 3,
    "municipality": "Betaby",
}


def build_shared_worlds() -> SharedWorlds:
    a = build_world("alfa")
    company = a.membership.company
    b = build_world("beta", company=company, facts=B_FACTS)
    return SharedWorlds(a=a, b=b, company=company)


@pytest.fixture
def shared_worlds(db) -> SharedWorlds:  # type: ignore[no-untyped-def]
    return build_shared_worlds()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world("alfa")


@pytest.fixture
def other_world(db) -> World:  # type: ignore[no-untyped-def]
    return build_world("beta")


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    """Pages and messages in English, for tests that read wording: the language cookie for
    requests (it also wins over a user's saved language) and an override for direct calls."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """``login(user)`` logs the test client in and returns it."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the installation's language and leaves no other active behind, so no
    test passes only because one before it (in whatever order the workers run them) switched to
    English. Tests that read English wording ask for the ``english`` fixture."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Every test starts with an empty cache: pages and figures are cached by round and results
    version, and a round made by one test may share its primary key with another test's round."""
    cache.clear()
