"""Journey (issue 14): a member registers for a one-seat course, a contact joins the waiting
list, the member cancels and the contact moves up with a mail, and staff check the contact in by
opening the registration's QR address on a phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import DEMO_SLUG, PHONE, App
from klyngekart.accounts.models import User
from klyngekart.activities.models import Registration
from klyngekart.activities.services import activity_create
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope

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
    assert member.console_errors == contact.console_errors == staff.console_errors == []
