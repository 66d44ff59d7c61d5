"""The feedback on the activity page, the overview per kind and the API, for the roles that may
see them; sending by hand from the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities.models import ActivityKind
from klyngekart.activities.tests.factories import make_activity
from klyngekart.activities.tests.feedback_helpers import attend, ended_activity, released_feedback
from klyngekart.core.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


def _detail(world, activity) -> str:
    return reverse("activities:detail", args=[world.cluster.slug, activity.pk])


def test_the_team_sends_the_feedback_by_hand_and_sees_the_progress(world, login, english):
    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 2)
    attend(activity, None, 1)
    client = login(world.users["staff"])
    page = client.get(_detail(world, activity)).content.decode()
    assert "Send the feedback survey now" in page
    response = client.post(
        reverse("activities:feedback_send", args=[world.cluster.slug, activity.pk]), follow=True
    )
    page = response.content.decode()
    assert "The feedback survey is sent to the attendees" in page
    assert "0 of 2 invited attendees have answered." in page
    assert "1 guest without a member company attended and was not asked." in page
    again = client.post(
        reverse("activities:feedback_send", args=[world.cluster.slug, activity.pk]), follow=True
    )
    assert "already been sent" in again.content.decode()


def test_no_send_button_before_the_end_nor_for_company_roles(world, login, english):
    upcoming = make_activity(cluster=world.cluster)
    assert (
        "Send the feedback survey"
        not in login(world.users["staff"]).get(_detail(world, upcoming)).content.decode()
    )
    ended = ended_activity(world.cluster)
    attend(ended, world.membership, 1)
    member_page = login(world.users["contact"]).get(_detail(world, ended)).content.decode()
    assert "Send the feedback survey" not in member_page
    url = reverse("activities:feedback_send", args=[world.cluster.slug, ended.pk])
    assert login(world.users["contact"]).post(url).status_code == 403


def test_released_figures_on_the_page_and_the_overview_hidden_under_k(world, login, english):
    shown = ended_activity(
        world.cluster, kind=ActivityKind.WEBINAR, title="Webinar om hydrogen", title_en="Hydrogen webinar"
    )
    attend(shown, world.membership, 5)
    few = ended_activity(
        world.cluster, kind=ActivityKind.WEBINAR, title="Webinar om batterier", title_en="Battery webinar"
    )
    attend(few, world.other_membership, 2)
    released_feedback(shown, {world.membership.pk: [5, 5, 4, 4, 4]}, ["course"])
    released_feedback(few, {world.other_membership.pk: [1, 2]})
    client = login(world.users["manager"])
    page = client.get(_detail(world, shown)).content.decode()
    assert "4.40" in page and "Innlegg 5" in page
    hidden = client.get(_detail(world, few)).content.decode()
    assert "Hidden: fewer than 5 attendees answered." in hidden
    overview = client.get(reverse("activities:feedback", args=[world.cluster.slug])).content.decode()
    assert "Hydrogen webinar" in overview and "Battery webinar" in overview
    assert "Worth the time: 4.40 on average, from 5 answers." in overview
    assert (
        login(world.users["contact"])
        .get(reverse("activities:feedback", args=[world.cluster.slug]))
        .status_code
        == 403
    )


def test_the_api_gives_released_figures_or_suppressed(world, client):
    shown = ended_activity(world.cluster)
    attend(shown, world.membership, 5)
    few = ended_activity(world.cluster)
    attend(few, world.membership, 1)
    released_feedback(shown, {world.membership.pk: [3, 4, 4, 4, 5]}, ["matchmaking"])
    released_feedback(few, {world.membership.pk: [2]})
    with scopes_disabled():
        _token, secret = api_token_create(user=world.users["advisor"], name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    base = f"/api/v1/clusters/{world.cluster.slug}"
    body = client.get(f"{base}/activities/{shown.pk}/feedback", **headers).json()
    assert body["status"] == "released"
    assert body["rating"] == {"suppressed": False, "mean": 4.0, "n": 5}
    assert body["wants_next"][0]["kind"] == "matchmaking" and body["wants_next"][0]["count"] == 5
    assert body["invited"] == 5 and body["completed"] == 5
    hidden = client.get(f"{base}/activities/{few.pk}/feedback", **headers).json()
    assert hidden["rating"] == {"suppressed": True, "mean": None, "n": None}
    assert hidden["wants_next"] is None and hidden["useful"] is None
    kinds = client.get(f"{base}/activity-feedback", **headers).json()
    assert kinds[0]["rating"]["n"] == 5
    assert {row["activity_id"]: row["rating"]["suppressed"] for row in kinds[0]["activities"]} == {
        shown.pk: False,
        few.pk: True,
    }


def test_the_team_hides_a_comment_from_the_activity_page(world, login, english):
    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 5)
    round_ = released_feedback(activity, {world.membership.pk: [5, 4, 4, 3, 4]})
    from klyngekart.surveys.models import ReleasedText

    with scopes_disabled():
        comment = ReleasedText.objects.filter(round=round_, question_key="useful", text="Innlegg 5").get()
    page = _detail(world, activity)
    manager = login(world.users["manager"])
    response = manager.post(
        reverse("results:comment_hide", args=[world.cluster.slug, round_.pk, comment.pk]),
        {"hidden": "1", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    assert "Innlegg 5" in manager.get(page).content.decode()  # the team still sees it, marked hidden
    assert "Innlegg 5" not in login(world.users["advisor"]).get(page).content.decode()
