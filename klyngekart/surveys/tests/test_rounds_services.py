"""Rounds as services: creating, the state machine, invitations, mails, reminders and purging."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.models import RespondentInvitation, Round, RoundStatus
from klyngekart.surveys.models.rounds import InvitationStatus
from klyngekart.surveys.rounds.mailing import token_hash
from klyngekart.surveys.rounds.services import (
    invitations_add,
    invitations_purge,
    reminders_due,
    reminders_send,
    round_add_companies,
    round_close,
    round_duties_daily,
    round_open,
)
from klyngekart.surveys.tests.factories import SurveyVersionFactory
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of, published_version

pytestmark = pytest.mark.django_db
# Mails are built on SITE_URL, never on a request's host.
LINK = re.compile(r"https://mail\.example\.no/s/([A-Za-z0-9_-]+)/")


def _link(text: object) -> str:
    found = LINK.search(str(text))
    assert found, "no answering link in the mail"
    return found.group(1)


def _html(message: object) -> str:
    (html, kind) = message.alternatives[0]  # type: ignore[attr-defined]
    assert kind == "text/html"
    return str(html)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.SITE_URL = "https://mail.example.no/"


def _audit(world, action: str) -> list[AuditLog]:
    with scope(world.cluster):
        return list(AuditLog.objects.filter(cluster=world.cluster, action=action))


def _invite(world, round_, emails, *, language="nb", own=True):
    part = part_of(round_, world, own=own)
    return invitations_add(round_company=part, actor=world.users["contact"], emails=emails, language=language)


# --- creating -----------------------------------------------------------------------------------


def test_create_pins_the_taxonomy_and_takes_every_active_member(world) -> None:
    MembershipFactory(cluster=world.cluster, status="left")
    round_ = draft_round(world, reminder_days=[7, 3, 3])
    with scope(world.cluster):
        companies = set(round_.companies.values_list("company_id", flat=True))
        assert round_.taxonomy_version.number == max(
            round_.taxonomy_version.__class__.objects.values_list("number", flat=True)
        )
    assert companies == {world.membership.company_id, world.other_membership.company_id}
    assert round_.status == RoundStatus.DRAFT
    assert round_.reminder_days == [3, 7]
    assert len(_audit(world, "surveys.round.created")) == 1


def test_a_cluster_without_a_taxonomy_gets_the_default_one_pinned(world) -> None:
    round_ = draft_round(world, taxonomy=None)
    with scope(world.cluster):
        assert round_.taxonomy_version.number == 1
        assert round_.taxonomy_version.areas.count() >= 30


def test_create_for_chosen_members_only(world) -> None:
    round_ = draft_round(world, companies=[world.other_membership])
    with scope(world.cluster):
        assert list(round_.companies.values_list("company_id", flat=True)) == [
            world.other_membership.company_id
        ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reminder_days": [0]}, "reminder_days"),
        ({"reminder_days": [40]}, "reminder_days"),
        ({"companies": []}, "companies"),
        ({"closes_on": dt.date(2020, 1, 1), "opens_on": dt.date(2019, 12, 1)}, "closes_on"),
    ],
)
def test_create_refuses_bad_data_and_writes_nothing(world, overrides, field) -> None:
    with pytest.raises(ValidationError) as error:
        draft_round(world, **overrides)
    assert field in error.value.message_dict
    with scope(world.cluster):
        assert not Round.objects.exists()


def test_create_refuses_a_draft_survey_version_and_another_clusters(world, other_world) -> None:
    draft = SurveyVersionFactory(survey=published_version(world).survey, number=2, status="draft")
    with pytest.raises(ValidationError, match="Publish"), translation.override("en"):
        draft_round(world, survey_version=draft)
    with pytest.raises(ValidationError):
        draft_round(world, survey_version=published_version(other_world))


def test_create_refuses_a_member_of_another_cluster(world, other_world) -> None:
    with pytest.raises(ValidationError) as error:
        draft_round(world, companies=[other_world.membership])
    assert "companies" in error.value.message_dict


def test_companies_can_be_added_until_the_round_closes(world) -> None:
    round_ = draft_round(world, companies=[world.membership])
    newcomer: Membership = MembershipFactory(cluster=world.cluster)  # type: ignore[assignment]
    assert round_add_companies(round_=round_, actor=world.users["staff"], companies="all") == 2
    assert round_add_companies(round_=round_, actor=world.users["staff"], companies=[newcomer]) == 0
    round_open(round_=round_, actor=world.users["manager"])
    round_close(round_=round_, actor=world.users["manager"])
    with pytest.raises(ValidationError):
        round_add_companies(round_=round_, actor=world.users["staff"], companies=[newcomer])


# --- the state machine -----------------------------------------------------------------------------


def test_draft_opens_then_closes_and_each_step_is_audited(world) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    assert round_.status == RoundStatus.OPEN and round_.opened_at is not None
    round_open(round_=round_, actor=world.users["manager"])  # a retry changes nothing
    round_close(round_=round_, actor=world.users["staff"])
    assert round_.status == RoundStatus.CLOSED and round_.closed_at is not None
    round_close(round_=round_, actor=world.users["staff"])
    assert len(_audit(world, "surveys.round.opened")) == 1
    assert len(_audit(world, "surveys.round.closed")) == 1
    with pytest.raises(ValidationError):
        round_open(round_=round_, actor=world.users["manager"])
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_a_draft_cannot_be_closed(world) -> None:
    round_ = draft_round(world)
    with pytest.raises(ValidationError):
        round_close(round_=round_, actor=world.users["manager"])
    assert round_.status == RoundStatus.DRAFT


def test_a_round_past_its_close_date_cannot_open(world) -> None:
    round_ = draft_round(world)
    with scope(world.cluster):
        Round.objects.filter(pk=round_.pk).update(
            opens_on=timezone.localdate() - dt.timedelta(days=9),
            closes_on=timezone.localdate() - dt.timedelta(days=1),
        )
    round_.refresh_from_db()
    with pytest.raises(ValidationError):
        round_open(round_=round_, actor=world.users["manager"])


# --- invitations -------------------------------------------------------------------------------


def test_a_list_with_bad_lines_saves_nothing_and_names_every_bad_line(world) -> None:
    round_ = draft_round(world)
    report = _invite(
        world, round_, ["ola@bedrift.no", "kari(at)bedrift.no", "", "per@", "  ", "lise@bedrift.no"]
    )
    assert not report.ok
    assert [(bad.line, bad.text) for bad in report.bad_lines] == [(2, "kari(at)bedrift.no"), (4, "per@")]
    assert report.added == 0
    with scopes_disabled():
        assert not RespondentInvitation.objects.exists()
    assert part_of(round_, world).invited_count == 0


def test_duplicates_are_ignored_within_the_list_and_against_earlier_ones(world) -> None:
    round_ = draft_round(world)
    first = _invite(world, round_, ["Ola@Bedrift.no", "ola@bedrift.no ", "kari@bedrift.no"])
    assert (first.added, first.duplicates) == (2, 1)
    second = _invite(world, round_, ["kari@bedrift.no", "per@bedrift.no"])
    assert (second.added, second.duplicates) == (1, 1)
    part = part_of(round_, world)
    assert part.invited_count == 3
    with scope(world.cluster):
        assert sorted(part.invitations.values_list("email", flat=True)) == [
            "kari@bedrift.no",
            "ola@bedrift.no",
            "per@bedrift.no",
        ]
    # The audit trail is read by the cluster team, who must not see the addresses.
    entries = _audit(world, "surveys.invitations.added")
    assert sorted(entry.data["count"] for entry in entries) == [1, 2]
    assert "bedrift.no" not in str(
        [entry.data for entry in entries] + [entry.object_repr for entry in entries]
    )


def test_the_same_list_sent_twice_at_once_is_stored_once_and_answers_both(world, monkeypatch) -> None:
    """Two identical requests at the same moment: the second's insert meets the first's rows in the
    unique constraint (its own check ran before they were committed). It tries once more, sees
    them as the company's earlier invitations, and answers instead of failing."""
    from django.db import IntegrityError

    from klyngekart.surveys.rounds import services

    round_ = draft_round(world)
    _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no"])
    real = services._insert_invitations
    calls = []

    def collide_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed: one invitation per address and round")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_insert_invitations", collide_once)
    again = _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no"])
    assert len(calls) == 2
    assert (again.added, again.duplicates, again.bad_lines) == (1, 2, [])
    assert again.existing == ["ola@bedrift.no", "kari@bedrift.no"]
    assert part_of(round_, world).invited_count == 3


def test_a_closed_round_takes_no_invitations(world) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    round_close(round_=round_, actor=world.users["manager"])
    with pytest.raises(ValidationError):
        _invite(world, round_, ["ola@bedrift.no"])


def test_invitations_added_to_a_draft_are_mailed_when_it_opens(
    world, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no"])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        round_open(round_=round_, actor=world.users["manager"])
    assert sorted(message.to[0] for message in mail.outbox) == ["kari@bedrift.no", "ola@bedrift.no"]
    # Each mail has its own link, and what we keep is only the link's hash.
    tokens = {_link(message.body) for message in mail.outbox}
    assert len(tokens) == 2
    with scopes_disabled():
        hashes = set(RespondentInvitation.objects.values_list("token_hash", flat=True))
        assert hashes == {token_hash(token) for token in tokens}
        assert set(RespondentInvitation.objects.values_list("sent_on", flat=True)) == {timezone.localdate()}
        assert not any(token in str(row) for token in tokens for row in RespondentInvitation.objects.values())


def test_in_an_open_round_invitations_go_at_once_and_only_once(
    world, django_capture_on_commit_callbacks
) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, round_, ["ola@bedrift.no"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no"])
    assert [message.to[0] for message in mail.outbox] == ["ola@bedrift.no", "kari@bedrift.no"]


def _mail_for(world, language: str, django_capture_on_commit_callbacks):
    round_ = draft_round(world, closes_on=dt.date(2099, 3, 14), title="Kartlegging våren")
    round_open(round_=round_, actor=world.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, round_, ["ola@bedrift.no"], language=language)
    (message,) = mail.outbox
    html = _html(message)
    for part in (str(message.subject), str(message.body), html):
        assert world.membership.company.name in part
    for part in (str(message.body), html):
        assert world.cluster.name in part
        assert "Kartlegging våren" in part
        assert _link(part)
    return message, html


def test_the_mail_in_english(world, django_capture_on_commit_callbacks) -> None:
    message, html = _mail_for(world, "en", django_capture_on_commit_callbacks)
    for part in (str(message.body), html):
        assert "14 March 2099" in part  # British English dates
        assert "Your answers are anonymous" in part
    assert '<html lang="en">' in html


def test_the_mail_in_norwegian(world, django_capture_on_commit_callbacks) -> None:
    # The mail is rendered in the invitation's language, whatever the sender is using.
    with translation.override("en"):
        message, html = _mail_for(world, "nb", django_capture_on_commit_callbacks)
    for part in (str(message.body), html):
        assert "14. mars 2099" in part
    assert '<html lang="nb">' in html
    with translation.override("nb"):
        anonymous = translation.gettext(
            "Your answers are anonymous: they are stored without your name, email address or any link to "
            "this invitation, and results are only shown for groups large enough that no one can be "
            "recognised."
        )
    assert anonymous in str(message.body)


# --- reminders ---------------------------------------------------------------------------------------


def _opened_with_invitations(world, django_capture_on_commit_callbacks, *, opens_on):
    round_ = draft_round(world, opens_on=opens_on, closes_on=opens_on + dt.timedelta(days=21))
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no"])
        round_open(round_=round_, actor=world.users["manager"])
    with scopes_disabled():
        # As if the mails had gone out on the opening day.
        RespondentInvitation.objects.update(sent_on=opens_on)
        RespondentInvitation.objects.filter(email="kari@bedrift.no").update(status=InvitationStatus.STARTED)
        RespondentInvitation.objects.filter(email="per@bedrift.no").update(status=InvitationStatus.COMPLETED)
    first_links = {message.to[0]: _link(message.body) for message in mail.outbox}
    mail.outbox.clear()
    return round_, first_links


def test_reminders_are_due_only_on_the_rounds_reminder_days(world) -> None:
    opens_on = timezone.localdate()
    round_ = draft_round(world, opens_on=opens_on, reminder_days=[3, 7])
    round_open(round_=round_, actor=world.users["manager"])
    due_days = [n for n in range(0, 25) if reminders_due(today=opens_on + dt.timedelta(days=n)) == [round_]]
    assert due_days == [3, 7]
    round_close(round_=round_, actor=world.users["manager"])
    assert reminders_due(today=opens_on + dt.timedelta(days=3)) == []


def test_reminders_go_only_to_those_not_completed(world, django_capture_on_commit_callbacks) -> None:
    opens_on = timezone.localdate()
    round_, first_links = _opened_with_invitations(
        world, django_capture_on_commit_callbacks, opens_on=opens_on
    )
    day3 = opens_on + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(round_=round_, today=day3) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"ola@bedrift.no", "kari@bedrift.no"}
    # Ola never started: a new link replaces the old one. Kari has saved answers under her link,
    # so she keeps it and is told to use it.
    new_link = _link(by_address["ola@bedrift.no"].body)
    assert new_link != first_links["ola@bedrift.no"]
    assert LINK.search(str(by_address["kari@bedrift.no"].body)) is None
    with scopes_disabled():
        ola = RespondentInvitation.objects.get(email="ola@bedrift.no")
        kari = RespondentInvitation.objects.get(email="kari@bedrift.no")
    assert ola.token_hash == token_hash(new_link)
    assert kari.token_hash == token_hash(first_links["kari@bedrift.no"])
    assert (ola.reminders_sent, ola.last_reminded_on) == (1, day3)
    # A second run on the same day reminds no one again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(round_=round_, today=day3) == 0
    assert mail.outbox == []


def test_the_daily_duties_remind_on_the_day_close_overdue_rounds_and_purge(
    world, django_capture_on_commit_callbacks, settings
) -> None:
    opens_on = timezone.localdate() - dt.timedelta(days=3)
    round_, _links = _opened_with_invitations(world, django_capture_on_commit_callbacks, opens_on=opens_on)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(message.to[0] for message in mail.outbox) == ["kari@bedrift.no", "ola@bedrift.no"]

    closes_on = round_.closes_on
    report = round_duties_daily(today=closes_on + dt.timedelta(days=1))
    round_.refresh_from_db()
    assert report.closed == 1 and round_.status == RoundStatus.CLOSED
    closed_on = timezone.localdate(round_.closed_at)
    assert round_duties_daily(today=closed_on + dt.timedelta(days=29)).erased == 0
    assert round_duties_daily(today=closed_on + dt.timedelta(days=30)).erased == 3
    assert round_duties_daily(today=closed_on + dt.timedelta(days=31)).erased == 0


def test_purge_erases_addresses_but_keeps_the_counts(world) -> None:
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    _invite(world, round_, ["ola@bedrift.no", "kari@bedrift.no"])
    round_close(round_=round_, actor=world.users["manager"])
    today = timezone.localdate()
    assert invitations_purge(today=today) == 0
    assert invitations_purge(today=today + dt.timedelta(days=30)) == 2
    with scopes_disabled():
        assert set(RespondentInvitation.objects.values_list("email", flat=True)) == {""}
        assert Round.objects.get(pk=round_.pk).invitations_purged_on == today + dt.timedelta(days=30)
    assert part_of(round_, world).invited_count == 2
    assert len(_audit(world, "surveys.round.invitations_purged")) == 1


def test_the_retention_comes_from_the_setting(world, settings) -> None:
    settings.KLYNGEKART_INVITATION_RETENTION_DAYS = 2
    round_ = draft_round(world)
    round_open(round_=round_, actor=world.users["manager"])
    _invite(world, round_, ["ola@bedrift.no"])
    round_close(round_=round_, actor=world.users["manager"])
    assert invitations_purge(today=timezone.localdate() + dt.timedelta(days=2)) == 1


def test_an_open_round_can_be_extended_later_only_and_a_closed_one_never(world) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.rounds.services import round_extend

    round_ = draft_round(world)
    with scope(world.cluster):
        with pytest.raises(ValidationError):  # a draft: nothing to extend
            round_extend(round_=round_, actor=world.users["manager"], closes_on=round_.closes_on)
        round_open(round_=round_, actor=world.users["manager"])
        later = round_.closes_on + dt.timedelta(days=7)
        round_extend(round_=round_, actor=world.users["manager"], closes_on=later)
        assert Round.objects.get(pk=round_.pk).closes_on == later
        assert AuditLog.objects.filter(action="surveys.round.extended").count() == 1
        with pytest.raises(ValidationError) as earlier:
            round_extend(round_=round_, actor=world.users["manager"], closes_on=later - dt.timedelta(days=1))
        assert "closes_on" in earlier.value.message_dict
        round_close(round_=round_, actor=world.users["manager"])
        with pytest.raises(ValidationError):  # released: it never reopens
            round_extend(round_=round_, actor=world.users["manager"], closes_on=later + dt.timedelta(days=7))
        with pytest.raises(ValidationError):
            round_open(round_=round_, actor=world.users["manager"])
