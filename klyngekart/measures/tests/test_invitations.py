"""Inviting companies to a measure: confirm first (who gets it, at which address, in which
language), record what was sent to whom and when, and never mail a company twice by accident."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from klyngekart.accounts.models import User
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.measures import services
from klyngekart.measures.models import MeasureInvitation
from klyngekart.measures.tests.factories import make_measure
from klyngekart.measures.tests.test_services import _gap
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.surveys.models import Round
from klyngekart.surveys.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db

CONTACT = "contact@alfa.example.no"


@pytest.fixture
def needy(world) -> Any:  # type: ignore[no-untyped-def]
    """A measure whose need two companies have: one with a Norwegian and an English contact."""
    round_: Round = RoundFactory(cluster=world.cluster, status="closed")  # type: ignore[assignment]
    _gap(round_, world.membership, "lean", n=6, mean_gap=2)
    _gap(round_, world.other_membership, "lean", n=6, mean_gap=2)
    ContactFactory(
        membership=world.membership, cluster=world.cluster, email="sjef@example.no", is_primary=True
    )
    ContactFactory(membership=world.membership, cluster=world.cluster, email="Chief@Example.com")
    ContactFactory(membership=world.other_membership, cluster=world.cluster, email="leder@example.no")
    with scopes_disabled():
        User.objects.create_user(email="chief@example.com", password="x-long-enough-9", language="en")
        User.objects.create_user(email="leder@example.no", password="x-long-enough-9", language="nb")
    return make_measure(cluster=world.cluster, title="Lean sammen", areas=["lean"], source_round=round_)


def _url(world, measure, name: str = "measures:invite") -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[world.cluster.slug, measure.pk])


def test_the_confirmation_shows_who_will_get_it_and_sends_nothing(world, needy, login) -> None:
    client = login(world.users["manager"])
    body = client.get(_url(world, needy)).content.decode()
    assert world.membership.name in body and world.other_membership.name in body
    assert "sjef@example.no (nb)" in body and "chief@example.com (en)" in body
    assert mail.outbox == []
    with scopes_disabled():
        assert not MeasureInvitation.objects.exists()


def test_sending_records_each_company_mails_each_person_in_their_language_and_never_twice(
    world, needy, login, django_capture_on_commit_callbacks
) -> None:
    client = login(world.users["manager"])
    choice = {"companies": [world.membership.pk, world.other_membership.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, needy), choice)
    assert response.status_code == 302
    # One mail per person, each in their own language.
    by_address = {message.to[0]: message for message in mail.outbox}
    # The world's contact user is a contact of the first company too.
    assert set(by_address) == {"sjef@example.no", "chief@example.com", "leder@example.no", CONTACT}
    assert "joint measure" in by_address["chief@example.com"].body
    assert "felles" in by_address["sjef@example.no"].body.lower()
    with scopes_disabled():
        invitations = list(MeasureInvitation.objects.order_by("membership_id"))
        audit = AuditLog.objects.get(action="measures.measure.invited")
    assert len(invitations) == 2 and all(
        i.sent_at and i.sent_by == world.users["manager"] for i in invitations
    )
    assert {tuple(sorted(i.addresses)) for i in invitations} == {
        ("chief@example.com", CONTACT, "sjef@example.no"),
        ("leder@example.no",),
    }
    assert audit.data["count"] == 2

    # The measure page shows what went to whom and when.
    page = client.get(_url(world, needy, "measures:detail")).content.decode()
    assert "sjef@example.no, chief@example.com" in page
    assert "leder@example.no" in page

    # A second click (or a reload of the POST) mails no one.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world, needy), choice)
    assert len(mail.outbox) == 4
    with scopes_disabled():
        assert MeasureInvitation.objects.count() == 2

    # Asked for explicitly, "send again to these" mails that company once more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world, needy), {"again": [world.other_membership.pk]})
    assert [message.to for message in mail.outbox[4:]] == [["leder@example.no"]]
    with scopes_disabled():
        again = MeasureInvitation.objects.filter(resent=True).get()
    assert again.membership_id == world.other_membership.pk


def test_an_unticked_company_is_not_mailed(world, needy, login, django_capture_on_commit_callbacks) -> None:
    client = login(world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(world, needy), {"companies": [world.other_membership.pk]})
    assert {message.to[0] for message in mail.outbox} == {"leder@example.no"}
    # The confirmation page now offers the other company as new and this one as "send again".
    body = client.get(_url(world, needy)).content.decode()
    assert (
        body.index(world.membership.name)
        < body.index('name="again"')
        < body.index(world.other_membership.name)
    )


def test_nothing_chosen_is_refused_with_a_message(world, needy, login, english) -> None:
    response = login(world.users["manager"]).post(_url(world, needy), {})
    assert response.status_code == 200
    assert "Choose at least one company" in response.content.decode()
    assert mail.outbox == []


def test_the_service_skips_companies_invited_before(world, needy, django_capture_on_commit_callbacks) -> None:
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        assert services.measure_invite_companies(measure=needy, actor=world.users["manager"]) == 2
        assert services.measure_invite_companies(measure=needy, actor=world.users["manager"]) == 0
    assert len(mail.outbox) == 4


def test_company_roles_cannot_invite(world, needy, login) -> None:
    client = login(world.users["contact"])
    assert client.get(_url(world, needy)).status_code in (403, 404)
    assert client.post(_url(world, needy), {"companies": [world.membership.pk]}).status_code in (403, 404)
    assert mail.outbox == []
