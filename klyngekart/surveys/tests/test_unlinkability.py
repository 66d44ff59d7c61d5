"""Unlinkability (issue 12, finding 5): nothing in the database ties a personal invitation to its
response. Each test tries a join an attacker with a copy of the database (and the invitation mails)
would try, on the database the suite runs on: the shared transaction id on PostgreSQL, the rowid
order on SQLite, and plain hashes of mailed tokens on both. They fail if any join links.

The submissions commit for real here (``transaction=True``), so what happens after commit happens
as in production."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.drafts import draft_load, draft_save
from klyngekart.surveys.models import PendingCompletion, Response, ResponseDraft, Round
from klyngekart.surveys.models.rounds import RespondentInvitation
from klyngekart.surveys.rounds.completions import (
    completions_flush,
    completions_flush_due,
    completions_pending_ids,
)
from klyngekart.surveys.rounds.services import reminders_send
from klyngekart.surveys.tests.answering import build_mapping, full_answers, invite
from klyngekart.surveys.tests.test_answering_pages import answer_all

pytestmark = pytest.mark.django_db(transaction=True)
INVITEES = 10


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    return build_mapping(world.membership)


def _response_ids(cluster: Any) -> set[uuid.UUID]:
    with scope(cluster):
        return set(Response.objects.values_list("pk", flat=True))


def answer_in_invitation_order(mapping) -> tuple[list[str], list[uuid.UUID]]:  # type: ignore[no-untyped-def]
    """INVITEES people answer their personal links, in the order they were invited (the order an
    attacker would most like): through the pages, or for every third one through the API. Returns
    their tokens and their responses' ids, in that order."""
    tokens = [invite(mapping.company, email=f"person{n}@bedrift.no") for n in range(INVITEES)]
    order: list[uuid.UUID] = []
    for number, token in enumerate(tokens):
        before = _response_ids(mapping.round.cluster)
        if number % 3 == 2:
            reply = Client().post(
                f"/api/v1/public/surveys/{token}/responses",
                data=json.dumps({"answers": full_answers()}),
                content_type="application/json",
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert reply.status_code == 201
        else:
            assert answer_all(Client(), mapping, token=token).status_code == 302
        [new] = _response_ids(mapping.round.cluster) - before
        order.append(new)
    return tokens, order


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _links_by_transaction(*tables: str) -> int:
    """Rows of surveys_response sharing a transaction id with a row of each of ``tables``
    (PostgreSQL's xmin, the attack of the finding: it linked 5 of 5)."""
    return sum(
        _rows(
            f"SELECT count(*) FROM surveys_response r JOIN {table} t ON r.xmin::text = t.xmin::text"  # noqa: S608
        )[0][0]
        for table in tables
    )


def _rowid_order(table: str, column: str) -> list[str]:
    """The distinct values of ``column`` in the order SQLite's rowid keeps the rows."""
    seen: list[str] = []
    for (value,) in _rows(f"SELECT {column} FROM {table} ORDER BY rowid"):  # noqa: S608
        if value not in seen:
            seen.append(value)
    return seen


def test_no_transaction_or_insertion_order_links_an_invitation_to_its_response(mapping) -> None:  # type: ignore[no-untyped-def]
    tokens, order = answer_in_invitation_order(mapping)
    cluster = mapping.round.cluster
    with scope(cluster):
        # Recorded after each answer's commit, applied in one shuffled batch by the periodic task.
        assert PendingCompletion.objects.count() == INVITEES
        assert set(RespondentInvitation.objects.values_list("status", flat=True)) == {"started", "invited"}
    if connection.vendor == "postgresql":
        # While pending, no row of the inbox shares a transaction with a response either.
        assert _links_by_transaction("surveys_respondentinvitation", "surveys_pendingcompletion") == 0
    assert completions_flush_due() == INVITEES
    with scope(cluster):
        assert set(RespondentInvitation.objects.values_list("status", flat=True)) == {"completed"}
        assert not PendingCompletion.objects.exists()
    if connection.vendor == "postgresql":
        assert _links_by_transaction("surveys_respondentinvitation") == 0
        # The whole batch completed in one transaction: an attacker learns at most "one of these".
        assert len(_rows("SELECT DISTINCT xmin::text FROM surveys_respondentinvitation")) == 1
    else:
        # The rowid order of responses, answers and gap rows is not the order they came in (the
        # order of invitations here): 1 in 10! that a random order happens to be it.
        prep = Response._meta.pk.get_db_prep_value  # type: ignore[union-attr]
        came_in = [prep(pk, connection) for pk in order]
        assert _rowid_order("surveys_response", "id") != came_in
        assert _rowid_order("surveys_answer", "response_id") != came_in
        assert _rowid_order("surveys_gapanswer", "response_id") != came_in
        assert sorted(_rowid_order("surveys_gapanswer", "response_id")) == sorted(came_in)


def test_no_stored_value_can_be_computed_from_a_mailed_token(mapping) -> None:  # type: ignore[no-untyped-def]
    """The mail and a copy of the database: the plain sha256 of the round and the token (the old
    submission key), of the token alone or of the draft's prefix and the token, matches nothing."""
    tokens, _order = answer_in_invitation_order(mapping)
    saved = invite(mapping.company, email="halfway@bedrift.no")
    with scope(mapping.round.cluster):
        draft_save(round_company=mapping.company, token=saved, answers={"role": "office"}, section=1)
        stored = {
            value
            for row in Response.objects.values_list("submission_key", "invitation_key")
            for value in row
            if value
        } | set(ResponseDraft.objects.values_list("token_hash", flat=True))
    assert len(stored) == 2 * INVITEES + 1
    for token in [*tokens, saved]:
        for plain in (
            f"{mapping.round.pk}:{token}".encode(),
            token.encode(),
            b"klyngekart-draft:" + token.encode(),
        ):
            assert hashlib.sha256(plain).hexdigest() not in stored
    # The respondent, who holds the token, still finds their draft.
    with scope(mapping.round.cluster):
        assert draft_load(round_company=mapping.company, token=saved) == ({"role": "office"}, 1)


def test_a_personal_link_stores_one_response_before_and_after_its_completion_applies(mapping) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    url = f"/api/v1/public/surveys/{token}/responses"

    def post(key: str):  # type: ignore[no-untyped-def]
        return Client().post(
            url,
            data=json.dumps({"answers": full_answers()}),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    first = post("first")
    assert first.status_code == 201
    # Pending: the invitation is not completed yet, and still the link has answered.
    assert post("second").status_code == 409
    assert post("first").json() == first.json()
    assert Client().get(f"/s/{token}/").status_code == 302  # to the thank-you page
    with scope(mapping.round.cluster):
        completions_flush(round_=mapping.round, force=True)
    assert post("third").status_code == 409
    assert post("first").status_code == 200
    assert len(_response_ids(mapping.round.cluster)) == 1


def test_reminders_treat_a_pending_completion_as_completed_and_apply_nothing(mapping) -> None:  # type: ignore[no-untyped-def]
    """A reminder to someone who has not started gives them a new link; given to someone whose
    answer is stored but not yet applied, it would let them answer again. And a reminder must not
    apply the batch early (it would time it)."""
    from django.core import mail
    from django.utils import timezone

    answered = invite(mapping.company, email="answered@bedrift.no")
    invite(mapping.company, email="waiting@bedrift.no")
    with scope(mapping.round.cluster):
        RespondentInvitation.objects.update(sent_on=timezone.localdate() - dt.timedelta(days=3))
    answer_all(Client(), mapping, token=answered)
    with scope(mapping.round.cluster):
        before = list(
            RespondentInvitation.objects.order_by("email").values_list("email", "status", "token_hash")
        )
        assert reminders_send(round_=mapping.round, today=timezone.localdate()) == 1
        after = list(
            RespondentInvitation.objects.order_by("email").values_list("email", "status", "token_hash")
        )
        assert PendingCompletion.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["waiting@bedrift.no"]]
    assert after[0] == before[0]  # the answered one: same status, same link


def test_completions_wait_for_a_batch_and_closing_applies_the_rest(world, mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.rounds.services import round_close

    tokens = [invite(mapping.company, email=f"p{n}@bedrift.no") for n in range(4)]
    for token in tokens:
        answer_all(Client(), mapping, token=token)
    assert completions_flush_due() == 0  # 4 < the batch of 5: they wait
    with scope(world.cluster):
        assert len(completions_pending_ids(mapping.round)) == 4
        round_close(round_=mapping.round, actor=world.users["manager"])
        assert set(RespondentInvitation.objects.values_list("status", flat=True)) == {"completed"}
        assert not PendingCompletion.objects.exists()


@override_settings(KLYNGEKART_COMPLETION_BATCH=2)
def test_the_batch_size_is_a_setting_and_closed_rounds_are_flushed_whatever_their_number(
    world, mapping
) -> None:  # type: ignore[no-untyped-def]
    first, second, late = (invite(mapping.company, email=f"p{n}@bedrift.no") for n in range(3))
    answer_all(Client(), mapping, token=first)
    assert completions_flush_due() == 0
    answer_all(Client(), mapping, token=second)
    assert completions_flush_due() == 2
    # An answer that committed while its round was closing: its completion arrives afterwards.
    answer_all(Client(), mapping, token=late)
    with scopes_disabled():
        Round.objects.filter(pk=mapping.round.pk).update(status="closed")
    assert completions_flush_due() == 1


def test_the_database_alone_cannot_tell_whose_completion_is_pending(mapping, settings) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    answer_all(Client(), mapping, token=token)
    with scope(mapping.round.cluster):
        invitation = RespondentInvitation.objects.get()
        assert completions_pending_ids(mapping.round) == {invitation.pk}
        settings.SECRET_KEY = "another-installation-" + "x" * 40
        assert completions_pending_ids(mapping.round) == set()


def test_the_daily_duties_apply_full_batches_too(mapping) -> None:  # type: ignore[no-untyped-def]
    """An installation without a task consumer runs only the daily duties (from cron)."""
    from django.utils import timezone

    from klyngekart.surveys.rounds.services import round_duties_daily

    for number in range(5):
        answer_all(Client(), mapping, token=invite(mapping.company, email=f"d{number}@bedrift.no"))
    round_duties_daily(today=timezone.localdate())
    with scope(mapping.round.cluster):
        assert set(RespondentInvitation.objects.values_list("status", flat=True)) == {"completed"}
