import pytest
from django.urls import reverse
from icalendar import Calendar

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities.models import Audience
from klyngekart.activities.tests.factories import make_activity, make_registration

pytestmark = pytest.mark.django_db


def _feed_path(client) -> str:
    page = client.get(reverse("calendar:mine")).content.decode()
    start = page.index("http://testserver/calendar/")
    return page[start : page.index(".ics", start) + 4].removeprefix("http://testserver")


def test_the_personal_feed_lists_registrations_in_every_cluster(world, other_world, client) -> None:
    user = world.users["member"]
    here = make_activity(cluster=world.cluster, title="Her", title_en="Here")
    there = make_activity(cluster=other_world.cluster, audience=Audience.OPEN, title="Der", title_en="There")
    make_activity(cluster=world.cluster, title="Ikke påmeldt")
    make_registration(activity=here, user=user, email=user.email)
    make_registration(activity=there, user=user, email=user.email, status="waitlisted", position=1)
    make_registration(
        activity=make_activity(cluster=world.cluster, title="Avmeldt"), user=user, status="cancelled"
    )
    client.force_login(user)
    path = _feed_path(client)
    client.logout()
    # A calendar app fetches it without logging in.
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    titles = sorted(str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT"))
    assert titles == ["Der", "Her"]


def test_reset_gives_a_new_address_and_kills_the_old(world, client) -> None:
    client.force_login(world.users["staff"])
    old = _feed_path(client)
    client.post(reverse("calendar:mine"))
    new = _feed_path(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/" + "0" * 64 + ".ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404


def test_me_shows_the_same_address(world, client) -> None:
    user = world.users["contact"]
    client.force_login(user)
    path = _feed_path(client)
    _token, secret = api_token_create(user=user, name="t")
    body = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert body["calendar_feed"] == "http://testserver" + path


def test_the_calendar_page_needs_a_login(client) -> None:
    response = client.get(reverse("calendar:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
