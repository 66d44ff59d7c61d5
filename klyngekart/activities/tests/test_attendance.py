import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klyngekart.accounts.tokens import api_token_create
from klyngekart.activities import services
from klyngekart.activities.models import Attendance, Registration
from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled

pytestmark = pytest.mark.django_db


def _multi_day(world):
    zone = timezone.get_current_timezone()
    start = dt.datetime(2027, 3, 8, 9, 0, tzinfo=zone)
    return make_activity(
        cluster=world.cluster, starts_at=start, ends_at=start + dt.timedelta(days=2, hours=7)
    )


def test_check_in_per_day_and_undo(world) -> None:
    activity = _multi_day(world)
    assert activity.days == [dt.date(2027, 3, 8), dt.date(2027, 3, 9), dt.date(2027, 3, 10)]
    registration = make_registration(activity=activity, membership=world.membership)
    staff = world.users["staff"]
    with scope(world.cluster):
        services.attendance_check_in(registration=registration, day=dt.date(2027, 3, 8), actor=staff)
        services.attendance_check_in(registration=registration, day=dt.date(2027, 3, 9), actor=staff)
        services.attendance_check_in(registration=registration, day=dt.date(2027, 3, 9), actor=staff)
        assert registration.status == "attended"
        assert Attendance.objects.filter(registration=registration).count() == 2
        with pytest.raises(ValidationError):
            services.attendance_check_in(registration=registration, day=dt.date(2027, 3, 11), actor=staff)
        services.attendance_undo(registration=registration, day=dt.date(2027, 3, 9), actor=staff)
        assert registration.status == "attended"
        services.attendance_undo(registration=registration, day=dt.date(2027, 3, 8), actor=staff)
        registration.refresh_from_db()
        assert registration.status == "registered"
        assert AuditLog.objects.filter(action="activities.attendance.checked_in").count() == 2
        assert AuditLog.objects.filter(action="activities.attendance.undone").count() == 2


def test_a_waitlisted_person_cannot_be_checked_in(world) -> None:
    activity = make_activity(
        cluster=world.cluster, starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1)
    )
    waiting = make_registration(activity=activity, status="waitlisted", position=1)
    with scope(world.cluster), pytest.raises(ValidationError):
        services.attendance_check_in(
            registration=waiting, day=timezone.localdate(), actor=world.users["staff"]
        )


def test_after_the_activity_the_rest_did_not_show_up(world) -> None:
    past = timezone.now() - dt.timedelta(days=1)
    activity = make_activity(cluster=world.cluster, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    came = make_registration(activity=activity, status="attended")
    stayed_away = make_registration(activity=activity)
    with scope(world.cluster):
        assert services.attendance_close(activity=activity, actor=world.users["staff"]) == 1
        stayed_away.refresh_from_db()
        came.refresh_from_db()
    assert (came.status, stayed_away.status) == ("attended", "no_show")
    future = make_activity(cluster=world.cluster)
    with scope(world.cluster), pytest.raises(ValidationError):
        services.attendance_close(activity=future, actor=world.users["staff"])


def test_the_check_in_page_searches_ticks_and_undoes(world, login) -> None:
    activity = _multi_day(world)
    kari = make_registration(activity=activity, name="Kari Nordmann", membership=world.membership)
    make_registration(activity=activity, name="Ola Hansen")
    make_registration(activity=activity, name="Kari Venter", status="waitlisted", position=1)
    client = login(world.users["staff"])
    url = reverse("activities:check_in", args=[world.cluster.slug, activity.pk])
    page = client.get(url + "?q=kari&day=2027-03-09").content.decode()
    assert "Kari Nordmann" in page and "Ola Hansen" not in page and "Kari Venter" not in page
    assert 'value="2027-03-09" selected' in page
    response = client.post(url, {"registration": kari.pk, "day": "2027-03-09", "q": "kari"})
    assert (
        response.status_code == 302
        and "day=2027-03-09" in response["Location"]
        and "q=kari" in response["Location"]
    )
    with scopes_disabled():
        assert list(Attendance.objects.values_list("day", flat=True)) == [dt.date(2027, 3, 9)]
    client.post(url, {"registration": kari.pk, "day": "2027-03-09", "action": "undo"})
    with scopes_disabled():
        assert not Attendance.objects.exists()
    # A member cannot open the check-in list.
    assert login(world.users["member"]).get(url).status_code == 403


def test_the_qr_code_leads_staff_to_check_in(world, login) -> None:
    now = timezone.now()
    activity = make_activity(
        cluster=world.cluster, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2)
    )
    member = world.users["member"]
    registration = make_registration(
        activity=activity, user=member, email=member.email, membership=world.membership
    )
    detail = (
        login(member)
        .get(reverse("activities:detail", args=[world.cluster.slug, activity.pk]))
        .content.decode()
    )
    assert "<svg" in detail
    target = reverse("activities:check_in_one", args=[world.cluster.slug, activity.pk, registration.pk])
    # The member who shows the code cannot check themselves in.
    assert login(member).post(target).status_code == 403
    staff = login(world.users["staff"])
    assert registration.name in staff.get(target).content.decode()
    staff.post(target)
    with scopes_disabled():
        registration.refresh_from_db()
        assert registration.status == "attended"
        assert Attendance.objects.get().day == timezone.localdate()


def test_api_checks_in(world, client) -> None:
    activity = _multi_day(world)
    registration = make_registration(activity=activity)
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    base = f"/api/v1/clusters/{world.cluster.slug}/activities/{activity.pk}"
    url = f"{base}/registrations/{registration.pk}/attendance"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(url, {"day": "2027-03-10"}, content_type="application/json", **headers)
    assert response.json() == {"id": registration.pk, "status": "attended", "position": None}
    bad = client.post(url, {"day": "2027-04-01"}, content_type="application/json", **headers)
    assert bad.status_code == 422
    with scopes_disabled():
        assert Registration.objects.get(pk=registration.pk).attendances.count() == 1
