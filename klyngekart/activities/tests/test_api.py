import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities.models import Activity, Audience, Registration
from klyngekart.activities.tests.factories import make_activity
from klyngekart.core.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


def _client(client, user):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def call(method: str, url: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    return call


def test_create_read_and_patch(world, client) -> None:
    call = _client(client, world.users["manager"])
    base = f"/api/v1/clusters/{world.cluster.slug}/activities"
    body = {
        "kind": "webinar",
        "title": "Webinar",
        "starts_at": "2027-01-10T09:00:00+01:00",
        "ends_at": "2027-01-10T10:00:00+01:00",
        "online_url": "https://meet.example.no/w",
        "audience": "chosen",
        "chosen_members": [world.membership.company.org_number],
        "capacity": 1,
    }
    created = call("post", base, body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["starts_at"].startswith("2027-01-10T08:00:00")
    assert data["chosen_members"] == [world.membership.company.org_number]
    assert data["registered"] == 0 and data["registration_deadline"] == data["starts_at"]
    one = f"{base}/{data['id']}"
    assert call("patch", one, {"capacity": 5, "place": "Gjøvik"}).json()["capacity"] == 5
    bad = call("patch", one, {"ends_at": "2027-01-09T10:00:00+01:00"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "payload", "ends_at"]
    assert call("post", base, {**body, "chosen_members": ["000000000"]}).status_code == 422
    # A member of a company not chosen does not see it.
    with scopes_disabled():
        Activity.objects.filter(pk=data["id"]).get().chosen_members.set([world.other_membership])
    assert _client(client, world.users["member"])("get", one).status_code == 404


def test_register_waitlist_twice_and_cancel_promotes(
    world, client, django_capture_on_commit_callbacks
) -> None:
    activity = make_activity(cluster=world.cluster, capacity=1, audience=Audience.MEMBERS)
    call = _client(client, world.users["staff"])
    url = f"/api/v1/clusters/{world.cluster.slug}/activities/{activity.pk}/registrations"
    org = world.membership.company.org_number
    first = call("post", url, {"email": "a@example.no", "org_number": org})
    assert first.status_code == 201 and first.json()["status"] == "registered"
    second = call("post", url, {"email": "b@example.no", "org_number": org})
    assert second.json() == {"id": second.json()["id"], "status": "waitlisted", "position": 1}
    twice = call("post", url, {"email": "A@example.no", "org_number": org})
    assert twice.status_code == 422 and "already registered" in twice.json()["detail"][0]["msg"]
    stranger = call("post", url, {"email": "noen@example.com"})
    assert stranger.status_code == 422 and "belongs to none" in stranger.json()["detail"][0]["msg"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = call("delete", f"{url}/{first.json()['id']}")
    assert cancelled.json()["status"] == "cancelled"
    with scopes_disabled():
        assert Registration.objects.get(pk=second.json()["id"]).status == "registered"
    assert [m.to for m in mail.outbox] == [["b@example.no"]]


def test_after_the_deadline_is_refused(world, client) -> None:
    activity = make_activity(
        cluster=world.cluster, registration_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    call = _client(client, world.users["member"])
    url = f"/api/v1/clusters/{world.cluster.slug}/activities/{activity.pk}/registrations"
    response = call("post", url, {"email": world.users["member"].email})
    assert response.status_code == 422 and "closed" in response.json()["detail"][0]["msg"]


def test_who_may_register_whom(world, client) -> None:
    activity = make_activity(cluster=world.cluster)
    url = f"/api/v1/clusters/{world.cluster.slug}/activities/{activity.pk}/registrations"
    member = _client(client, world.users["member"])
    assert member("post", url, {"email": "kollega@example.no"}).status_code == 403
    own = member("post", url, {"email": world.users["member"].email})
    assert own.status_code == 201
    contact = _client(client, world.users["contact"])
    assert contact("post", url, {"email": "kollega@example.no"}).status_code == 201
    neighbour = contact(
        "post", url, {"email": "nabo@example.no", "org_number": world.other_membership.company.org_number}
    )
    assert neighbour.status_code == 404
    # A member cannot cancel a colleague's registration; the contact can.
    with scopes_disabled():
        colleague = Registration.objects.get(email="kollega@example.no")
    assert member("delete", f"{url}/{colleague.pk}").status_code == 404
    assert contact("delete", f"{url}/{colleague.pk}").json()["status"] == "cancelled"


def test_calendar_feed_is_icalendar(world, client) -> None:
    make_activity(cluster=world.cluster, audience=Audience.OPEN, title="Åpen dag", title_en="Open day")
    response = _client(client, world.users["board"])(
        "get", f"/api/v1/clusters/{world.cluster.slug}/calendar.ics"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Open day"]
