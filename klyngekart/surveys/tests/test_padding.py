"""Padding (issue 12, finding 4): whoever holds an open link can post answers they know, lift a small
company over k and subtract the fakes. Each attack is tried as the finding describes it, and the
company must stay under k; an office answering together must not be held."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.test import Client, override_settings

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import Response, RoundCompany
from klyngekart.surveys.models.rounds import RespondentInvitation
from klyngekart.surveys.results import company_results
from klyngekart.surveys.rounds import open_links
from klyngekart.surveys.rounds.services import invitations_add
from klyngekart.surveys.tests.answering import build_mapping, full_answers
from klyngekart.surveys.tests.results_world import release
from klyngekart.surveys.tests.rounds_helpers import draft_round, part_of
from klyngekart.surveys.tests.test_answering_pages import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    # The middle of a burst window, so that no test straddles a window's edge by chance (the
    # test of the edge sets its own clock).
    monkeypatch.setattr(open_links, "_clock", lambda: 10_000 * 600 + 300.0)


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    return build_mapping(world.membership)


def api_submit(client: Client, token: str, key: str, **answers: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/public/surveys/{token}/responses",
        data=json.dumps({"answers": full_answers(**answers)}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def held_reasons(cluster) -> list[str]:  # type: ignore[no-untyped-def]
    with scope(cluster):
        return sorted(
            (reason or "" for reason in Response.objects.values_list("held__reason", flat=True)),
        )


def suppressed_for_its_contact(mapping) -> bool:  # type: ignore[no-untyped-def]
    """Whether the company's released figures stay hidden from its own contact (n below k)."""
    round_ = release(mapping.round)
    with scope(mapping.round.cluster):
        part = RoundCompany.objects.select_related("round__cluster").get(pk=mapping.company.pk)
        shown = company_results(round=round_, round_company=part, viewer_company_ids={part.company_id})
    return shown.n.suppressed


def without_receipt(page: str) -> str:
    """The page without what differs on every page anyway: the receipt and the CSRF token."""
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r"<strong>[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}</strong>", "", page)


def test_new_rounds_invite_personally_and_their_open_links_answer_nothing(world, client) -> None:
    """Personal invitations are the default: a new round's open links are off, and a link that is
    off is not found (as a link that never existed)."""
    round_ = draft_round(world)
    with scope(world.cluster):
        parts = list(round_.companies.all())
        assert parts and not any(part.open_link_enabled for part in parts)
        round_.status = "open"
        round_.save()
    for part in parts:
        assert client.get(f"/s/{part.link_token}/").status_code == 404
        assert api_submit(client, part.link_token, "k").status_code == 404


def test_padding_from_one_browser_is_held_and_the_company_stays_under_k(mapping) -> None:  # type: ignore[no-untyped-def]
    """The attack: one real answer; the padder answers, then clears the resume cookie (the pages no
    longer offer a new start) and answers k-2 times more. Without holds, the company reached k and
    the fakes could be subtracted. Now the repeats are held, and the padder sees the same page."""
    answer_all(Client(), mapping)
    padder = Client()
    first = answer_all(padder, mapping)
    first_thanks = without_receipt(padder.get(first.headers["Location"]).content.decode())
    for _ in range(3):
        del padder.cookies["kk_resume"]
        again = answer_all(padder, mapping)
        assert without_receipt(padder.get(again.headers["Location"]).content.decode()) == first_thanks
    assert held_reasons(mapping.round.cluster) == ["", "", "repeat", "repeat", "repeat"]
    # The progress page shows the padder nothing either: every answer moved the count.
    with scope(mapping.round.cluster):
        assert RoundCompany.objects.get(pk=mapping.company.pk).completed_count == 5
    assert suppressed_for_its_contact(mapping)


@override_settings(KLYNGEKART_OPEN_LINK_BURST=3, KLYNGEKART_OPEN_LINK_BURST_MINUTES=10)
def test_a_script_posting_from_one_address_is_held_beyond_the_setting(mapping) -> None:  # type: ignore[no-untyped-def]
    """The attack over the API: answers sent one after another from one address, each with a fresh
    idempotency key. Beyond the installation's setting they are held, with the same reply."""
    client = Client()
    replies = [api_submit(client, mapping.token, f"script-{n}") for n in range(6)]
    assert {reply.status_code for reply in replies} == {201}
    assert {tuple(reply.json()) for reply in replies} == {("receipt", "stored")}
    assert held_reasons(mapping.round.cluster) == ["", "", "", "burst", "burst", "burst"]
    assert suppressed_for_its_contact(mapping)


def test_an_office_answering_together_after_a_meeting_is_not_held(mapping) -> None:  # type: ignore[no-untyped-def]
    """The default (more than 20 within 10 minutes from one address through one link): twenty
    colleagues behind the company's one address, answering at once, all count; a 21st is held."""
    assert open_links.burst_setting() == (20, 10)
    for number in range(20):
        colleague = Client()
        assert answer_all(colleague, mapping).status_code == 302, number
    assert held_reasons(mapping.round.cluster) == [""] * 20
    answer_all(Client(), mapping)
    assert held_reasons(mapping.round.cluster).count("burst") == 1


@override_settings(KLYNGEKART_OPEN_LINK_BURST=3, KLYNGEKART_OPEN_LINK_BURST_MINUTES=10)
def test_the_burst_window_slides_over_its_edge(mapping, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Counted in fixed windows, the last answers of one window and the first of the next would
    never meet; the previous window's count is weighted in, so a burst across the edge is held."""
    now = [10_000 * 600 + 590.0]  # ten seconds before a window ends
    monkeypatch.setattr(open_links, "_clock", lambda: now[0])
    client = Client()
    for number in range(3):
        assert api_submit(client, mapping.token, f"edge-{number}").status_code == 201
    now[0] += 20  # ten seconds into the next window
    api_submit(client, mapping.token, "over-the-edge")
    assert held_reasons(mapping.round.cluster) == ["", "", "", "burst"]
    now[0] += 600  # a quiet window later the previous one has slid out
    api_submit(client, mapping.token, "later")
    assert held_reasons(mapping.round.cluster) == ["", "", "", "", "burst"]


@override_settings(KLYNGEKART_OPEN_LINK_BURST=1)
def test_the_counters_are_per_link_and_keep_no_address(world, mapping) -> None:  # type: ignore[no-untyped-def]
    neighbour = build_mapping(world.other_membership)
    client = Client(REMOTE_ADDR="203.0.113.7")
    api_submit(client, mapping.token, "a")
    api_submit(client, neighbour.token, "b")
    assert held_reasons(world.cluster) == ["", ""]
    keys = [str(key) for key in cache._cache]  # type: ignore[attr-defined]
    assert any("open-link-burst" in key for key in keys)
    assert not any("203.0.113.7" in key for key in keys)


def test_a_personal_link_is_never_held(mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.answering.services import response_submit

    with pytest.raises(ValueError), scope(mapping.round.cluster):
        response_submit(
            round_company=mapping.company,
            raw_answers=full_answers(),
            submission_key="k",
            language="nb",
            invitation_token="token",
            hold="repeat",
        )


def test_an_address_is_invited_at_most_once_per_round(world, english) -> None:
    """Each invitation is one more answer: an address invited through one company cannot be
    invited again through another, by the upload (a clear row error) or the database."""
    round_ = draft_round(world)
    own, other = part_of(round_, world), part_of(round_, world, own=False)
    invitations_add(round_company=own, actor=world.users["contact"], emails=["ola@bedrift.no"], language="nb")
    report = invitations_add(
        round_company=other,
        actor=world.users["manager"],
        emails=["kari@annen.no", " OLA@bedrift.no ", "per@annen.no"],
        language="nb",
    )
    assert not report.ok and report.added == 0
    [bad] = report.bad_lines
    assert (bad.line, bad.text) == (2, "OLA@bedrift.no")
    assert "already invited to this round through another company" in bad.message
    assert own.company.name not in bad.message
    with scope(world.cluster):
        assert list(RespondentInvitation.objects.values_list("email", flat=True)) == ["ola@bedrift.no"]
        # The same company again is a repeat, skipped as before.
        again = invitations_add(round_company=own, actor=None, emails=["ola@bedrift.no"], language="nb")
        assert again.ok and again.duplicates == 1
        with pytest.raises(IntegrityError):
            RespondentInvitation.objects.create(
                cluster=world.cluster, round_company=other, email="ola@bedrift.no", token_hash="x" * 64
            )


def test_an_address_may_be_invited_again_in_another_round(world) -> None:
    first, second = draft_round(world), draft_round(world, taxonomy=None)
    for round_ in (first, second):
        report = invitations_add(
            round_company=part_of(round_, world), actor=None, emails=["ola@bedrift.no"], language="nb"
        )
        assert report.ok and report.added == 1
    with scopes_disabled():
        assert RespondentInvitation.objects.filter(email="ola@bedrift.no").count() == 2
