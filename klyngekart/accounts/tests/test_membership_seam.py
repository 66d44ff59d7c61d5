"""accounts asks the member register, through one seam, whether a company role counts and by
which name its company goes (accounts.membership). These tests pin down both answers, and that
the seam fails closed when nothing answers."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from klyngekart.accounts import membership
from klyngekart.accounts.access import resolve_access
from klyngekart.accounts.selectors import user_roles
from klyngekart.conftest import SharedWorlds
from klyngekart.members.services import membership_end

pytestmark = pytest.mark.django_db


def test_a_company_role_counts_only_while_the_membership_is_active(world):
    contact = world.users["contact"]
    access = resolve_access(contact, world.cluster)
    assert access is not None and access.role == "contact"

    membership_end(
        membership=world.membership, actor=world.users["manager"], left_on=datetime.date(2026, 6, 30)
    )
    assert resolve_access(contact, world.cluster) is None
    [row] = user_roles(user=contact).company_roles
    assert (row.company_name, row.active) == (world.membership.name, False)

    membership_end(
        membership=world.membership,
        actor=world.users["manager"],
        left_on=datetime.date(2026, 8, 1),
        status="active",
    )
    access = resolve_access(contact, world.cluster)
    assert access is not None and access.role == "contact"


def test_each_cluster_names_the_company_its_own_way_in_a_persons_roles(shared_worlds: SharedWorlds):
    a, b = shared_worlds.a, shared_worlds.b
    assert a.membership.name != b.membership.name
    for world in (a, b):
        names = [row.company_name for row in user_roles(user=world.users["contact"]).company_roles]
        assert names == [world.membership.name]


def test_without_the_member_register_a_company_role_fails_closed(world, monkeypatch):
    monkeypatch.setattr(membership, "_facts", None)
    with pytest.raises(ImproperlyConfigured):
        resolve_access(world.users["contact"], world.cluster)
    # A cluster role does not depend on memberships, but the door asks about both: it refuses
    # rather than answer with half of what it knows.
    with pytest.raises(ImproperlyConfigured):
        resolve_access(world.users["manager"], world.cluster)
