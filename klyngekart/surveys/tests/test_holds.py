"""Held answers and open links: the services and the round pages the cluster team and a company's
contact use (turning an open link on after a warning; reviewing, approving and rejecting held
answers; what the round pages and closing say about them)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import HeldBatch, Response, RoundCompany, RoundRelease
from klyngekart.surveys.rounds import holds
from klyngekart.surveys.rounds.open_links import open_link_set
from klyngekart.surveys.tests.answering import build_mapping, full_answers
from klyngekart.surveys.tests.results_world import release
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    return build_mapping(world.membership)


def _url(world, name: str, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"rounds:{name}", args=[world.cluster.slug, *args])


def answers(mapping, count: int, *, hold: str | None = None, prefix: str = "k") -> None:  # type: ignore[no-untyped-def]
    with scope(mapping.round.cluster):
        for number in range(count):
            response_submit(
                round_company=mapping.company,
                raw_answers=full_answers(),
                submission_key=f"{prefix}-{hold}-{number}",
                language="nb",
                hold=hold,
            )


def counts(mapping) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(answers counted, answers held, the company's completed count)."""
    with scope(mapping.round.cluster):
        held = Response.objects.filter(held__isnull=False).count()
        part = RoundCompany.objects.get(pk=mapping.company.pk)
        return Response.objects.count() - held, held, part.completed_count


def test_held_answers_are_batched_by_link_reason_and_day_and_listed_as_counts(mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 2)
    answers(mapping, 3, hold="burst")
    answers(mapping, 1, hold="repeat")
    with scope(mapping.round.cluster):
        rows = holds.held_list(round_=mapping.round)
        assert HeldBatch.objects.count() == 2
        assert holds.held_total(mapping.round) == 4
    assert [(row.company_name, row.reason, row.count) for row in rows] == [
        (mapping.company.company.name, "burst", 3),
        (mapping.company.company.name, "repeat", 1),
    ]
    # The day, as finely as the time of an answer may be known.
    assert {row.held_on for row in rows} == {timezone.localdate()}
    # Held answers moved the company's count like any other (the padder sees nothing).
    assert counts(mapping) == (2, 4, 6)


def test_approving_counts_the_answers_in_the_release(world, mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 2)
    answers(mapping, 3, hold="burst")
    with scope(world.cluster):
        [row] = holds.held_list(round_=mapping.round)
        outcome = holds.held_approve(round_=mapping.round, actor=world.users["manager"], ids=[row.id])
        assert (outcome.batches, outcome.responses) == (1, 3)
        assert not HeldBatch.objects.exists()
        entry = AuditLog.objects.get(action="surveys.held.approved")
        assert entry.data["responses"] == 3 and entry.data["batches"][0]["reason"] == "burst"
    assert counts(mapping) == (5, 0, 5)
    release(mapping.round)
    with scope(world.cluster):
        assert RoundRelease.objects.get(round=mapping.round).respondents == 5


def test_rejecting_deletes_the_answers_and_takes_them_out_of_the_counts(world, mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 2)
    answers(mapping, 3, hold="repeat")
    with scope(world.cluster):
        [row] = holds.held_list(round_=mapping.round)
        outcome = holds.held_reject(round_=mapping.round, actor=world.users["staff"], ids=[str(row.id)])
        assert (outcome.batches, outcome.responses) == (1, 3)
        assert AuditLog.objects.filter(action="surveys.held.rejected").count() == 1
        part = RoundCompany.objects.get(pk=mapping.company.pk)
        assert (part.started_count, part.completed_count) == (2, 2)
    assert counts(mapping) == (2, 0, 2)


def test_a_decision_takes_only_this_rounds_batches_and_only_while_it_is_open(world, mapping) -> None:  # type: ignore[no-untyped-def]
    theirs = build_mapping(world.other_membership)
    answers(theirs, 1, hold="burst")
    answers(mapping, 1, hold="burst")
    with scope(world.cluster):
        [other] = holds.held_list(round_=theirs.round)
        [own] = holds.held_list(round_=mapping.round)
        for ids in ([other.id], [own.id, other.id], ["not-an-id"]):
            with pytest.raises(ValidationError) as caught:
                holds.held_approve(round_=mapping.round, actor=None, ids=ids)
            assert caught.value.code == "unknown"
        assert HeldBatch.objects.count() == 2
    release(mapping.round)
    with scope(world.cluster), pytest.raises(ValidationError) as caught:
        holds.held_reject(round_=mapping.round, actor=None, ids=[own.id])
    assert caught.value.code == "closed"


def test_closing_with_answers_held_warns_then_leaves_them_out(world, login, english, mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 2)
    answers(mapping, 2, hold="burst")
    client = login(world.users["manager"])
    detail = client.get(_url(world, "detail", mapping.round.pk)).content.decode()
    assert "2 answers through open links are held for review" in detail
    assert _url(world, "held", mapping.round.pk) in detail
    confirm = client.get(_url(world, "close", mapping.round.pk)).content.decode()
    assert "2 answers are held for review. If you close now, they will not count." in confirm
    assert client.post(_url(world, "close", mapping.round.pk)).status_code == 302
    release(mapping.round)
    with scope(world.cluster):
        assert RoundRelease.objects.get(round=mapping.round).respondents == 2
        assert AuditLog.objects.get(action="surveys.held.dropped").data == {"responses": 2}
        assert RoundCompany.objects.get(pk=mapping.company.pk).completed_count == 2
        assert not Response.objects.filter(held__isnull=False).exists()


def test_the_review_page_approves_and_rejects_by_checkbox(world, login, english, mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 1)
    answers(mapping, 3, hold="burst")
    answers(mapping, 2, hold="repeat")
    client = login(world.users["staff"])
    page = client.get(_url(world, "held", mapping.round.pk))
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "Many answers from one address within minutes" in text and "The same browser answered again" in text
    )
    assert mapping.company.company.name in text and "<td>3</td>" in text and "<td>2</td>" in text
    with scope(world.cluster):
        rows = {row.reason: row for row in holds.held_list(round_=mapping.round)}
    nothing = client.post(_url(world, "held", mapping.round.pk), {"action": "approve"})
    assert nothing.status_code == 200 and "Choose the held answers" in nothing.content.decode()
    done = client.post(
        _url(world, "held", mapping.round.pk), {"action": "approve", "ids": [str(rows["burst"].id)]}
    )
    assert done.status_code == 302
    client.post(_url(world, "held", mapping.round.pk), {"action": "reject", "ids": [str(rows["repeat"].id)]})
    assert counts(mapping) == (4, 0, 4)
    assert "No answers are held." in client.get(_url(world, "held", mapping.round.pk)).content.decode()


def test_a_company_contact_is_not_told_of_held_answers(world, login, english, mapping) -> None:  # type: ignore[no-untyped-def]
    answers(mapping, 2, hold="burst")
    client = login(world.users["contact"])
    assert "held" not in client.get(_url(world, "detail", mapping.round.pk)).content.decode()
    assert client.get(_url(world, "held", mapping.round.pk)).status_code == 403


def test_a_contact_turns_its_open_link_on_after_the_warning(world, login, english) -> None:  # type: ignore[no-untyped-def]
    round_ = draft_round(world)
    part = part_of(round_, world)
    client = login(world.users["contact"])
    company = client.get(_url(world, "company", round_.pk, part.pk)).content.decode()
    assert "The open link is off" in company and part.link_token not in company
    page = client.get(_url(world, "open_link", round_.pk, part.pk)).content.decode()
    assert "subtract them" in page and "Personal invitations by email prevent this" in page
    assert client.post(_url(world, "open_link", round_.pk, part.pk), {"enabled": "on"}).status_code == 302
    company = client.get(_url(world, "company", round_.pk, part.pk)).content.decode()
    assert part.link_token in company and "Turn the open link off" in company
    client.post(_url(world, "open_link", round_.pk, part.pk), {"enabled": "off"})
    with scope(world.cluster):
        assert not RoundCompany.objects.get(pk=part.pk).open_link_enabled
        actions = list(
            AuditLog.objects.filter(action__startswith="surveys.open_link")
            .order_by("pk")
            .values_list("action", "actor", "object_id")
        )
    assert actions == [
        ("surveys.open_link.enabled", world.users["contact"].pk, str(part.pk)),
        ("surveys.open_link.disabled", world.users["contact"].pk, str(part.pk)),
    ]


def test_the_warning_is_in_norwegian_too(world, login) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    page = login(world.users["manager"]).get(_url(world, "open_link", round_.pk, part.pk)).content.decode()
    assert "Personlige invitasjoner på e-post hindrer dette" in page


def test_setting_the_same_state_changes_nothing_and_a_closed_round_stays_closed(world) -> None:
    round_ = draft_round(world)
    part = part_of(round_, world)
    with scope(world.cluster):
        open_link_set(round_company=part, actor=None, enabled=False)
        assert not AuditLog.objects.filter(action__startswith="surveys.open_link").exists()
        round_.status = "closed"
        round_.save()
        part.refresh_from_db()
        with pytest.raises(ValidationError):
            open_link_set(round_company=part, actor=None, enabled=True)
        # Turning a closed round's link off always works.
        RoundCompany.objects.filter(pk=part.pk).update(open_link_enabled=True)
        assert not open_link_set(round_company=part, actor=None, enabled=False).open_link_enabled


def test_the_start_page_of_an_open_link_says_what_it_is(mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.tests.answering import invite

    page = Client().get(f"/s/{mapping.token}/?lang=en").content.decode()
    assert "This is an open link" in page and "only once" in page
    norwegian = Client().get(f"/s/{mapping.token}/?lang=nb").content.decode()
    assert "Dette er en åpen lenke" in norwegian
    personal = Client().get(f"/s/{invite(mapping.company)}/?lang=en").content.decode()
    assert "This is an open link" not in personal
