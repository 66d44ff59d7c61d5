from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.needs.models import MembershipStrategy
from klyngekart.needs.services import strategy_year_lock
from klyngekart.needs.tests.conftest import mapping
from klyngekart.needs.tests.factories import THIS_YEAR, MembershipStrategyFactory

pytestmark = pytest.mark.django_db


def url(world, name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"strategy:{name}", kwargs={"cluster_slug": world.cluster.slug, **kwargs})


def edit_url(world, membership=None, year: int = THIS_YEAR) -> str:  # type: ignore[no-untyped-def]
    return url(world, "edit", pk=(membership or world.membership).pk, year=year)


def _strategy(world):  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return MembershipStrategy.objects.filter(membership=world.membership, year=THIS_YEAR).first()


# The company contact


def test_the_contact_sees_its_own_companys_strategies_by_year(world, english, login):
    MembershipStrategyFactory(membership=world.membership, year=THIS_YEAR - 1, status="submitted")
    MembershipStrategyFactory(membership=world.other_membership, year=THIS_YEAR - 1)

    response = login(world.users["contact"]).get(url(world, "index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert world.membership.company.name in body
    assert world.other_membership.company.name not in body
    assert str(THIS_YEAR - 1) in body and "Submitted" in body
    assert edit_url(world) in body


def test_the_form_marks_the_areas_suggested_from_the_mapping(world, areas, english, login):
    mapping(world, n=6, gaps={"lean": (6, 12), "export": (6, 6)})

    response = login(world.users["contact"]).get(edit_url(world))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-size="sm">suggested from your mapping</span>') == 2
    # Hidden areas of the taxonomy are not offered.
    assert 'value="hidden-area"' not in body
    assert 'value="robotics"' in body


def test_below_k_the_form_says_the_mapping_has_too_few_answers(world, areas, english, login):
    mapping(world, n=3, gaps={"lean": (3, 12)})

    body = login(world.users["contact"]).get(edit_url(world)).content.decode()

    assert "too few answers" in body
    assert ">suggested from your mapping</span>" not in body


def test_saving_a_draft_then_submitting(world, areas, english, login):
    client = login(world.users["contact"])
    data = {
        "action": "save",
        "goal_categories": ["competence", "network"],
        "goals_text": "Bli bedre på automatisering.",
        "priority_areas": ["lean"],
        "review_value": "",
    }
    response = client.post(edit_url(world), data)
    assert response.status_code == 302 and response["Location"] == edit_url(world)
    strategy = _strategy(world)
    assert strategy.status == "draft" and strategy.priority_areas == ["lean"]
    assert strategy.updated_by == world.users["contact"]

    response = client.post(edit_url(world), {**data, "action": "submit"}, follow=True)

    assert response.status_code == 200
    assert "submitted to the cluster" in response.content.decode()
    assert _strategy(world).status == "submitted"


def test_a_refused_submission_keeps_what_was_typed(world, areas, english, login):
    client = login(world.users["contact"])
    response = client.post(
        edit_url(world), {"action": "submit", "expectations": "Flere møteplasser i Bergen"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one goal" in body
    assert "Flere møteplasser i Bergen" in body
    strategy = _strategy(world)
    assert strategy.status == "draft" and strategy.expectations == "Flere møteplasser i Bergen"


def test_an_unknown_area_is_refused_beside_the_field(world, areas, english, login):
    response = login(world.users["contact"]).post(
        edit_url(world), {"action": "save", "priority_areas": ["nope"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _strategy(world) is None


def test_a_locked_year_cannot_be_edited(world, areas, english, login):
    MembershipStrategyFactory(membership=world.membership, goals_text="Før låsing")
    strategy_year_lock(cluster=world.cluster, year=THIS_YEAR, actor=world.users["manager"])
    client = login(world.users["contact"])

    response = client.get(edit_url(world), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert response.redirect_chain[-1][0] == url(world, "detail", pk=world.membership.pk, year=THIS_YEAR)

    client.post(edit_url(world), {"action": "save", "goals_text": "Etter låsing"})
    assert _strategy(world).goals_text == "Før låsing"


@pytest.mark.parametrize("name", ["company", "detail", "edit"])
def test_the_contact_cannot_reach_another_companys_strategy(world, login, name):
    MembershipStrategyFactory(membership=world.other_membership)
    kwargs = {"pk": world.other_membership.pk}
    if name != "company":
        kwargs["year"] = THIS_YEAR
    client = login(world.users["contact"])

    assert client.get(url(world, name, **kwargs)).status_code == 404
    if name == "edit":
        assert client.post(url(world, name, **kwargs), {"goals_text": "x"}).status_code == 404
        with scopes_disabled():
            assert MembershipStrategy.objects.get(membership=world.other_membership).goals_text != "x"


def test_a_year_out_of_range_is_not_found(world, login):
    assert login(world.users["contact"]).get(edit_url(world, year=1850)).status_code == 404


# The cluster team


def test_the_overview_lists_every_member_with_status_goals_and_a_chart(world, areas, english, login):
    MembershipStrategyFactory(
        membership=world.membership, status="submitted", goal_categories=["network"], priority_areas=["lean"]
    )

    response = login(world.users["staff"]).get(url(world, "index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert world.membership.company.name in body and world.other_membership.company.name in body
    assert "Not started" in body and "Network" in body
    chart = response.context["goal_chart"]["data"]["values"]
    assert {"code": "network", "label": "Network", "count": 1} in chart
    assert url(world, "detail", pk=world.membership.pk, year=THIS_YEAR) in body
    assert url(world, "lock") in body


def test_the_overview_of_another_year(world, english, login):
    MembershipStrategyFactory(membership=world.membership, year=THIS_YEAR - 1, status="submitted")
    response = login(world.users["manager"]).get(url(world, "index"), {"year": THIS_YEAR - 1})
    assert response.context["overview"].submitted == 1
    assert response.context["overview"].year == THIS_YEAR - 1


def test_board_and_advisor_read_the_overview_without_locking(world, english, login):
    for role in ("board", "advisor"):
        body = login(world.users[role]).get(url(world, "index")).content.decode()
        assert "Members&#x27; strategies" in body or "Members' strategies" in body
        assert url(world, "lock") not in body
    # A board viewer reads the aggregate overview, not a member's strategy itself.
    board_body = login(world.users["board"]).get(url(world, "index")).content.decode()
    assert url(world, "detail", pk=world.membership.pk, year=THIS_YEAR) not in board_body


def test_the_team_reads_a_members_strategy_without_editing_it(world, areas, english, login):
    MembershipStrategyFactory(membership=world.membership, priority_areas=["lean"], review_text="Godt år")

    response = login(world.users["manager"]).get(url(world, "detail", pk=world.membership.pk, year=THIS_YEAR))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Godt år" in body and "Competence, Network" in body
    assert edit_url(world) not in body
    assert login(world.users["manager"]).get(edit_url(world)).status_code == 403


def test_the_manager_locks_and_unlocks_a_year(world, english, login):
    client = login(world.users["manager"])

    response = client.post(url(world, "lock"), {"year": THIS_YEAR}, follow=True)
    assert "are locked" in response.content.decode()
    assert response.context["overview"].locked

    response = client.post(url(world, "unlock"), {"year": THIS_YEAR}, follow=True)
    assert not response.context["overview"].locked


@pytest.mark.parametrize(
    ("name", "message"), [("lock", "Choose a year to lock."), ("unlock", "Choose a year to open.")]
)
@pytest.mark.parametrize("posted", [{}, {"year": ""}, {"year": "1066"}, {"year": "twenty"}])
def test_locking_or_unlocking_without_a_year_asks_for_one(world, english, login, name, message, posted):
    client = login(world.users["manager"])

    response = client.post(url(world, name), posted, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not response.context["overview"].locked


def test_a_member_user_has_no_strategy_pages(world, login):
    client = login(world.users["member"])
    assert client.get(url(world, "index")).status_code == 403
    assert client.post(url(world, "lock"), {"year": THIS_YEAR}).status_code == 403


def test_the_member_page_links_to_the_strategies(world, english, login):
    MembershipStrategyFactory(membership=world.membership, status="submitted")
    detail = reverse("members:detail", kwargs={"cluster_slug": world.cluster.slug, "pk": world.membership.pk})

    body = login(world.users["staff"]).get(detail).content.decode()

    assert "Membership strategy" in body
    assert url(world, "company", pk=world.membership.pk) in body
    assert url(world, "detail", pk=world.membership.pk, year=THIS_YEAR) in body


def test_the_nav_has_the_entry_for_the_roles_that_may_open_it(world, english, login):
    home = reverse("cluster:home", kwargs={"cluster_slug": world.cluster.slug})
    assert url(world, "index") in login(world.users["contact"]).get(home).content.decode()
    assert url(world, "index") not in login(world.users["member"]).get(home).content.decode()


def test_a_cluster_that_has_not_touched_its_areas_gets_the_default_set(world, english, login):
    body = login(world.users["contact"]).get(edit_url(world)).content.decode()
    assert 'value="digital-data-analytics"' in body


def test_the_form_shows_the_saved_review(world, english, login):
    MembershipStrategyFactory(membership=world.membership, review_goals_reached="partly", review_value=4)
    body = login(world.users["contact"]).get(edit_url(world)).content.decode()
    assert 'value="partly" id="id_review_goals_reached_2" checked' in body
    assert 'value="4" id="id_review_value_4" checked' in body
    assert 'value="" id="id_review_value_0" checked' not in body


def test_saving_a_submitted_strategy_says_so_and_the_detail_names_the_status_once(
    world, areas, english, login
):
    client = login(world.users["contact"])
    data = {
        "action": "submit",
        "goal_categories": ["competence"],
        "goals_text": "Bli bedre på automatisering.",
        "priority_areas": ["lean"],
        "review_value": "",
    }
    client.post(edit_url(world), data)
    assert _strategy(world).status == "submitted"

    body = client.post(edit_url(world), {**data, "action": "save"}, follow=True).content.decode()

    assert "Your draft is saved" not in body
    assert "Your changes are saved. The strategy is still submitted to the cluster." in body
    assert _strategy(world).status == "submitted"
    detail = client.get(url(world, "detail", pk=world.membership.pk, year=THIS_YEAR)).content.decode()
    assert detail.lower().count("submitted") == 1 + detail.lower().count("submitted to")
    assert "Submitted submitted" not in detail and "Submitted </span>" not in detail


def test_a_refused_submission_lists_its_errors_at_the_top_with_links(world, areas, english, login):
    body = (
        login(world.users["contact"])
        .post(edit_url(world), {"action": "submit", "priority_areas": ["nope"]})
        .content.decode()
    )
    summary = body.split('id="kk-error-summary"')[1].split("</div>")[0]
    assert 'href="#id_priority_areas_0"' in summary
    assert 'id="id_priority_areas_0"' in body
    assert body.index('id="kk-error-summary"') < body.index('<form method="post" class="kk-form"')


def test_the_year_select_shows_the_year_the_page_shows(world, login):
    from django.utils import timezone

    this_year = timezone.localdate().year
    client = login(world.users["manager"])
    body = client.get(f"/c/{world.cluster.slug}/strategy/").content.decode()
    assert f'<option value="{this_year}" selected>' in body
    assert f'<option value="{this_year + 1}" selected>' not in body
    chosen = client.get(f"/c/{world.cluster.slug}/strategy/?year={this_year - 1}").content.decode()
    assert f'<option value="{this_year - 1}" selected>' in chosen
    # A year off the list: the page shows this year, and so does the select.
    wrong = client.get(f"/c/{world.cluster.slug}/strategy/?year=1900").content.decode()
    assert f'<option value="{this_year}" selected>' in wrong
