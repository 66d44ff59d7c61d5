import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from klyngekart.activities.models import Activity, Audience, Registration
from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"activities:{name}", kwargs={"cluster_slug": world.cluster.slug, **kwargs})


def test_the_team_creates_an_activity_in_oslo_time(world, login) -> None:
    client = login(world.users["manager"])
    response = client.post(
        _url(world, "create"),
        {
            "kind": "webinar",
            "title": "Webinar om KI",
            "title_en": "Webinar on AI",
            "starts_at": "2027-06-01T09:00",
            "ends_at": "2027-06-01T10:30",
            "online_url": "https://meet.example.no/ki",
            "audience": "members",
            "capacity": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        activity = Activity.objects.get()
        assert AuditLog.objects.filter(action="activities.activity.created").exists()
    # 09:00 in Oslo in June (summer time, UTC+2) is 07:00 UTC.
    assert activity.starts_at == dt.datetime(2027, 6, 1, 7, 0, tzinfo=dt.UTC)
    assert activity.capacity is None
    page = client.get(_url(world, "detail", pk=activity.pk)).content.decode()
    assert "09:00" in page and "Webinar om KI" in page


def test_create_from_a_measure_takes_its_areas_and_interested_companies(world, login) -> None:
    measure = make_measure(cluster=world.cluster, areas=["a1"], title="Felles sveisekurs")
    MeasureInterestFactory(measure=measure, membership=world.other_membership)
    page = login(world.users["staff"]).get(_url(world, "create") + f"?measure={measure.pk}").content.decode()
    assert 'value="Felles sveisekurs"' in page
    assert re.search(rf'name="chosen_members" value="{world.other_membership.pk}"[^>]* checked', page)
    assert not re.search(rf'name="chosen_members" value="{world.membership.pk}"[^>]* checked', page)
    assert '<option value="chosen" selected>' in page
    detail = (
        login(world.users["staff"])
        .get(reverse("measures:detail", args=[world.cluster.slug, measure.pk]))
        .content.decode()
    )
    assert _url(world, "create") + f"?measure={measure.pk}" in detail


def test_list_and_month_and_filters(world, login) -> None:
    soon = make_activity(cluster=world.cluster, title="Kurs snart", kind="course")
    make_activity(cluster=world.cluster, title="Forum", kind="member_forum")
    past = make_activity(
        cluster=world.cluster,
        title="Gammelt kurs",
        kind="course",
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(hours=2),
    )
    client = login(world.users["member"])
    page = client.get(_url(world, "list") + "?kind=course").content.decode()
    assert "Kurs snart" in page and "Forum" not in page and "Gammelt kurs" not in page
    assert "Gammelt kurs" in client.get(_url(world, "list") + "?when=past").content.decode()
    local = timezone.localtime(soon.starts_at)
    month = client.get(_url(world, "list") + f"?view=month&month={local:%Y-%m}").content.decode()
    assert "Kurs snart" in month
    assert (
        past.title
        not in client.get(
            _url(world, "list") + f"?view=month&month={local:%Y-%m}&kind=member_forum"
        ).content.decode()
    )


def test_a_company_role_sees_chosen_activities_only_when_chosen(world, login) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.CHOSEN, title="Lukket møte")
    with scopes_disabled():
        activity.chosen_members.set([world.other_membership])
    client = login(world.users["member"])
    assert client.get(_url(world, "detail", pk=activity.pk)).status_code == 404
    assert "Lukket møte" not in client.get(_url(world, "list")).content.decode()
    with scopes_disabled():
        activity.chosen_members.add(world.membership)
    assert client.get(_url(world, "detail", pk=activity.pk)).status_code == 200


def test_a_member_registers_and_cancels_themselves(world, login) -> None:
    activity = make_activity(cluster=world.cluster, capacity=5)
    client = login(world.users["member"])
    client.post(_url(world, "register", pk=activity.pk), {"who": "me"})
    with scopes_disabled():
        registration = Registration.objects.get()
    assert registration.email == world.users["member"].email
    assert registration.membership == world.membership and registration.status == "registered"
    # A member may not register a colleague.
    client.post(
        _url(world, "register", pk=activity.pk),
        {"who": "other", "email": "kollega@example.no", "membership": world.membership.pk},
    )
    with scopes_disabled():
        assert Registration.objects.count() == 1
    client.post(_url(world, "cancel", pk=activity.pk, registration_pk=registration.pk))
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_contact_registers_a_colleague_but_not_another_company(world, login) -> None:
    activity = make_activity(cluster=world.cluster)
    client = login(world.users["contact"])
    client.post(
        _url(world, "register", pk=activity.pk),
        {"who": "other", "email": "kollega@example.no", "name": "Kollega", "membership": world.membership.pk},
    )
    client.post(
        _url(world, "register", pk=activity.pk),
        {"who": "other", "email": "nabo@example.no", "membership": world.other_membership.pk},
    )
    with scopes_disabled():
        assert list(Registration.objects.values_list("email", "membership")) == [
            ("kollega@example.no", world.membership.pk)
        ]


def test_staff_register_on_a_members_behalf_audited(world, login) -> None:
    activity = make_activity(cluster=world.cluster)
    login(world.users["staff"]).post(
        _url(world, "register", pk=activity.pk),
        {"who": "other", "email": "ansatt@example.no", "membership": world.other_membership.pk},
    )
    with scopes_disabled():
        registration = Registration.objects.get()
        log = AuditLog.objects.get(action="activities.registration.created")
    assert registration.membership == world.other_membership
    assert registration.registered_by == world.users["staff"]
    assert log.data["on_behalf"] is True


def test_a_member_cannot_cancel_someone_elses_registration(world, login) -> None:
    activity = make_activity(cluster=world.cluster)
    other = make_registration(activity=activity, membership=world.membership)
    response = login(world.users["member"]).post(
        _url(world, "cancel", pk=activity.pk, registration_pk=other.pk)
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "registered"


def test_the_cluster_feed_lists_public_activities(world, login) -> None:
    public = make_activity(cluster=world.cluster, audience=Audience.OPEN, title="Åpent seminar")
    make_activity(cluster=world.cluster, audience=Audience.MEMBERS, title="Medlemsforum")
    chosen = make_activity(cluster=world.cluster, audience=Audience.CHOSEN, title="Hemmelig")
    with scopes_disabled():
        chosen.chosen_members.set([world.membership])
    response = login(world.users["member"]).get(reverse("cluster_calendar", args=[world.cluster.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == ["Medlemsforum", "Åpent seminar"]
    assert any(str(e["uid"]).startswith(f"activity-{public.pk}@") for e in events)


def test_the_list_shows_coming_activities_soonest_first_and_past_ones_latest_first(world, login) -> None:
    now = timezone.now()
    later = make_activity(cluster=world.cluster, title="Om en måned", starts_at=now + dt.timedelta(days=30))
    sooner = make_activity(cluster=world.cluster, title="Om en uke", starts_at=now + dt.timedelta(days=7))
    long_ago = make_activity(cluster=world.cluster, title="I fjor", starts_at=now - dt.timedelta(days=300))
    lately = make_activity(cluster=world.cluster, title="Forrige uke", starts_at=now - dt.timedelta(days=7))
    client = login(world.users["manager"])
    url = reverse("activities:list", args=[world.cluster.slug])

    def order(query: str, titles: list[str]) -> list[str]:
        body = client.get(url + query).content.decode()
        return sorted(titles, key=body.index)

    assert order("?when=upcoming", [later.title, sooner.title]) == [sooner.title, later.title]
    assert order("?when=past", [long_ago.title, lately.title]) == [lately.title, long_ago.title]
