import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from klyngekart.activities import services
from klyngekart.activities.models import Activity, Audience, Registration, RegistrationStatus
from klyngekart.activities.tests.factories import make_activity
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _register(world, activity, email, **kwargs):
    with scope(world.cluster):
        return services.registration_create(
            activity=activity, actor=world.users["staff"], email=email, **kwargs
        )


def _data(**overrides):
    start = timezone.now() + dt.timedelta(days=10)
    return {
        "kind": "course",
        "title": "Kurs i robotsveising",
        "title_en": "Robot welding course",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=6),
        "place": "Raufoss",
        "capacity": 2,
        "audience": "members",
        "areas": [],
        **overrides,
    }


def test_activity_create_is_audited_and_validated(world) -> None:
    with scope(world.cluster):
        activity = services.activity_create(cluster=world.cluster, actor=world.users["manager"], data=_data())
        assert AuditLog.objects.filter(
            action="activities.activity.created", object_id=str(activity.pk)
        ).exists()
        with pytest.raises(ValidationError) as error:
            services.activity_create(
                cluster=world.cluster,
                actor=world.users["manager"],
                data=_data(ends_at=timezone.now(), place="", online_url=""),
            )
        assert {"ends_at", "place"} <= set(error.value.message_dict)
        with pytest.raises(ValidationError) as chosen:
            services.activity_create(
                cluster=world.cluster, actor=world.users["manager"], data=_data(audience="chosen")
            )
        assert "chosen_members" in chosen.value.message_dict
        with pytest.raises(ValidationError):
            services.activity_create(
                cluster=world.cluster,
                actor=world.users["manager"],
                data=_data(areas=["nope"]),
                area_codes=["a"],
            )
        assert Activity.objects.count() == 1


def test_a_full_activity_waitlists_in_order(world) -> None:
    activity = make_activity(cluster=world.cluster, capacity=2, audience=Audience.OPEN)
    statuses = [_register(world, activity, f"p{n}@example.no") for n in range(4)]
    assert [(r.status, r.position) for r in statuses] == [
        ("registered", None),
        ("registered", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]


def test_registering_twice_is_refused_with_a_clear_message(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN)
    _register(world, activity, "kari@example.no")
    with pytest.raises(ValidationError) as error:
        _register(world, activity, "KARI@example.no ")
    assert "allerede påmeldt" in error.value.messages[0]


def test_after_the_deadline_registration_is_refused(world) -> None:
    activity = make_activity(
        cluster=world.cluster,
        audience=Audience.OPEN,
        registration_deadline=timezone.now() - dt.timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as error:
        _register(world, activity, "sen@example.no")
    assert "stengte" in error.value.messages[0]
    with scopes_disabled():
        assert not Registration.objects.exists()


def test_members_only_refuses_an_address_from_no_member_company(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.MEMBERS)
    with pytest.raises(ValidationError) as error:
        _register(world, activity, "utenforstaende@example.com")
    assert "hører ikke til noen" in error.value.messages[0]
    # The member user's address is found through the company role and linked to the company.
    registration = _register(world, activity, world.users["member"].email)
    assert registration.membership == world.membership


def test_chosen_members_only(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.CHOSEN)
    with scopes_disabled():
        activity.chosen_members.set([world.other_membership])
    with pytest.raises(ValidationError) as error:
        _register(world, activity, world.users["member"].email)
    assert "ikke blant dem" in error.value.messages[0]
    assert (
        _register(world, activity, "x@example.no", membership=world.other_membership).status == "registered"
    )


def test_a_guest_registers_for_an_open_activity(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN)
    registration = _register(world, activity, "gjest@example.com", name="Gjest")
    assert registration.membership is None and registration.status == "registered"


def test_confirmation_mail_is_in_the_recipients_language_with_an_ics(
    world, django_capture_on_commit_callbacks
) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        _register(world, activity, "en@example.com", language="en")
        _register(world, activity, "nb@example.no", language="nb")
    english, norwegian = mail.outbox
    assert english.to == ["en@example.com"] and "you are registered" in english.subject
    assert activity.title_en in english.subject
    name, content, mimetype = english.attachments[0]
    assert name == "activity.ics" and mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == activity.title_en
    assert event.decoded("dtstart") == activity.starts_at.replace(microsecond=0)
    assert "venteliste" in norwegian.subject and not norwegian.attachments


def test_cancel_promotes_the_first_waitlisted_and_mails_them(
    world, django_capture_on_commit_callbacks
) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN, capacity=1)
    first = _register(world, activity, "a@example.no")
    second = _register(world, activity, "b@example.no")
    third = _register(world, activity, "c@example.no")
    mail.outbox.clear()
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=first, actor=world.users["staff"])
    assert promoted == [second]
    with scopes_disabled():
        second.refresh_from_db()
        third.refresh_from_db()
    assert (second.status, second.position) == ("registered", None)
    assert (third.status, third.position) == ("waitlisted", 1)
    assert first.status == "cancelled"
    assert [m.to for m in mail.outbox] == [["b@example.no"]]
    assert "ledig plass" in mail.outbox[0].subject
    with scopes_disabled():
        assert AuditLog.objects.filter(action="activities.registration.promoted").count() == 1
    # Cancelling twice is refused; the address can register again after a cancellation.
    with scope(world.cluster), pytest.raises(ValidationError):
        services.registration_cancel(registration=first, actor=world.users["staff"])
    assert _register(world, activity, "a@example.no").status == "waitlisted"


def test_cancelling_a_waitlisted_place_renumbers_the_list(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN, capacity=1)
    _register(world, activity, "a@example.no")
    b = _register(world, activity, "b@example.no")
    c = _register(world, activity, "c@example.no")
    with scope(world.cluster):
        assert services.registration_cancel(registration=b, actor=world.users["staff"]) == []
        c.refresh_from_db()
    assert c.position == 1


def test_more_seats_promote_the_waiting_list(world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.OPEN, capacity=1)
    for n in range(3):
        _register(world, activity, f"p{n}@example.no")
    with scope(world.cluster):
        services.activity_update(activity=activity, actor=world.users["manager"], data={"capacity": 2})
        statuses = list(Registration.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]


def test_registrations_of_another_clusters_membership_are_not_linked(world, other_world) -> None:
    activity = make_activity(cluster=world.cluster, audience=Audience.MEMBERS)
    foreign = MembershipFactory(cluster=other_world.cluster)
    with pytest.raises(ValidationError):
        _register(world, activity, "x@example.no", membership=foreign)
