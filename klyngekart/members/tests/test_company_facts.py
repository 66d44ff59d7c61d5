"""A cluster's facts about a company are its own (issue 12, finding 2).

Two clusters share a member company. What one cluster's staff enter or edit (name, industry, head
count, place, website) is stored on its own membership and seen only there; the facts shared on
the company change only from a trusted source (the company's own contact), and such a change is
audited in every cluster that has the company. Every attack here worked while a cluster's edit
wrote the installation-wide company."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from klyngekart.accounts.services import invitation_accept, invitation_create
from klyngekart.conftest import B_FACTS, SharedWorlds, World
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.importing import import_members
from klyngekart.members.models import Company, Membership
from klyngekart.members.selectors import membership_list
from klyngekart.surveys.models import RoundCompany

pytestmark = pytest.mark.django_db

PHISHING = "https://phishing.example.com"


def _view(world: World) -> Membership:
    """The cluster's own record of its shared member, read fresh."""
    with scope(world.cluster):
        return Membership.objects.get(pk=world.membership.pk)


def _facts(membership: Membership) -> tuple[Any, ...]:
    return (
        membership.name,
        membership.website,
        membership.employees,
        membership.size_class,
        membership.nace_code,
        membership.municipality,
        membership.region,
    )


def _edit(client, world: World, **data: str):  # type: ignore[no-untyped-def]
    url = reverse("members:edit", args=[world.cluster.slug, world.membership.pk])
    view = _view(world)
    form = {
        "company-name": view.name,
        "company-nace_code": view.nace_code,
        "company-employees": "" if view.employees is None else str(view.employees),
        "company-municipality": view.municipality,
        "company-region": view.region,
        "company-website": view.website,
        "membership-tier": view.tier,
    }
    form.update({f"company-{key}": value for key, value in data.items()})
    return client.post(url, form)


def test_a_clusters_edit_of_a_shared_company_changes_nothing_another_cluster_sees(
    shared_worlds: SharedWorlds, login
):
    a, b = shared_worlds.a, shared_worlds.b
    a_before = _facts(_view(a))
    company_before = Company.objects.values().get(pk=shared_worlds.company.pk)

    response = _edit(login(b.users["manager"]), b, name="Omdøpt av Beta AS", website=PHISHING, employees="3")

    assert response.status_code == 302
    assert _facts(_view(b))[:4] == ("Omdøpt av Beta AS", PHISHING, 3, "micro")
    assert _facts(_view(a)) == a_before
    assert Company.objects.values().get(pk=shared_worlds.company.pk) == company_before
    page = login(a.users["manager"]).get(reverse("members:detail", args=[a.cluster.slug, a.membership.pk]))
    body = page.content.decode()
    assert a.membership.name in body
    assert "Omdøpt av Beta AS" not in body
    assert PHISHING not in body
    with scopes_disabled():
        edits = AuditLog.objects.filter(action__startswith="members.")
        assert {entry.cluster_id for entry in edits} == {b.cluster.pk}


def test_a_shared_companys_segment_in_the_needs_analysis_follows_each_clusters_own_head_count(
    shared_worlds: SharedWorlds, login
):
    from klyngekart.surveys.results import round_companies
    from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey

    a, b = shared_worlds.a, shared_worlds.b
    parts: dict[str, RoundCompany] = {}
    for world in (a, b):
        round_ = gap_survey(world.cluster)["round"]
        parts[world.cluster.slug] = RoundCompanyFactory(  # type: ignore[assignment]
            round=round_, cluster=world.cluster, membership=world.membership
        )
    _edit(login(b.users["manager"]), b, employees="3")

    for world, size_class in ((a, "small"), (b, "micro")):
        part = parts[world.cluster.slug]
        with scope(world.cluster):
            assert round_companies(part.round)[part.pk].size_class == size_class


def test_a_new_membership_of_a_company_on_the_platform_neither_reads_nor_fills_its_facts(world, other_world):
    """B adds A's member by org number: B's record holds what B entered, nothing of A's, and
    what B entered fills nothing of the shared company or of A's record."""
    from klyngekart.members.services import membership_create

    company = world.membership.company
    Company.objects.filter(pk=company.pk).update(website="", municipality="")
    with scope(world.cluster):
        Membership.objects.filter(pk=world.membership.pk).update(website="", municipality="")
    a_before = _facts(_view(world))

    membership = membership_create(
        cluster=other_world.cluster,
        actor=other_world.users["manager"],
        company={"org_number": company.org_number, "name": "Betas medlem AS", "website": PHISHING},
    )

    assert membership.company == company
    assert _facts(membership) == ("Betas medlem AS", PHISHING, None, "", "", "", "")
    assert _facts(_view(world)) == a_before
    company.refresh_from_db()
    assert (company.website, company.municipality) == ("", "")
    with scopes_disabled():
        created = AuditLog.objects.get(action="members.membership.created")
    assert "existing_company" not in created.data


def test_the_import_of_another_clusters_member_writes_only_this_clusters_record(world, other_world):
    company = world.membership.company
    a_before = _facts(_view(world))
    content = (
        "Organisasjonsnummer;Navn;Antall ansatte;Hjemmeside\n"
        f"{company.org_number};Importert AS;400;{PHISHING}\n"
    )

    dry = import_members(
        cluster=other_world.cluster,
        actor=other_world.users["manager"],
        filename="medlemmer.csv",
        content=content.encode(),
        dry_run=True,
    )
    assert dry.ok
    # The preview says nothing of the company being known elsewhere: that is another cluster's fact.
    assert (dry.created, dry.updated) == (1, 0)
    report = import_members(
        cluster=other_world.cluster,
        actor=other_world.users["manager"],
        filename="medlemmer.csv",
        content=content.encode(),
        dry_run=False,
    )

    assert report.written
    with scope(other_world.cluster):
        imported = Membership.objects.get(company=company)
    assert _facts(imported)[:4] == ("Importert AS", PHISHING, 400, "large")
    assert _facts(_view(world)) == a_before


def test_the_member_list_searches_filters_and_sorts_by_the_clusters_own_facts(shared_worlds: SharedWorlds):
    a, b = shared_worlds.a, shared_worlds.b
    with scope(b.cluster):
        assert list(membership_list(cluster=b.cluster, q="sett fra Beta")) == [b.membership]
        assert list(membership_list(cluster=b.cluster, q=a.membership.name)) == []
        assert list(membership_list(cluster=b.cluster, size_class="micro")) == [b.membership]
    with scope(a.cluster):
        assert list(membership_list(cluster=a.cluster, q="sett fra Beta")) == []
        assert list(membership_list(cluster=a.cluster, size_class="micro")) == []


def test_each_clusters_export_carries_its_own_facts(shared_worlds: SharedWorlds, login):
    a, b = shared_worlds.a, shared_worlds.b
    body = login(b.users["manager"]).get(reverse("members:export", args=[b.cluster.slug]) + "?format=csv")
    text = body.content.decode("utf-8-sig")
    assert B_FACTS["name"] in text and B_FACTS["website"] in text
    assert a.membership.name not in text


def test_a_company_contacts_edit_is_the_companys_own_and_every_cluster_of_the_company_is_told(
    shared_worlds: SharedWorlds, login
):
    """A's contact corrects the company's facts: A's record and the company's shared facts change.
    B never appointed this person, so B's record stays as B keeps it; B's log says that the
    company's contact elsewhere changed its shared facts, without saying who."""
    a, b = shared_worlds.a, shared_worlds.b
    b_before = _facts(_view(b))

    response = _edit(login(a.users["contact"]), a, name="Offisielt Navn AS", employees="60")

    assert response.status_code == 302
    assert _facts(_view(a))[:4] == ("Offisielt Navn AS", a.membership.website, 60, "medium")
    assert _facts(_view(b)) == b_before
    company = Company.objects.get(pk=shared_worlds.company.pk)
    assert (company.name, company.employees, company.size_class) == ("Offisielt Navn AS", 60, "medium")
    with scopes_disabled():
        in_a = AuditLog.objects.get(cluster=a.cluster, action="members.company.updated")
        in_b = AuditLog.objects.get(cluster=b.cluster, action="members.company.updated")
    assert in_a.actor == a.users["contact"]
    assert in_a.data["changed"]["name"] == [a.membership.name, "Offisielt Navn AS"]
    assert in_b.actor is None
    assert in_b.data == {"source": "contact", "fields": ["employees", "name"], "applied": False}
    assert a.users["contact"].email not in str(in_b.data) + in_b.object_repr
    page = login(b.users["manager"]).get(reverse("members:detail", args=[b.cluster.slug, b.membership.pk]))
    body = page.content.decode()
    assert "changed its shared information (employees, name)" in body
    for secret in (a.users["contact"].email, a.users["contact"].full_name, "Offisielt Navn AS"):
        assert secret not in body


def test_a_contact_both_clusters_appointed_updates_both_clusters_records(shared_worlds: SharedWorlds, login):
    a, b = shared_worlds.a, shared_worlds.b
    contact = a.users["contact"]
    _invitation, secret = invitation_create(
        cluster=b.cluster,
        email=contact.email,
        role="contact",
        company=shared_worlds.company,
        invited_by=b.users["manager"],
    )
    invitation_accept(secret=secret, user=contact)

    _edit(login(contact), a, website="https://offisiell.example.no")

    assert _view(a).website == _view(b).website == "https://offisiell.example.no"
    with scopes_disabled():
        in_b = AuditLog.objects.get(cluster=b.cluster, action="members.company.updated")
    assert in_b.actor == contact
    assert in_b.data["changed"] == {"website": [B_FACTS["website"], "https://offisiell.example.no"]}


def test_listings_read_the_clusters_names_without_a_query_per_company(world, login):
    """The round's progress (page and API), the people page and the member list read each
    company's name from the cluster's record in the same queries, however many companies."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from klyngekart.accounts.tests.factories import CompanyRoleFactory
    from klyngekart.accounts.tokens import api_token_create
    from klyngekart.members.tests.factories import MembershipFactory
    from klyngekart.surveys.tests.factories import RoundCompanyFactory, gap_survey

    round_ = gap_survey(world.cluster)["round"]
    manager = login(world.users["manager"])
    _token, secret = api_token_create(user=world.users["manager"], name="Tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    slug = world.cluster.slug
    urls = [
        reverse("rounds:detail", args=[slug, round_.pk]),
        reverse("people:list", args=[slug]),
        reverse("members:list", args=[slug]),
    ]
    api = f"/api/v1/clusters/{slug}/rounds/{round_.pk}/progress"

    def queries() -> list[int]:
        counts = []
        for url in [*urls, api]:
            with CaptureQueriesContext(connection) as captured:
                response = manager.get(url, **(headers if url == api else {}))
            assert response.status_code == 200, url
            counts.append(len(captured))
        return counts

    def add_companies(n: int) -> None:
        for _ in range(n):
            membership = MembershipFactory(cluster=world.cluster)
            RoundCompanyFactory(round=round_, cluster=world.cluster, membership=membership)
            CompanyRoleFactory(cluster=world.cluster, company=membership.company)

    add_companies(2)
    queries()  # once to fill what is cached across requests (the token's last use, areas...)
    few = queries()
    add_companies(10)
    assert queries() == few
