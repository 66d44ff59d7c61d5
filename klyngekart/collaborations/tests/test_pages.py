"""The pipeline's pages over HTTP, as each role: the board and its move form (no JavaScript), the
list's filters and pages, create from a landscape profile, the detail with its history and notes,
and what a company role may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from klyngekart.collaborations.models import EventKind, Opportunity, OpportunityEvent, Stage
from klyngekart.collaborations.tests.factories import make_opportunity
from klyngekart.conftest import CLUSTER_ROLES, COMPANY_ROLES, SharedWorlds, World
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.landscape.tests.factories import make_profile

pytestmark = pytest.mark.django_db


def _url(world: World, name: str, *args: int) -> str:
    return reverse(f"collaborations:{name}", args=[world.cluster.slug, *args])


def _stored(pk: int) -> Opportunity:
    with scopes_disabled():
        return Opportunity.objects.get(pk=pk)


@pytest.mark.parametrize("role", CLUSTER_ROLES + COMPANY_ROLES)
def test_every_role_reads_the_board(world: World, login, english, role: str) -> None:
    mine = make_opportunity(cluster=world.cluster, title="Med vår bedrift", members=[world.membership])
    theirs = make_opportunity(cluster=world.cluster, title="Med naboen", members=[world.other_membership])
    client = login(world.users[role])
    body = client.get(_url(world, "board")).content.decode()
    assert mine.title in body
    # A company role sees only the opportunities its own company is involved in.
    assert (theirs.title in body) is (role in CLUSTER_ROLES)
    can_move = role in {"manager", "staff", "advisor"}
    assert (_url(world, "move", mine.pk) in body) is can_move
    assert ("New opportunity" in body) is can_move


def test_moving_a_card_works_without_javascript(world: World, login, english) -> None:
    opportunity = make_opportunity(cluster=world.cluster, title="Batterier i nord")
    client = login(world.users["staff"])
    board = _url(world, "board")
    response = client.post(_url(world, "move", opportunity.pk), {"stage": "contacted", "next": board})
    assert response.status_code == 302 and response["Location"] == board
    assert _stored(opportunity.pk).stage == Stage.CONTACTED
    page = client.get(board).content.decode()
    assert "is moved to Contacted" in page
    # A foreign "next" is not followed; a bad stage is said, and nothing moves.
    response = client.post(
        _url(world, "move", opportunity.pk), {"stage": "nowhere", "next": "https://evil.example/"}
    )
    assert response["Location"] == board
    assert _stored(opportunity.pk).stage == Stage.CONTACTED
    assert "Choose a stage" in client.get(board).content.decode()


def test_the_board_marks_overdue_and_missing_next_steps(world: World, login, english) -> None:
    today = timezone.localdate()
    late = make_opportunity(
        cluster=world.cluster,
        title="Sent",
        stage=Stage.MEETING,
        next_step="Følg opp",
        next_step_on=today - dt.timedelta(days=2),
    )
    make_opportunity(cluster=world.cluster, title="Uten steg")
    make_opportunity(cluster=world.cluster, title="Ferdig", stage=Stage.COMPLETED)
    body = login(world.users["board"]).get(_url(world, "board")).content.decode()
    assert f'kk-card kk-card--overdue" aria-labelledby="kk-card-{late.pk}"' in body
    assert body.count("kk-card--overdue") == 1
    assert "Overdue" in body and "No next step yet" in body


def test_create_from_a_landscape_profile(world: World, login, english) -> None:
    partner = make_profile(name="Nordic Hydrogen Cluster", country="DK")
    client = login(world.users["manager"])
    # The profile page links to the pipeline for a user who may work it.
    detail = client.get(reverse("landscape:detail", args=[partner.pk])).content.decode()
    create = _url(world, "create") + f"?partner={partner.pk}"
    assert create in detail and "Add to pipeline" in detail
    form = client.get(create).content.decode()
    assert "Collaboration with Nordic Hydrogen Cluster" in form
    assert f'<option value="{partner.pk}" selected>' in form
    response = client.post(
        create,
        {
            "title": "Hydrogen i havn",
            "partners": [partner.pk],
            "members": [world.membership.pk],
            "stage": "idea",
            "next_step": "Ring dem",
            "next_step_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "responsible": world.users["manager"].pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == _url(world, "board")
    with scopes_disabled():
        opportunity = Opportunity.objects.get(title="Hydrogen i havn")
        assert list(opportunity.members.all()) == [world.membership]
    assert "Hydrogen i havn" in client.get(_url(world, "board")).content.decode()


@pytest.mark.parametrize("role", ["board", "contact", "member"])
def test_the_landscape_offers_no_pipeline_to_readers(world: World, login, english, role: str) -> None:
    partner = make_profile()
    detail = login(world.users[role]).get(reverse("landscape:detail", args=[partner.pk])).content.decode()
    assert "Add to pipeline" not in detail


def test_a_refused_create_keeps_what_was_typed(world: World, login, english) -> None:
    client = login(world.users["advisor"])
    response = client.post(
        _url(world, "create"),
        {"title": "Uten partner", "stage": "idea", "next_step": "Ring", "next_step_on": "2001-01-01"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Uten partner"' in body and "fixing" in body
    with scopes_disabled():
        assert not Opportunity.objects.exists()


def test_detail_history_next_step_and_notes(world: World, login, english) -> None:
    opportunity = make_opportunity(cluster=world.cluster, title="Felles søknad", members=[world.membership])
    client = login(world.users["manager"])
    due = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        _url(world, "next_step", opportunity.pk), {"next_step": "Skriv utkast", "next_step_on": due}
    )
    assert response.status_code == 302
    response = client.post(_url(world, "note", opportunity.pk), {"note": "De vil gjerne være med."})
    assert response.status_code == 302
    client.post(_url(world, "move", opportunity.pk), {"stage": "meeting"})
    body = client.get(_url(world, "detail", opportunity.pk)).content.decode()
    assert "De vil gjerne være med." in body
    assert "Next step: Skriv utkast" in body
    assert "Moved it from Idea to Meeting" in body
    # A date without a step is refused on the page, with what was typed kept.
    response = client.post(_url(world, "next_step", opportunity.pk), {"next_step": "", "next_step_on": due})
    assert response.status_code == 400
    assert "Describe the next step for this date." in response.content.decode()
    response = client.post(_url(world, "note", opportunity.pk), {"note": ""})
    assert response.status_code == 400
    with scopes_disabled():
        assert OpportunityEvent.objects.filter(opportunity=opportunity, kind=EventKind.NOTE).count() == 1


def test_edit_changes_and_names_the_fields(world: World, login, english) -> None:
    first, second = make_profile(country="SE"), make_profile(country="FI")
    opportunity = make_opportunity(cluster=world.cluster, title="Gammelt navn", partners=[first])
    client = login(world.users["staff"])
    page = client.get(_url(world, "edit", opportunity.pk)).content.decode()
    assert 'value="Gammelt navn"' in page
    response = client.post(
        _url(world, "edit", opportunity.pk),
        {"title": "Nytt navn", "partners": [first.pk, second.pk], "stage": "idea"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert set(_stored(opportunity.pk).partners.values_list("pk", flat=True)) == {first.pk, second.pk}
    body = client.get(_url(world, "detail", opportunity.pk)).content.decode()
    assert "Edited the opportunity: title, partner clusters" in body


def test_a_company_role_reads_its_own_without_the_history(world: World, login, english) -> None:
    opportunity = make_opportunity(
        cluster=world.cluster, title="Med to bedrifter", members=[world.membership, world.other_membership]
    )
    with scopes_disabled():
        OpportunityEvent.objects.create(
            cluster=world.cluster, opportunity=opportunity, kind=EventKind.NOTE, text="Internt notat"
        )
    other = make_opportunity(cluster=world.cluster, title="Bare naboen", members=[world.other_membership])
    client = login(world.users["contact"])
    body = client.get(_url(world, "detail", opportunity.pk)).content.decode()
    assert world.membership.name in body
    assert world.other_membership.name not in body
    assert "Internt notat" not in body
    assert _url(world, "move", opportunity.pk) not in body
    assert client.get(_url(world, "detail", other.pk)).status_code == 404
    assert client.post(_url(world, "move", opportunity.pk), {"stage": "dropped"}).status_code == 403


def test_the_list_filters_and_pages(world: World, login, english) -> None:
    today = timezone.localdate()
    danish, swedish = make_profile(country="DK"), make_profile(country="SE")
    make_opportunity(cluster=world.cluster, title="Dansk idé", partners=[danish])
    make_opportunity(
        cluster=world.cluster,
        title="Svensk møte",
        partners=[swedish],
        stage=Stage.MEETING,
        next_step="Møte",
        next_step_on=today - dt.timedelta(days=1),
    )
    for n in range(26):
        make_opportunity(cluster=world.cluster, title=f"Flere {n}", partners=[danish], stage=Stage.DROPPED)
    client = login(world.users["board"])
    url = _url(world, "list")

    def titles(query: str) -> str:
        return client.get(url + query).content.decode()

    assert "Svensk møte" in titles("?country=SE") and "Dansk idé" not in titles("?country=SE")
    assert "Svensk møte" in titles("?stage=meeting") and "Dansk idé" not in titles("?stage=meeting")
    overdue = titles("?overdue=on")
    assert "Svensk møte" in overdue and "1 opportunity" in overdue and "Dansk idé" not in overdue
    first = titles("")
    assert "28 opportunities" in first and "?page=2" in first
    # The nearest next step first: the overdue one leads the list.
    assert first.index("Svensk møte") < first.index("Dansk idé")
    assert titles("?page=2").count('class="ds-link" href="/c/') >= 3


def test_shared_company_contact_sees_nothing_of_the_other_cluster(shared_worlds: SharedWorlds, login) -> None:
    a, b = shared_worlds.a, shared_worlds.b
    opportunity = make_opportunity(
        cluster=a.cluster, title="Alfas hemmelige samarbeid", members=[a.membership]
    )
    client = login(b.users["contact"])
    assert "Alfas hemmelige" not in client.get(_url(b, "board")).content.decode()
    assert client.get(_url(b, "detail", opportunity.pk)).status_code == 404
    assert client.get(_url(a, "board")).status_code == 404
    manager_b = login(b.users["manager"])
    assert manager_b.get(_url(b, "detail", opportunity.pk)).status_code == 404
    assert manager_b.post(_url(b, "move", opportunity.pk), {"stage": "dropped"}).status_code == 404
    assert _stored(opportunity.pk).stage == Stage.IDEA


def test_the_board_and_the_list_cost_the_same_few_queries_however_many_cards(
    world: World, login, django_assert_max_num_queries
) -> None:
    client = login(world.users["manager"])
    make_opportunity(cluster=world.cluster, members=[world.membership])
    pages = [_url(world, "board"), _url(world, "list")]
    client.get(pages[0])  # warm the session
    baseline = {}
    for page in pages:
        with django_assert_max_num_queries(20) as few:
            assert client.get(page).status_code == 200
        baseline[page] = len(few.captured_queries)
    for n in range(15):
        make_opportunity(
            cluster=world.cluster,
            partners=[make_profile(), make_profile()],
            members=[world.membership, world.other_membership],
            stage=Stage.values[n % 6],
        )
    for page in pages:
        with django_assert_max_num_queries(baseline[page]):
            client.get(page)
