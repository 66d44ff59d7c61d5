"""Inviting a company's employees and reminding those who have not answered, through the API: the
invitation page's parser and service, the round page's reminder, the same roles and rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.models import RespondentInvitation, Round
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.services import invitations_add, round_close, round_open
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db

PASTED = "Ola Nordmann <ola@bedrift.no>; Kari Nordmann <kari@bedrift.no>\nOLA@bedrift.no"


@pytest.fixture(autouse=True)
def _site(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mail.example.no"


def _post(client, world, user, path: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    _token, secret = api_token_create(user=user, name="test")
    return client.post(
        f"/api/v1/clusters/{world.cluster.slug}/rounds{path}",
        body or {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _invite_path(round_: Round, membership: Any) -> str:
    return f"/{round_.pk}/companies/{membership.company.org_number}/invitations"


def _open_round(world) -> Round:  # type: ignore[no-untyped-def]
    round_ = draft_round(world)
    return round_open(round_=round_, actor=world.users["manager"])


def _invited() -> list[str]:
    with scopes_disabled():
        return sorted(RespondentInvitation.objects.values_list("email", flat=True))


def _actions(action: str) -> list[AuditLog]:
    with scopes_disabled():
        return list(AuditLog.objects.filter(action=action).order_by("pk"))


def test_a_contact_invites_its_employees_from_a_pasted_list_and_each_gets_one_mail(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(
            client,
            world,
            world.users["contact"],
            _invite_path(round_, world.membership),
            {"addresses": PASTED},
        )
    assert reply.status_code == 201
    assert reply.json() == {
        "invited": [
            {"line": 1, "text": "Ola Nordmann <ola@bedrift.no>", "email": "ola@bedrift.no"},
            {"line": 1, "text": "Kari Nordmann <kari@bedrift.no>", "email": "kari@bedrift.no"},
        ],
        "skipped": [
            {
                "line": 2,
                "text": "OLA@bedrift.no",
                "email": "ola@bedrift.no",
                "reason": "repeated",
                "message": "An earlier entry of the list gives the same address.",
            }
        ],
    }
    assert _invited() == ["kari@bedrift.no", "ola@bedrift.no"]
    assert sorted(message.to[0] for message in mail.outbox) == ["kari@bedrift.no", "ola@bedrift.no"]
    with scopes_disabled():
        assert set(RespondentInvitation.objects.values_list("language", flat=True)) == {"nb"}
        assert part_of(round_, world).invited_count == 2
    (added,) = _actions("surveys.invitations.added")
    assert added.actor == world.users["contact"] and added.data["count"] == 2
    assert "bedrift.no" not in str(added.data)  # counts only: the audit log names no address


def test_the_same_list_posted_twice_invites_no_one_twice(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    path = _invite_path(round_, world.membership)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world, world.users["contact"], path, {"addresses": PASTED})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = _post(client, world, world.users["contact"], path, {"addresses": PASTED})
    assert again.status_code == 201
    body = again.json()
    assert body["invited"] == []
    assert [(item["email"], item["reason"]) for item in body["skipped"]] == [
        ("ola@bedrift.no", "already_invited"),
        ("kari@bedrift.no", "already_invited"),
        ("ola@bedrift.no", "repeated"),
    ]
    assert _invited() == ["kari@bedrift.no", "ola@bedrift.no"]
    assert mail.outbox == []
    assert len(_actions("surveys.invitations.added")) == 1


def test_a_list_with_a_bad_entry_is_refused_whole(client, world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    pasted = "ola@bedrift.no\nkari.bedrift.no\nPer <per@>"
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(
            client,
            world,
            world.users["contact"],
            _invite_path(round_, world.membership),
            {"addresses": pasted},
        )
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert [item["loc"] for item in detail] == [
        ["body", "payload", "addresses", 2],
        ["body", "payload", "addresses", 3],
    ]
    assert detail[0]["msg"] == "Line 2, “kari.bedrift.no”: No email address on this line."
    assert "per@" in detail[1]["msg"]
    assert _invited() == [] and mail.outbox == [] and _actions("surveys.invitations.added") == []


def test_an_address_another_company_invited_refuses_the_whole_list(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_add(
            round_company=part_of(round_, world, own=False),
            actor=world.users["manager"],
            emails=["kari@bedrift.no"],
            language="nb",
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(
            client,
            world,
            world.users["contact"],
            _invite_path(round_, world.membership),
            {"addresses": PASTED},
        )
    assert reply.status_code == 422
    (error,) = reply.json()["detail"]
    assert error["loc"] == ["body", "payload", "addresses", 1]
    assert "already invited to this round through another company" in error["msg"]
    assert _invited() == ["kari@bedrift.no"] and mail.outbox == []


def test_an_empty_list_is_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    reply = _post(
        client,
        world,
        world.users["contact"],
        _invite_path(round_, world.membership),
        {"addresses": "E-post\n\n  \n"},
    )
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "payload", "addresses"]


def test_a_draft_round_takes_invitations_and_mails_them_when_it_opens(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = draft_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(
            client,
            world,
            world.users["manager"],
            _invite_path(round_, world.membership),
            {"addresses": "ola@bedrift.no", "language": "en"},
        )
    assert reply.status_code == 201 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, world, world.users["manager"], f"/{round_.pk}/open").status_code == 200
    assert [message.to for message in mail.outbox] == [["ola@bedrift.no"]]


def test_a_closed_round_takes_no_invitations(client, world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    round_ = round_close(round_=_open_round(world), actor=world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(
            client,
            world,
            world.users["contact"],
            _invite_path(round_, world.membership),
            {"addresses": PASTED},
        )
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["msg"] == "The round is closed; no more invitations can be sent."
    assert _invited() == [] and mail.outbox == []


def test_an_unknown_language_is_refused_at_its_field(client, world) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    body = {"addresses": "ola@bedrift.no", "language": "sv"}
    reply = _post(client, world, world.users["contact"], _invite_path(round_, world.membership), body)
    assert reply.status_code == 422
    assert reply.json()["detail"][0]["loc"] == ["body", "payload", "language"]
    assert _invited() == []


def test_the_team_invites_for_any_company_and_a_contact_only_for_its_own(client, world) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    neighbour = _invite_path(round_, world.other_membership)
    refused = _post(client, world, world.users["contact"], neighbour, {"addresses": "ola@bedrift.no"})
    missing = _post(
        client,
        world,
        world.users["contact"],
        f"/{round_.pk}/companies/999999999/invitations",
        {"addresses": "ola@bedrift.no"},
    )
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    assert _invited() == []
    made = _post(client, world, world.users["staff"], neighbour, {"addresses": "ola@bedrift.no"})
    assert made.status_code == 201 and _invited() == ["ola@bedrift.no"]


@pytest.mark.parametrize("role", ["member", "board", "advisor"])
def test_roles_without_the_invitation_right_are_refused(client, world, role: str) -> None:
    round_ = _open_round(world)
    reply = _post(
        client, world, world.users[role], _invite_path(round_, world.membership), {"addresses": PASTED}
    )
    assert reply.status_code == 403
    assert _invited() == []


def test_a_contact_of_the_other_cluster_sharing_the_company_gets_404_and_nothing_changes(
    client, shared_worlds, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    a, b = shared_worlds.a, shared_worlds.b
    round_ = _open_round(a)
    path = _invite_path(round_, a.membership)  # the shared company's org number
    with django_capture_on_commit_callbacks(execute=True):
        # In A's cluster, where B's contact has no role; and A's round through B's own cluster.
        through_a = _post(client, a, b.users["contact"], path, {"addresses": PASTED})
        through_b = _post(client, b, b.users["contact"], path, {"addresses": PASTED})
    assert through_a.status_code == through_b.status_code == 404
    assert through_a.json() == through_b.json() == {"detail": "Not found."}
    assert _invited() == [] and mail.outbox == [] and _actions("surveys.invitations.added") == []


# --- reminders ------------------------------------------------------------------------------------


def _invited_yesterday(world, capture) -> Round:  # type: ignore[no-untyped-def]
    """An open round whose company invited four yesterday: Ola has not started, Kari has started,
    Per has answered, and Liv's invitation is withdrawn."""
    round_ = _open_round(world)
    with capture(execute=True):
        invitations_add(
            round_company=part_of(round_, world),
            actor=world.users["contact"],
            emails=["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no", "liv@bedrift.no"],
            language="nb",
        )
    mail.outbox.clear()
    with scopes_disabled():
        rows = RespondentInvitation.objects.all()
        rows.update(sent_on=timezone.localdate() - dt.timedelta(days=1))
        rows.filter(email="kari@bedrift.no").update(status=InvitationStatus.STARTED)
        rows.filter(email="per@bedrift.no").update(status=InvitationStatus.COMPLETED)
        rows.filter(email="liv@bedrift.no").update(withdrawn=True)
    return round_


def test_remind_reaches_only_those_who_have_not_answered_once_a_day(
    client, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = _invited_yesterday(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(client, world, world.users["staff"], f"/{round_.pk}/remind")
    assert reply.status_code == 200 and reply.json() == {"reminded": 2}
    assert sorted(message.to[0] for message in mail.outbox) == ["kari@bedrift.no", "ola@bedrift.no"]
    with scopes_disabled():
        reminded = dict(RespondentInvitation.objects.values_list("email", "reminders_sent"))
    assert reminded == {"ola@bedrift.no": 1, "kari@bedrift.no": 1, "per@bedrift.no": 0, "liv@bedrift.no": 0}
    (audit,) = _actions("surveys.round.reminded")
    assert audit.actor == world.users["staff"] and audit.data == {"reminders": 2}

    # Again the same day: nobody is reminded twice, nothing is mailed or recorded.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = _post(client, world, world.users["manager"], f"/{round_.pk}/remind")
    assert again.status_code == 200 and again.json() == {"reminded": 0}
    assert mail.outbox == [] and len(_actions("surveys.round.reminded")) == 1


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_remind_is_refused_unless_the_round_is_open(
    client, world, django_capture_on_commit_callbacks, status: str
) -> None:  # type: ignore[no-untyped-def]
    round_ = _invited_yesterday(world, django_capture_on_commit_callbacks)
    with scopes_disabled():
        Round.objects.filter(pk=round_.pk).update(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(client, world, world.users["manager"], f"/{round_.pk}/remind")
    assert reply.status_code == 422
    assert reply.json()["detail"] == [
        {
            "loc": ["path", "id"],
            "msg": "Reminders can only be sent while the round is open.",
            "type": "not_open",
        }
    ]
    assert mail.outbox == [] and _actions("surveys.round.reminded") == []


@pytest.mark.parametrize("role", ["contact", "board", "advisor"])
def test_remind_is_the_cluster_teams_alone(
    client, world, django_capture_on_commit_callbacks, role: str
) -> None:  # type: ignore[no-untyped-def]
    round_ = _invited_yesterday(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(client, world, world.users[role], f"/{round_.pk}/remind")
    assert reply.status_code == 403
    assert mail.outbox == [] and _actions("surveys.round.reminded") == []


def test_another_clusters_team_cannot_remind_a_round(
    client, shared_worlds, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    a, b = shared_worlds.a, shared_worlds.b
    round_ = _invited_yesterday(a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(client, b, b.users["manager"], f"/{round_.pk}/remind")
    assert reply.status_code == 404 and reply.json() == {"detail": "Not found."}
    assert mail.outbox == [] and _actions("surveys.round.reminded") == []
