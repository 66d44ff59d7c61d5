from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from klyngekart.accounts.models import ClusterRole, CompanyRole, User
from klyngekart.core.models import AuditLog, Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.home import demo_data
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo, run_demo
from klyngekart.landscape.models import ClusterProfile
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.validators import is_valid_org_number
from klyngekart.taxonomy.nace import lookup_nace

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]  # the module fixture, imported to be used here

CLUSTER_LOGINS = ["manager", "staff", "advisor", "board", "contact", "member"]


def row_counts() -> dict[str, int]:
    with scopes_disabled():
        models = (
            Cluster,
            User,
            EmailAddress,
            Company,
            Membership,
            Contact,
            ClusterRole,
            CompanyRole,
            AuditLog,
            ClusterProfile,
        )
        return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo(built_demo: BuiltDemo) -> Cluster:
    return Cluster.objects.get(slug="demo")


def test_the_demo_cluster_has_sixty_odd_fictional_members_with_valid_data(demo):
    with scope(demo):
        memberships = list(Membership.objects.select_related("company"))
    companies = [m.company for m in memberships]
    assert len(memberships) >= 60
    assert demo.name == "Demo Havbruk og Maritim Klynge"
    assert demo.city == "Bergen"
    assert all(is_valid_org_number(c.org_number or "") for c in companies)
    assert len({c.org_number for c in companies}) == len(companies)
    assert all(lookup_nace(c.nace_code) is not None and c.nace_section for c in companies)
    assert all(c.website.endswith(".example.no") for c in companies)
    sizes = [c.size_class for c in companies]
    assert sizes.count("micro") + sizes.count("small") > len(companies) / 2
    assert sizes.count("medium") >= 5 and 1 <= sizes.count("large") <= 6
    assert {c.region for c in companies} >= {"46", "15", "11", "18", "50", "55"}
    statuses = [m.status for m in memberships]
    assert statuses.count("left") >= 2 and statuses.count("paused") >= 2
    assert all(m.left_on for m in memberships if m.status == "left")
    assert all(m.joined_on and m.tier and m.annual_fee for m in memberships)


def test_every_member_has_one_or_two_contacts_and_changes_are_audited(demo):
    with scope(demo):
        per_membership = {m.pk: m.contacts.count() for m in Membership.objects.all()}
        actions = set(AuditLog.objects.values_list("action", flat=True))
    assert set(per_membership.values()) <= {1, 2}
    assert {"members.membership.created", "members.membership.ended", "accounts.role.granted"} <= actions


def test_the_demo_companies_use_nace_codes_that_exist():
    assert all(lookup_nace(company.nace) for company in demo_data.COMPANIES)


@pytest.mark.parametrize("role", CLUSTER_LOGINS)
def test_every_role_logs_in_with_the_demo_password_and_lands_on_the_cluster_home(demo, client, role):
    response = client.post(
        "/accounts/login/",
        {"login": f"{role}@demo.klyngekart.no", "password": "klyngekart-demo"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/c/demo/"
    assert "Demo Havbruk og Maritim Klynge" in response.content.decode()


def test_the_platform_admin_is_a_superuser_who_can_log_in(demo, client):
    admin = User.objects.get(email="admin@demo.klyngekart.no")
    assert admin.is_superuser and admin.is_staff
    response = client.post(
        "/accounts/login/", {"login": admin.email, "password": "klyngekart-demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == admin


def test_company_logins_belong_to_one_active_member_company(demo):
    contact = User.objects.get(email="contact@demo.klyngekart.no")
    member = User.objects.get(email="member@demo.klyngekart.no")
    with scope(demo):
        contact_role = CompanyRole.objects.get(user=contact)
        assert contact_role.role == "contact"
        assert CompanyRole.objects.get(user=member).company == contact_role.company
        assert Membership.objects.get(company=contact_role.company).status == "active"
    assert EmailAddress.objects.filter(user=member, verified=True, primary=True).exists()


def test_a_second_run_creates_nothing_new(demo):
    before = row_counts()
    output = run_demo()
    assert row_counts() == before
    assert "0 memberships" in output and "0 users" in output and "0 cluster_profiles" in output


def test_the_demo_directory_has_300_fictional_european_clusters(demo):
    # Beside them, the demo cluster's own published profile (home/demo_partners.py), not fictional.
    profiles = ClusterProfile.objects.filter(source_cluster__isnull=True)
    assert profiles.count() == 300 and not profiles.filter(fictional=False).exists()
    assert ClusterProfile.objects.filter(source_cluster__slug="demo", fictional=False).count() == 1
    assert profiles.values("country").distinct().count() >= 20
    assert not profiles.exclude(website__endswith=".example").exists()
