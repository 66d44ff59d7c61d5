"""Enhetsregisteret on the member pages: "Hent fra Enhetsregisteret" on the add-member form and
"Oppdater fra Enhetsregisteret" with its confirm step, against the recorded answers."""

import pytest

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Company, Membership, RegisterStatus
from klyngekart.members.tests.conftest import make_company, make_membership

pytestmark = pytest.mark.django_db


def url(world, path: str = "") -> str:
    return f"/c/{world.cluster.slug}/members/{path}"


def lookup_post(client, world, org_number: str, headers=None, **typed: str):
    data = {"org_number": org_number, "register_lookup": "1", **typed}
    return client.post(url(world, "new/"), data, headers=headers)


def test_fetch_fills_the_form_and_keeps_what_was_typed(world, login, brreg):
    client = login(world.users["staff"])

    response = lookup_post(
        client, world, "912 345 653", name="Skrevet selv", tier="Gull", contact_name="Kari"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Filled in from Enhetsregisteret: Havbruksteknikk AS" in body
    assert 'value="Havbruksteknikk AS"' in body and "Skrevet selv" not in body
    assert 'value="912345653"' in body
    assert 'value="03.211"' in body and 'value="35"' in body and 'value="Ålesund"' in body
    assert 'value="https://www.havbrukstek.no"' in body
    assert 'value="Gull"' in body and 'value="Kari"' in body  # the register says nothing of these
    assert "Kaiveien 1, 6005 Ålesund" in body
    with scope(world.cluster):
        assert not Membership.objects.filter(company__org_number="912345653").exists()


def test_fetch_with_htmx_answers_only_the_form(world, login, brreg):
    response = lookup_post(login(world.users["staff"]), world, "912345653", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert 'id="kk-member-form"' in body
    assert "<html" not in body
    assert 'value="Havbruksteknikk AS"' in body


def test_fetch_when_the_register_does_not_answer_says_so_and_keeps_the_form(world, login, brreg, settings):
    settings.KLYNGEKART_BRREG_URL = "http://127.0.0.1:9/enhetsregisteret/api"

    response = lookup_post(
        login(world.users["staff"]), world, "912345653", name="Min bedrift AS", tier="Sølv"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enhetsregisteret is not answering right now; please fill in the details yourself." in body
    assert 'value="Min bedrift AS"' in body and 'value="Sølv"' in body


def test_fetch_when_turned_off_says_so_and_offers_no_button(world, login):
    client = login(world.users["staff"])

    page = client.get(url(world, "new/")).content.decode()
    assert "Fetch from Enhetsregisteret" not in page
    assert "turned off on this installation" in page

    body = lookup_post(client, world, "912345653", name="Min bedrift AS").content.decode()
    assert "not answering right now" in body and 'value="Min bedrift AS"' in body


def test_fetch_of_unknown_deleted_and_invalid_numbers(world, login, brreg):
    client = login(world.users["staff"])

    unknown = lookup_post(client, world, "987654325", name="Noe AS").content.decode()
    assert "Enhetsregisteret has no company with this organisation number" in unknown
    assert 'value="Noe AS"' in unknown

    deleted = lookup_post(client, world, "915678904").content.decode()
    assert "lists this organisation number as deleted" in deleted and "Nothing was filled in." in deleted

    invalid = lookup_post(client, world, "912345654").content.decode()
    assert "check digit does not match" in invalid


def test_a_bankrupt_company_added_after_a_lookup_is_flagged_on_its_page_and_in_the_list(world, login, brreg):
    client = login(world.users["staff"])
    lookup_post(client, world, "912345661")

    response = client.post(
        url(world, "new/"), {"org_number": "912345661", "name": "Vestlandske Ingeniører AS"}
    )

    assert response.status_code == 302
    company = Company.objects.get(org_number="912345661")
    assert company.register_status == RegisterStatus.BANKRUPT
    assert company.register_address == "Strandkaien 2, 5013 Bergen"
    assert len(brreg.requests) == 1  # adding the member asked the register nothing new
    detail = client.get(response["Location"]).content.decode()
    assert "Enhetsregisteret lists this company as bankrupt." in detail
    assert "Bankrupt in Enhetsregisteret" in detail
    listing = client.get(url(world)).content.decode()
    assert 'data-color="danger" data-size="sm"><span class="kk-visually-hidden">' in listing
    assert "Bankrupt</span>" in listing


def test_the_refresh_shows_the_differences_and_applies_only_what_is_confirmed(
    world, other_world, login, brreg
):
    company = make_company(org_number="912345653", name="Havbruksteknikk AS", employees=35)
    ours = make_membership(
        world.cluster, company=company, name="Havbruk T", employees=3, municipality="Giske"
    )
    theirs = make_membership(other_world.cluster, company=company, name="HT Havbruk", employees=3)
    client = login(world.users["staff"])

    page = client.get(url(world, f"{ours.pk}/register/"))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Havbruk T" in body and "Havbruksteknikk AS" in body
    assert "Giske" in body and "Ålesund" in body
    assert 'name="fields_to_apply" value="name"' in body
    assert "HT Havbruk" not in body  # the other cluster's record is never shown
    with scope(world.cluster):
        ours.refresh_from_db()
    assert ours.name == "Havbruk T"  # nothing applied before the confirmation

    response = client.post(url(world, f"{ours.pk}/register/"), {"fields_to_apply": ["name", "employees"]})

    assert response.status_code == 302
    assert len(brreg.requests) == 1  # the confirmation applies what was shown
    with scopes_disabled():
        ours.refresh_from_db()
        theirs.refresh_from_db()
    company.refresh_from_db()
    assert (ours.name, ours.employees, ours.size_class, ours.municipality) == (
        "Havbruksteknikk AS",
        35,
        "small",
        "Giske",
    )
    # The register is trusted by every cluster: the other cluster's record follows too.
    assert (theirs.name, theirs.employees) == ("Havbruksteknikk AS", 35)
    assert company.register_status == RegisterStatus.ACTIVE and company.register_checked_at is not None
    with scopes_disabled():
        rows = {
            row.cluster_id: row
            for row in AuditLog.objects.filter(action="members.company.updated", data__source="register")
        }
    assert rows[world.cluster.pk].actor == world.users["staff"]
    assert rows[other_world.cluster.pk].actor is None  # who asked is not told to another cluster
    detail = client.get(response["Location"]).content.decode()
    assert "updated the company profile of Havbruksteknikk AS from Enhetsregisteret" in detail


def test_the_refresh_of_a_deleted_company_records_the_standing_and_leaves_the_membership(world, login, brreg):
    company = make_company(org_number="915678904", name="Borte AS")
    membership = make_membership(world.cluster, company=company)
    client = login(world.users["manager"])

    page = client.get(url(world, f"{membership.pk}/register/")).content.decode()
    assert "The company is deleted from Enhetsregisteret." in page
    assert "already match" in page

    client.post(url(world, f"{membership.pk}/register/"), {})

    company.refresh_from_db()
    with scope(world.cluster):
        membership.refresh_from_db()
        assert AuditLog.objects.filter(action="members.company.register_status").count() == 1
    assert company.register_status == RegisterStatus.DELETED
    assert str(company.register_status_on) == "2025-06-30"
    assert membership.status == "active" and membership.name == "Borte AS"
    detail = client.get(url(world, f"{membership.pk}/")).content.decode()
    assert "Enhetsregisteret lists this company as deleted." in detail
    assert "Enhetsregisteret now lists Borte AS as deleted" in detail


def test_the_refresh_when_the_register_is_off_says_so_plainly(world, login):
    membership = make_membership(world.cluster, company=make_company(org_number="912345653"))

    response = login(world.users["staff"]).get(url(world, f"{membership.pk}/register/"))

    assert response.status_code == 200
    assert "Enhetsregisteret is not answering right now" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("advisor", 403), ("board", 403), ("contact", 403), ("member", 403)]
)
def test_only_the_cluster_team_may_refresh_from_the_register(world, login, brreg, role, status):
    response = login(world.users[role]).get(url(world, f"{world.membership.pk}/register/"))

    assert response.status_code in (status, 404)
    assert brreg.requests == []
