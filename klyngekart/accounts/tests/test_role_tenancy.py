"""Company roles belong to the cluster that granted them (issue 12, finding 1).

Two clusters share a member company, and each has its own contact for it. Every test here is an
attack that worked while a company role was valid in every cluster of its company: it must fail
now, whatever companies the clusters share."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.accounts.access import resolve_access, user_clusters
from klyngekart.accounts.models import CompanyRole, User
from klyngekart.accounts.selectors import user_roles
from klyngekart.accounts.services import invitation_accept, invitation_create
from klyngekart.accounts.tests.factories import UserFactory
from klyngekart.conftest import SharedWorlds
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.models import RoundCompany

pytestmark = pytest.mark.django_db


def _role_of(user) -> CompanyRole:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return CompanyRole.objects.get(user=user)


def test_a_contact_of_a_shared_company_cannot_enter_the_other_cluster(shared_worlds: SharedWorlds, login):
    a, b = shared_worlds.a, shared_worlds.b
    for role in ("contact", "member"):
        assert resolve_access(a.users[role], b.cluster) is None
        assert [access.cluster for access in user_clusters(a.users[role])] == [a.cluster]
        client = login(a.users[role])
        assert client.get(reverse("cluster:home", args=[b.cluster.slug])).status_code == 404
        assert client.get(reverse("members:my_company", args=[b.cluster.slug])).status_code == 404


def test_the_people_page_lists_only_the_clusters_own_company_roles(shared_worlds: SharedWorlds, login):
    a, b = shared_worlds.a, shared_worlds.b
    body = login(b.users["manager"]).get(reverse("people:list", args=[b.cluster.slug])).content.decode()
    assert b.users["contact"].email in body
    assert a.users["contact"].email not in body
    assert a.users["member"].email not in body


def test_a_cluster_cannot_remove_a_role_another_cluster_granted(shared_worlds: SharedWorlds, login):
    a, b = shared_worlds.a, shared_worlds.b
    role = _role_of(a.users["contact"])
    client = login(b.users["manager"])
    url = reverse("people:company_role_remove", args=[b.cluster.slug, role.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    with scopes_disabled():
        assert CompanyRole.objects.filter(pk=role.pk).exists()
        assert not AuditLog.objects.filter(action="accounts.role.removed").exists()


def test_removing_a_company_role_ends_it_in_its_own_cluster_and_is_audited_there(
    shared_worlds: SharedWorlds, login
):
    a, b = shared_worlds.a, shared_worlds.b
    role = _role_of(b.users["contact"])
    client = login(b.users["manager"])
    assert (
        client.post(reverse("people:company_role_remove", args=[b.cluster.slug, role.pk])).status_code == 302
    )
    with scopes_disabled():
        assert not CompanyRole.objects.filter(pk=role.pk).exists()
        entry = AuditLog.objects.get(action="accounts.role.removed")
        assert _role_of(a.users["contact"]).pk  # A's contact keeps its role
    assert entry.cluster == b.cluster


def test_accepting_an_invitation_of_one_cluster_gives_a_role_in_that_cluster_only(
    shared_worlds: SharedWorlds,
):
    a, b = shared_worlds.a, shared_worlds.b
    outsider: User = UserFactory(email="utenforstaaende@example.no")  # type: ignore[assignment]
    _invitation, secret = invitation_create(
        cluster=b.cluster,
        email=outsider.email,
        role="contact",
        company=shared_worlds.company,
        invited_by=b.users["manager"],
    )
    invitation_accept(secret=secret, user=outsider)
    assert _role_of(outsider).cluster == b.cluster
    assert resolve_access(outsider, a.cluster) is None
    assert [access.cluster for access in user_clusters(outsider)] == [b.cluster]
    assert [(row.cluster, row.role_key) for row in user_roles(user=outsider).company_roles] == [
        (b.cluster, "contact")
    ]
    with scopes_disabled():
        grants = AuditLog.objects.filter(action="accounts.role.granted")
        assert [entry.cluster for entry in grants] == [b.cluster]


def test_a_second_invitation_in_another_cluster_adds_a_second_role(shared_worlds: SharedWorlds):
    """One person can be the company's contact in both clusters, by each cluster's own invitation,
    and losing the role in one keeps the other."""
    a, b = shared_worlds.a, shared_worlds.b
    person = a.users["contact"]
    _invitation, secret = invitation_create(
        cluster=b.cluster,
        email=person.email,
        role="member",
        company=shared_worlds.company,
        invited_by=b.users["manager"],
    )
    invitation_accept(secret=secret, user=person)
    with scopes_disabled():
        roles = {role.cluster_id: role.role for role in CompanyRole.objects.filter(user=person)}
    assert roles == {a.cluster.pk: "contact", b.cluster.pk: "member"}
    assert resolve_access(person, a.cluster).role == "contact"  # type: ignore[union-attr]
    assert resolve_access(person, b.cluster).role == "member"  # type: ignore[union-attr]


@pytest.fixture
def outsider(shared_worlds: SharedWorlds):  # type: ignore[no-untyped-def]
    """Someone cluster B invited as contact of the shared company."""
    b = shared_worlds.b
    user: User = UserFactory(email="innsideren@example.no")  # type: ignore[assignment]
    _invitation, secret = invitation_create(
        cluster=b.cluster,
        email=user.email,
        role="contact",
        company=shared_worlds.company,
        invited_by=b.users["manager"],
    )
    invitation_accept(secret=secret, user=user)
    return user


def test_a_contact_invited_by_one_cluster_reads_nothing_of_the_other(
    shared_worlds: SharedWorlds, outsider, login
):
    from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory
    from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey

    a = shared_worlds.a
    MembershipStrategyFactory(membership=a.membership, year=THIS_YEAR)
    round_ = gap_survey(a.cluster)["round"]
    part: RoundCompany = RoundCompanyFactory(round=round_, cluster=a.cluster, membership=a.membership)  # type: ignore[assignment]
    client = login(outsider)
    slug = a.cluster.slug
    urls = [
        reverse("cluster:home", args=[slug]),
        reverse("members:detail", args=[slug, a.membership.pk]),
        reverse("strategy:company", args=[slug, a.membership.pk]),
        reverse("strategy:detail", args=[slug, a.membership.pk, THIS_YEAR]),
        reverse("results:mine", args=[slug]),
        reverse("results:company", args=[slug, round_.pk, part.pk]),
        reverse("rounds:company", args=[slug, round_.pk, part.pk]),
        reverse("measures:list", args=[slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_contact_invited_by_one_cluster_cannot_act_for_the_company_in_the_other(
    shared_worlds: SharedWorlds, outsider, login, django_capture_on_commit_callbacks
):
    from django.core import mail

    from klyngekart.measures.models import MeasureInterest
    from klyngekart.measures.tests.factories import make_measure
    from klyngekart.surveys.models import RespondentInvitation
    from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey

    a = shared_worlds.a
    measure = make_measure(cluster=a.cluster)
    round_ = gap_survey(a.cluster)["round"]
    part: RoundCompany = RoundCompanyFactory(round=round_, cluster=a.cluster, membership=a.membership)  # type: ignore[assignment]
    client = login(outsider)
    slug = a.cluster.slug
    interest = client.post(
        reverse("measures:interest", args=[slug, measure.pk]),
        {"membership": a.membership.pk, "participants": 3},
    )
    with django_capture_on_commit_callbacks(execute=True):
        invite = client.post(
            reverse("rounds:invite", args=[slug, round_.pk, part.pk]),
            {"addresses": "offer@example.no", "language": "nb"},
        )
    assert interest.status_code == 404
    assert invite.status_code == 404
    with scopes_disabled():
        assert not MeasureInterest.objects.exists()
        assert not RespondentInvitation.objects.exists()
    assert mail.outbox == []


def test_a_clusters_mail_to_a_shared_company_goes_only_to_the_contacts_it_appointed(
    shared_worlds: SharedWorlds,
):
    from klyngekart.core.tenancy import scope
    from klyngekart.measures.selectors import contact_addresses

    a, b = shared_worlds.a, shared_worlds.b
    for world, other in ((a, b), (b, a)):
        with scope(world.cluster):
            addresses = contact_addresses(world.membership)
        assert world.users["contact"].email in addresses
        assert other.users["contact"].email not in addresses
