"""Journey (issue 14): a member registers for a one-seat course, a contact joins the waiting
list, the member cancels and the contact moves up with a mail, staff check the contact in by
opening the registration's QR address on a phone, and after the course has ended staff send its
feedback survey and the contact answers it from the invitation mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, PHONE, App
from klyngekart.accounts.models import User
from klyngekart.activities.models import Activity, Registration
from klyngekart.activities.services import activity_create
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.surveys.models import RoundCompany

MEMBER = "member@demo.klyngekart.no"
CONTACT = "contact@demo.klyngekart.no"
TITLE = "Kurs i fôringsteknologi (én plass)"


def _one_seat_course() -> int:
    cluster = Cluster.objects.get(slug=DEMO_SLUG)
    start = timezone.now() + timedelta(days=10)
    with scope(cluster):
        activity = activity_create(
            cluster=cluster,
            actor=User.objects.get(email="manager@demo.klyngekart.no"),
            data={
                "kind": "course",
                "title": TITLE,
                "starts_at": start,
                "ends_at": start + timedelta(hours=3),
                "place": "Bergen",
                "capacity": 1,
                "audience": "members",
            },
        )
    return activity.pk


def _status(activity_id: int, email: str) -> str:
    with scope(Cluster.objects.get(slug=DEMO_SLUG)):
        return (
            Registration.objects.filter(activity_id=activity_id, email__iexact=email)
            .exclude(status="cancelled")
            .values_list("status", flat=True)
            .get()
        )


def test_waiting_list_moves_up_and_staff_check_in_by_qr(new_app: Callable[..., App]) -> None:
    activity_id = _one_seat_course()
    url = f"activities/{activity_id}/"

    member = new_app()
    member.log_in(MEMBER)
    member.page.goto(member.cluster_url(url))
    member.page.get_by_role("button", name="Meld meg på").click()
    member.page.wait_for_load_state()
    assert _status(activity_id, MEMBER) == "registered"

    contact = new_app(viewport=PHONE, is_mobile=True, has_touch=True)
    contact.log_in(CONTACT)
    contact.page.goto(contact.cluster_url(url))
    contact.page.get_by_role("button", name="Sett meg på ventelisten").click()
    contact.page.wait_for_load_state()
    assert _status(activity_id, CONTACT) == "waitlisted"

    # The member cancels; the contact gets the seat and a mail that says so.
    mail.outbox.clear()
    member.page.goto(member.cluster_url(url))
    member.page.get_by_role("button", name="Meld meg av").click()
    member.page.wait_for_load_state()
    assert _status(activity_id, CONTACT) == "registered"
    assert [message.to for message in mail.outbox] == [[CONTACT]]
    assert TITLE in mail.outbox[0].subject + mail.outbox[0].body

    # The contact's page shows the QR code that staff scan; it leads to the registration's check-in.
    contact.page.goto(contact.cluster_url(url))
    expect(contact.page.locator("main .kk-qr svg")).to_be_visible()
    with scope(Cluster.objects.get(slug=DEMO_SLUG)):
        registration = Registration.objects.get(
            activity_id=activity_id, email__iexact=CONTACT, status="registered"
        )
    check_in_path = f"/c/{DEMO_SLUG}/activities/{activity_id}/check-in/{registration.pk}/"
    contact.screenshot("activity-phone.png")

    staff = new_app(viewport=PHONE, is_mobile=True, has_touch=True)
    staff.log_in("staff@demo.klyngekart.no")
    staff.page.goto(staff.url(check_in_path))
    staff.page.locator("main form button[type=submit]").first.click()
    staff.page.wait_for_load_state()
    assert _status(activity_id, CONTACT) == "attended"
    staff.page.goto(staff.cluster_url(f"activities/{activity_id}/check-in/"))
    expect(staff.page.locator("main")).to_contain_text("Silje Myklebust")
    width = staff.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the check-in list is {width}px wide on a phone"
    staff.screenshot("check-in-phone.png")

    manager = new_app()
    manager.log_in()
    manager.page.goto(manager.cluster_url("activities/"))
    expect(manager.page.locator("main")).to_contain_text(TITLE)
    manager.screenshot("activities.png")

    # The course ends. Staff send its feedback survey from the activity page (the morning task
    # would do it next day); the contact, the one attendee, gets a personal invitation.
    with scope(Cluster.objects.get(slug=DEMO_SLUG)):
        now = timezone.now()
        Activity.objects.filter(pk=activity_id).update(
            starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=1), registration_deadline=None
        )
    mail.outbox.clear()
    staff.page.goto(staff.cluster_url(url))
    staff.page.get_by_role("button", name="Send tilbakemeldingsundersøkelsen nå").click()
    staff.page.wait_for_load_state()
    expect(staff.page.locator("#feedback")).to_contain_text("0 av 1 invitert deltaker har svart.")
    assert [message.to for message in mail.outbox] == [[CONTACT]]
    invitation = mail.outbox[0]
    assert "Takk for at du deltok." in invitation.body
    found = re.search(r"/s/[\w-]+/", invitation.body)
    assert found is not None, invitation.body

    contact.page.goto(contact.url(found.group(0)))
    contact.page.locator("main a.ds-button").first.click()
    contact.page.locator("input[name=rating][value='5']").check()
    contact.page.locator("textarea[name=useful]").fill("Praktiske eksempler fra fôringsanlegg.")
    contact.page.locator("input[name=next_kinds][value=webinar]").check()
    contact.screenshot("activity-feedback-phone.png")
    contact.page.locator("button[name=action][value=next]").click()
    expect(contact.page).to_have_url(re.compile(r"/thanks/(\?.*)?$"))
    with scope(Cluster.objects.get(slug=DEMO_SLUG)):
        round_id = Activity.objects.get(pk=activity_id).feedback_round_id
        counts = RoundCompany.objects.filter(round_id=round_id).values_list("completed_count", flat=True)
        assert sum(counts) == 1
    staff.page.goto(staff.cluster_url(url))
    expect(staff.page.locator("#feedback")).to_contain_text("1 av 1 invitert deltaker har svart.")

    # The demo's released feedback, per type of activity (one activity too small to show).
    manager.page.goto(manager.cluster_url("activities/feedback/"))
    expect(manager.page.locator("main")).to_contain_text("Webinar: KI i fôringsstyring")
    expect(manager.page.locator("main")).to_contain_text("skjult")
    manager.screenshot("activity-feedback.png")
    assert member.console_errors == contact.console_errors == staff.console_errors == []
    assert manager.console_errors == []
