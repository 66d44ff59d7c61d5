import datetime

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope
from klyngekart.members.models import Contact, Membership
from klyngekart.members.tests.conftest import make_company, make_contact, make_membership

pytestmark = pytest.mark.django_db


def url(world, path: str = "") -> str:
    return f"/c/{world.cluster.slug}/members/{path}"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("staff", 200),
        ("advisor", 200),
        ("board", 403),
        ("contact", 403),
        ("member", 403),
    ],
)
def test_who_may_see_the_member_list(world, login, role, status):
    assert login(world.users[role]).get(url(world)).status_code == status


def test_the_list_of_another_cluster_is_not_found(world, other_world, login):
    assert login(world.users["manager"]).get(url(other_world)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    response = client.get(url(world))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_filters_sorts_and_keeps_the_query_in_its_links(world, login):
    for n in range(30):
        make_membership(world.cluster, company=make_company(name=f"Sveis {n:02d} AS", region="15"))
    client = login(world.users["staff"])

    response = client.get(url(world), {"q": "sveis", "region": "15", "sort": "-name"})

    body = response.content.decode()
    assert "30 members" in body
    assert "Sveis 29 AS" in body and "Sveis 04 AS" not in body  # 25 per page, newest name first
    assert "?q=sveis&amp;region=15&amp;sort=-name&amp;page=2" in body
    assert 'aria-sort="descending"' in body
    assert "?q=sveis&amp;region=15&amp;sort=name" in body  # the header flips the order
    page2 = client.get(url(world), {"q": "sveis", "region": "15", "sort": "-name", "page": 2})
    assert "Sveis 04 AS" in page2.content.decode()


def test_htmx_gets_only_the_results_partial(world, login):
    response = login(world.users["manager"]).get(url(world), {"status": "active"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="kk-member-results"')
    assert "<html" not in body
    assert world.membership.company.name in body


def test_a_bad_filter_value_does_not_break_the_page(world, login):
    response = login(world.users["manager"]).get(url(world), {"status": "zzz", "page": "x", "sort": "evil"})
    assert response.status_code == 200


def test_the_list_page_makes_no_query_per_member(world, login, django_assert_max_num_queries):
    for _ in range(25):
        make_membership(world.cluster)
    client = login(world.users["manager"])
    client.get(url(world))  # warm up session and caches
    # Session, user, cluster, two role lookups, the count and the page: 7, whatever the page holds.
    with django_assert_max_num_queries(7):
        response = client.get(url(world))
    assert response.content.decode().count('scope="row"') == 25


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("staff", 200),
        ("advisor", 200),
        ("contact", 200),
        ("board", 403),
        ("member", 403),
    ],
)
def test_who_may_see_a_member_page(world, login, role, status):
    assert login(world.users[role]).get(url(world, f"{world.membership.pk}/")).status_code == status


def test_a_company_contact_sees_only_its_own_company(world, other_world, login):
    client = login(world.users["contact"])
    assert client.get(url(world, f"{world.other_membership.pk}/")).status_code == 404
    assert client.get(url(world, f"{other_world.membership.pk}/")).status_code == 404
    assert client.get(url(world, "999999/")).status_code == 404


def test_a_member_page_shows_company_contacts_and_history(world, login):
    make_contact(world.membership, name="Ingrid Hovland", email="ingrid@example.no", is_primary=True)
    client = login(world.users["manager"])
    client.post(url(world, f"{world.membership.pk}/status/"), {"status": "paused", "on": "2025-03-01"})

    body = client.get(url(world, f"{world.membership.pk}/")).content.decode()

    assert world.membership.company.name in body
    assert "Ingrid Hovland" in body
    manager = world.users["manager"].full_name
    assert f"{manager} paused the membership of {world.membership.company.name}" in body
    assert "members.membership" not in body  # sentences, not action codes
    assert "effective 01/03/2025" in body  # 1 March, written the British way


def test_the_member_history_names_contact_changes_like_the_change_log(world, login):
    client = login(world.users["staff"])
    client.post(url(world, f"{world.membership.pk}/contacts/add/"), {"name": "Per Olav"})

    body = client.get(url(world, f"{world.membership.pk}/")).content.decode()

    staff = world.users["staff"].full_name
    assert f"{staff} added Per Olav as a contact at {world.membership.company.name}" in body


def test_the_advisor_reads_but_cannot_change(world, login):
    client = login(world.users["advisor"])
    body = client.get(url(world, f"{world.membership.pk}/")).content.decode()
    assert url(world, f"{world.membership.pk}/edit/") not in body
    assert client.get(url(world, "new/")).status_code == 403
    assert client.post(url(world, f"{world.membership.pk}/status/"), {"status": "left"}).status_code == 403
    assert client.get(url(world, f"{world.membership.pk}/edit/")).status_code == 403
    assert client.get(url(world, "import/")).status_code == 403


def test_staff_add_a_member(world, login):
    response = login(world.users["staff"]).post(
        url(world, "new/"),
        {
            "org_number": "912 345 602",
            "name": "Ny Bedrift AS",
            "nace_code": "62.100",
            "employees": "12",
            "region": "46",
            "joined_on": "2025-01-15",
            "annual_fee": "5000",
            "contact_name": "Ola Nordmann",
            "contact_email": "ola@ny.no",
        },
    )

    with scope(world.cluster):
        membership = Membership.objects.get(company__org_number="912345602")
        contact = Contact.objects.get(membership=membership)
    assert response.status_code == 302
    assert response["Location"] == url(world, f"{membership.pk}/")
    assert membership.joined_on == datetime.date(2025, 1, 15)
    assert (contact.name, contact.is_primary) == ("Ola Nordmann", True)


def test_the_create_form_keeps_the_input_and_shows_errors_beside_the_fields(world, login):
    response = login(world.users["manager"]).post(
        url(world, "new/"),
        {
            "org_number": "912345603",
            "name": "Skrivefeil AS",
            "nace_code": "00.000",
            "contact_email": "x@y.no",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Skrivefeil AS"' in body
    assert "check digit" in body
    assert "Unknown NACE code." in body
    assert "A contact needs a name." in body


def test_adding_a_company_that_is_already_a_member_says_so(world, login):
    response = login(world.users["manager"]).post(
        url(world, "new/"), {"org_number": world.membership.company.org_number, "name": "Igjen AS"}
    )
    assert "already a member of this cluster" in response.content.decode()


def test_the_manager_edits_company_and_membership(world, login):
    response = login(world.users["manager"]).post(
        url(world, f"{world.membership.pk}/edit/"),
        {
            "company-name": "Endret AS",
            "company-nace_code": "25.110",
            "company-employees": "300",
            "membership-tier": "Gull",
            "membership-annual_fee": "",
            "membership-joined_on": "2020-02-02",
        },
    )

    assert response.status_code == 302
    membership = world.membership
    membership.refresh_from_db()
    assert (membership.name, membership.size_class, membership.tier) == ("Endret AS", "large", "Gull")
    # The cluster's own record changed; the company's shared facts did not.
    membership.company.refresh_from_db()
    assert membership.company.name != "Endret AS"


def test_a_company_contact_edits_only_the_company_profile(world, login):
    client = login(world.users["contact"])
    page = client.get(url(world, f"{world.membership.pk}/edit/")).content.decode()
    assert "membership-tier" not in page

    response = client.post(
        url(world, f"{world.membership.pk}/edit/"),
        {"company-name": "Vår Bedrift AS", "company-website": "vaarbedrift.no", "membership-tier": "Gull"},
    )

    assert response.status_code == 302
    world.membership.refresh_from_db()
    assert world.membership.tier == ""
    assert world.membership.company.name == "Vår Bedrift AS"
    assert world.membership.company.website == "https://vaarbedrift.no"
    assert (
        login(world.users["contact"]).get(url(world, f"{world.other_membership.pk}/edit/")).status_code == 404
    )
    assert login(world.users["member"]).get(url(world, f"{world.membership.pk}/edit/")).status_code == 403


def test_ending_a_membership(world, login):
    client = login(world.users["staff"])
    assert client.get(url(world, f"{world.membership.pk}/status/")).status_code == 200

    response = client.post(
        url(world, f"{world.membership.pk}/status/"), {"status": "left", "on": "2025-12-31"}
    )

    assert response.status_code == 302
    world.membership.refresh_from_db()
    assert (world.membership.status, world.membership.left_on) == ("left", datetime.date(2025, 12, 31))
    with scope(world.cluster):
        assert AuditLog.objects.filter(action="members.membership.ended").count() == 1


def test_contacts_are_added_edited_and_removed(world, login):
    client = login(world.users["staff"])
    base = url(world, f"{world.membership.pk}/contacts/")

    assert client.post(base + "add/", {"name": "Per", "email": "per@example.no"}).status_code == 302
    with scope(world.cluster):
        contact = Contact.objects.get(name="Per")
    assert client.post(base + f"{contact.pk}/edit/", {"name": "Per Olav"}).status_code == 302
    assert client.get(base + f"{contact.pk}/delete/").status_code == 200
    assert client.post(base + f"{contact.pk}/delete/").status_code == 302
    with scope(world.cluster):
        assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_contact_of_another_membership_cannot_be_reached_through_this_one(world, login):
    foreign = make_contact(world.other_membership)
    response = login(world.users["staff"]).post(
        url(world, f"{world.membership.pk}/contacts/{foreign.pk}/delete/")
    )
    assert response.status_code == 404


def test_my_company_takes_a_contact_to_their_company(world, login):
    response = login(world.users["contact"]).get(url(world, "my-company/"))
    assert response.status_code == 302
    assert response["Location"] == url(world, f"{world.membership.pk}/")


def test_the_navigation_shows_members_by_role(world, login):
    home = f"/c/{world.cluster.slug}/"
    assert url(world) in login(world.users["staff"]).get(home).content.decode()
    contact_nav = login(world.users["contact"]).get(home).content.decode()
    assert url(world, "my-company/") in contact_nav
    assert f'href="{url(world)}"' not in contact_nav
