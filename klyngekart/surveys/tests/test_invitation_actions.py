"""Withdrawing and resending one personal invitation: on the page (with a confirmation), in the
API, and what each does to the link, the mails and the record; never anything that tells whether
someone answered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import RespondentInvitation, RoundCompany
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.mailing import token_hash
from klyngekart.surveys.rounds.services import (
    invitation_resend,
    invitation_withdraw,
    invitations_add,
    reminders_send,
    round_close,
    round_open,
)
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https://mail\.example\.no/s/([A-Za-z0-9_-]+)/")
ADDRESSES = ["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no"]


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = "https://mail.example.no"


def _opened(world, capture):
    """An open round with three invitations mailed: Ola has not started, Kari has started and Per
    has answered. Returns the round, its own company's part, the links and the invitations."""
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    part = part_of(round_, world)
    with capture(execute=True):
        invitations_add(round_company=part, actor=world.users["contact"], emails=ADDRESSES, language="nb")
    links = {message.to[0]: LINK.search(str(message.body)).group(1) for message in mail.outbox}  # type: ignore[union-attr]
    mail.outbox.clear()
    with scopes_disabled():
        RespondentInvitation.objects.filter(email="kari@bedrift.no").update(status=InvitationStatus.STARTED)
        RespondentInvitation.objects.filter(email="per@bedrift.no").update(status=InvitationStatus.COMPLETED)
        invitations = {
            row.email: row for row in RespondentInvitation.objects.select_related("round_company__round")
        }
    return round_, part, links, invitations


def _counters(part: RoundCompany) -> tuple[int, int, int]:
    with scopes_disabled():
        part = RoundCompany.objects.get(pk=part.pk)
    return part.invited_count, part.started_count, part.completed_count


def _audit(world, action: str) -> list[AuditLog]:
    with scope(world.cluster):
        return list(AuditLog.objects.filter(action=action).order_by("pk"))


def _url(world, name: str, round_, part, invitation) -> str:
    return reverse(f"rounds:{name}", args=[world.cluster.slug, round_.pk, part.pk, invitation.pk])


# --- services ---------------------------------------------------------------------------------------


def test_a_withdrawn_link_says_so_and_gets_no_more_mail(
    world, client, django_capture_on_commit_callbacks
) -> None:
    round_, part, links, invitations = _opened(world, django_capture_on_commit_callbacks)
    before = _counters(part)
    assert client.get(f"/s/{links['ola@bedrift.no']}/").status_code == 200
    invitation_withdraw(invitation=invitations["ola@bedrift.no"], actor=world.users["contact"])
    page = client.get(f"/s/{links['ola@bedrift.no']}/")
    assert page.status_code == 410
    assert "trukket tilbake" in page.content.decode()
    assert client.get(f"/s/{links['ola@bedrift.no']}/part/1/").status_code == 410
    api = client.get(f"/api/v1/public/surveys/{links['ola@bedrift.no']}", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 410 and "withdrawn" in api.json()["detail"]
    # Nothing counted changes, and a second withdrawal is no second record.
    assert _counters(part) == before
    invitation_withdraw(invitation=invitations["ola@bedrift.no"], actor=world.users["contact"])
    assert len(_audit(world, "surveys.invitation.withdrawn")) == 1
    # No reminder goes to it, and it cannot be resent.
    with django_capture_on_commit_callbacks(execute=True):
        reminded = reminders_send(round_=round_, today=timezone.localdate() + dt.timedelta(days=3))
    assert "ola@bedrift.no" not in [message.to[0] for message in mail.outbox]
    assert reminded == 1  # Kari only: Per answered
    with pytest.raises(ValidationError):
        invitation_resend(invitation=invitations["ola@bedrift.no"], actor=world.users["contact"])


def test_withdrawing_after_an_answer_looks_like_withdrawing_before(
    world, django_capture_on_commit_callbacks
) -> None:
    _round, part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    before = _counters(part)
    invitation_withdraw(invitation=invitations["per@bedrift.no"], actor=world.users["contact"])  # answered
    invitation_withdraw(
        invitation=invitations["ola@bedrift.no"], actor=world.users["contact"]
    )  # never started
    assert _counters(part) == before
    first, second = _audit(world, "surveys.invitation.withdrawn")
    assert (first.data, first.object_id) == (second.data, second.object_id)
    with scopes_disabled():
        rows = {row.email: row for row in RespondentInvitation.objects.all()}
    # The stored status is what it was; nothing new is written that differs between the two.
    assert rows["per@bedrift.no"].status == InvitationStatus.COMPLETED
    assert rows["per@bedrift.no"].withdrawn and rows["ola@bedrift.no"].withdrawn


def test_resend_mails_everyone_it_is_asked_for_and_records_a_reminder(
    world, client, django_capture_on_commit_callbacks
) -> None:
    _round, _part, links, invitations = _opened(world, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    for address in ADDRESSES:
        with django_capture_on_commit_callbacks(execute=True):
            invitation_resend(invitation=invitations[address], actor=world.users["contact"])
    by_address = {message.to[0]: message for message in mail.outbox}
    # A mail goes to each, the one who answered too: a missing mail would tell that he answered.
    assert set(by_address) == set(ADDRESSES)
    for message in by_address.values():
        assert "sende invitasjonen på nytt" in str(message.body)
        assert str(message.subject).startswith("Sendt på nytt")
    # Ola had not started: a new link, and the old one stops working.
    fresh = LINK.search(str(by_address["ola@bedrift.no"].body)).group(1)  # type: ignore[union-attr]
    assert fresh != links["ola@bedrift.no"]
    assert client.get(f"/s/{links['ola@bedrift.no']}/").status_code == 404
    assert client.get(f"/s/{fresh}/").status_code == 200
    # Kari keeps her link (her saved answers belong to it); Per gets no new link to answer again.
    assert LINK.search(str(by_address["kari@bedrift.no"].body)) is None
    assert LINK.search(str(by_address["per@bedrift.no"].body)) is None
    with scopes_disabled():
        rows = {row.email: row for row in RespondentInvitation.objects.all()}
    assert rows["ola@bedrift.no"].token_hash == token_hash(fresh)
    assert rows["kari@bedrift.no"].token_hash == token_hash(links["kari@bedrift.no"])
    assert {(row.reminders_sent, row.last_reminded_on) for row in rows.values()} == {(1, today)}
    assert len(_audit(world, "surveys.invitation.resent")) == 3
    # The audit names no address.
    assert not any("@" in str(entry.data) for entry in _audit(world, "surveys.invitation.resent"))


def test_an_answer_waiting_for_its_batch_gets_no_new_link_on_resend(
    world, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    _round, _part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    ola = invitations["ola@bedrift.no"]
    monkeypatch.setattr("klyngekart.surveys.rounds.mailing.completions_pending_ids", lambda round_: {ola.pk})
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=ola, actor=world.users["contact"])
    (message,) = mail.outbox
    assert LINK.search(str(message.body)) is None


def test_resend_needs_an_open_round_and_withdraw_a_round_not_closed(
    world, django_capture_on_commit_callbacks
) -> None:
    round_, _part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    round_close(round_=round_, actor=world.users["manager"])
    with scopes_disabled():
        ola = RespondentInvitation.objects.select_related("round_company__round").get(email="ola@bedrift.no")
    with pytest.raises(ValidationError):
        invitation_resend(invitation=ola, actor=world.users["contact"])
    with pytest.raises(ValidationError):
        invitation_withdraw(invitation=ola, actor=world.users["contact"])


# --- pages -------------------------------------------------------------------------------------------


def test_the_contact_confirms_before_anything_happens(
    world, login, django_capture_on_commit_callbacks
) -> None:
    round_, part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    client = login(world.users["contact"])
    company = client.get(
        reverse("rounds:company", args=[world.cluster.slug, round_.pk, part.pk])
    ).content.decode()
    ola = invitations["ola@bedrift.no"]
    withdraw, resend = (
        _url(world, "invitation_withdraw", round_, part, ola),
        _url(world, "invitation_resend", round_, part, ola),
    )
    assert withdraw in company and resend in company
    confirm = client.get(withdraw)
    assert confirm.status_code == 200 and "ola@bedrift.no" in confirm.content.decode()
    with scopes_disabled():
        assert not RespondentInvitation.objects.get(pk=ola.pk).withdrawn
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(resend)
    assert sent.status_code == 302 and [message.to[0] for message in mail.outbox] == ["ola@bedrift.no"]
    done = client.post(withdraw)
    assert done.status_code == 302
    with scopes_disabled():
        assert RespondentInvitation.objects.get(pk=ola.pk).withdrawn
    after = client.get(
        reverse("rounds:company", args=[world.cluster.slug, round_.pk, part.pk])
    ).content.decode()
    assert "Trukket tilbake" in after and withdraw not in after
    # A withdrawn invitation cannot be resent from the page either.
    refused = client.post(resend)
    assert refused.status_code == 422


def test_only_the_companys_own_people_reach_an_invitation(
    world, other_world, login, django_capture_on_commit_callbacks
) -> None:
    round_, part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    ola = invitations["ola@bedrift.no"]
    urls = [_url(world, name, round_, part, ola) for name in ("invitation_withdraw", "invitation_resend")]
    # The cluster team sees counts, never addresses: no invitation either.
    for role in ("manager", "staff"):
        client = login(world.users[role])
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
    # Another cluster's people do not reach this cluster at all.
    outsider = login(other_world.users["contact"])
    for url in urls:
        assert outsider.post(url).status_code == 404
    # Another company's part in the same round: the same 404 as a missing invitation.
    neighbour = part_of(round_, world, own=False)
    contact = login(world.users["contact"])
    assert contact.post(_url(world, "invitation_withdraw", round_, neighbour, ola)).status_code == 404
    with scopes_disabled():
        assert not RespondentInvitation.objects.filter(withdrawn=True).exists()
        assert RespondentInvitation.objects.get(pk=ola.pk).reminders_sent == 0


# --- API ---------------------------------------------------------------------------------------------


def _api(client, user):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_api_lists_withdraws_and_resends(
    world, other_world, client, django_capture_on_commit_callbacks
) -> None:
    round_, part, _links, invitations = _opened(world, django_capture_on_commit_callbacks)
    company = part.company.org_number
    base = f"/api/v1/clusters/{world.cluster.slug}/rounds/{round_.pk}/companies/{company}/invitations"
    contact = _api(client, world.users["contact"])
    listed = client.get(base, **contact).json()
    assert [row["email"] for row in listed] == sorted(ADDRESSES)
    assert set(listed[0]) == {"id", "email", "withdrawn"}
    ola = invitations["ola@bedrift.no"]
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(f"{base}/{ola.pk}/resend", **contact)
    assert resent.status_code == 200 and [message.to[0] for message in mail.outbox] == ["ola@bedrift.no"]
    withdrawn = client.post(f"{base}/{ola.pk}/withdraw", **contact)
    assert withdrawn.json() == {"id": ola.pk, "email": "ola@bedrift.no", "withdrawn": True}
    again = client.post(f"{base}/{ola.pk}/resend", **contact)
    assert again.status_code == 422
    # The team sees no addresses and reaches no invitation; another cluster not even the round.
    manager = _api(client, world.users["manager"])
    assert client.get(base, **manager).json() == []
    per = invitations["per@bedrift.no"]
    assert client.post(f"{base}/{per.pk}/withdraw", **manager).status_code == 404
    foreign = _api(client, other_world.users["contact"])
    assert client.post(f"{base}/{per.pk}/withdraw", **foreign).status_code == 404
    with scopes_disabled():
        assert not RespondentInvitation.objects.get(pk=per.pk).withdrawn
