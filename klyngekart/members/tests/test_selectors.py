import datetime

import pytest
from django.http import Http404

from klyngekart.accounts.access import resolve_access
from klyngekart.core.tenancy import scope
from klyngekart.members import services
from klyngekart.members.access import access_membership, access_membership_by_org_number
from klyngekart.members.selectors import membership_detail, membership_list
from klyngekart.members.tests.conftest import make_company, make_contact, make_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    """Three more members with distinct facts, besides the two in the world."""
    cluster = world.cluster
    return {
        "alpha": make_membership(
            cluster,
            company=make_company(
                name="Alfa Sveis AS",
                org_number="912345602",
                employees=5,
                municipality="Ørsta",
                region="15",
                nace_code="25.110",
            ),
            joined_on=datetime.date(2020, 1, 1),
        ),
        "omega": make_membership(
            cluster,
            company=make_company(name="Omega Data AS", employees=400, municipality="Bergen", region="46"),
            joined_on=datetime.date(2024, 1, 1),
            status="paused",
        ),
        "mid": make_membership(
            cluster,
            company=make_company(name="Midt Tre AS", employees=None, municipality="Trondheim", region="50"),
            status="left",
        ),
    }


def names(world, **filters) -> list[str]:
    with scope(world.cluster):
        return [m.company.name for m in membership_list(cluster=world.cluster, **filters)]


def test_the_list_holds_only_this_clusters_members(world, other_world, members):
    listed = names(world)
    assert len(listed) == 5
    assert other_world.membership.company.name not in listed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "sveis"}, ["Alfa Sveis AS"]),
        ({"q": "bergen"}, ["Omega Data AS"]),
        ({"q": "912 345 602"}, ["Alfa Sveis AS"]),
        ({"status": "paused"}, ["Omega Data AS"]),
        ({"size_class": "micro"}, ["Alfa Sveis AS"]),
        ({"nace_section": "C"}, ["Alfa Sveis AS"]),
        ({"region": "50"}, ["Midt Tre AS"]),
        ({"status": "active", "region": "15"}, ["Alfa Sveis AS"]),
        ({"status": "nonsense"}, []),
    ],
)
def test_filters_and_search(world, members, filters, expected):
    assert names(world, **filters) == expected


def test_sorting(world, members):
    world_names = sorted([world.membership.company.name, world.other_membership.company.name])
    assert names(world, sort="name") == sorted(names(world))
    assert names(world, sort="-name") == sorted(names(world), reverse=True)
    # Ties (both world companies have 25 employees) fall back to the name; unknown counts go last.
    assert names(world, sort="employees") == ["Alfa Sveis AS", *world_names, "Omega Data AS", "Midt Tre AS"]
    assert names(world, sort="-employees") == ["Omega Data AS", *world_names, "Alfa Sveis AS", "Midt Tre AS"]
    assert names(world, sort="joined_on")[:2] == ["Alfa Sveis AS", "Omega Data AS"]
    assert names(world, sort="-joined_on")[:2] == ["Omega Data AS", "Alfa Sveis AS"]
    assert names(world, sort="drop table") == names(world, sort="name")


def test_org_number_sort_is_by_the_number(world, members):
    with scope(world.cluster):
        numbers = [
            m.company.org_number or "" for m in membership_list(cluster=world.cluster, sort="org_number")
        ]
    assert numbers == sorted(numbers)


def test_the_detail_has_contacts_and_the_membership_history(world):
    make_contact(world.membership, name="Bjørn", is_primary=False)
    make_contact(world.membership, name="Anne", is_primary=True)
    services.membership_update(membership=world.membership, actor=world.users["staff"], data={"tier": "Gull"})
    services.membership_update(
        membership=world.other_membership, actor=world.users["staff"], data={"tier": "X"}
    )

    with scope(world.cluster):
        detail = membership_detail(membership=world.membership)
    assert [c.name for c in detail.contacts] == ["Anne", "Bjørn"]
    assert [entry.action for entry in detail.history] == ["members.membership.updated"]


def access_for(world, role):
    access = resolve_access(world.users[role], world.cluster)
    assert access is not None
    return access


def test_access_membership_gives_404_for_another_cluster_and_other_companies(world, other_world):
    with scope(world.cluster):
        manager = access_for(world, "manager")
        assert (
            access_membership(manager, world.other_membership.pk, "members.view").pk
            == world.other_membership.pk
        )
        with pytest.raises(Http404):
            access_membership(manager, other_world.membership.pk, "members.view")
        contact = access_for(world, "contact")
        assert access_membership(contact, world.membership.pk, "members.view_own") == world.membership
        with pytest.raises(Http404):
            access_membership(contact, world.other_membership.pk, "members.view_own")


def test_access_by_org_number(world, other_world):
    org_number = world.membership.company.org_number
    with scope(world.cluster):
        manager = access_for(world, "manager")
        spaced = f"{org_number[:3]} {org_number[3:6]} {org_number[6:]}"
        assert access_membership_by_org_number(manager, spaced, "members.view") == world.membership
        with pytest.raises(Http404):
            access_membership_by_org_number(
                manager, other_world.membership.company.org_number, "members.view"
            )
        with pytest.raises(Http404):
            access_membership_by_org_number(manager, "", "members.view")
