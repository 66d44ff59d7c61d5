"""Released free text: scrubbed once at release, in an order fixed then, from k texts; the cluster
team can hide a comment (audited) and it still counts toward k."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope
from klyngekart.members.tests.factories import ContactFactory
from klyngekart.surveys.models import ReleasedText
from klyngekart.surveys.results import questions as qsel
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, fill, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(world: Any) -> ResultsRound:
    """Six comments in one company; one names a contact person and gives a phone number."""
    ContactFactory(membership=world.membership, cluster=world.cluster, name="Kari Nordmann")
    made = build_round(world.cluster)
    part = made.add_company(world.membership)
    fill(part, 5, text="Mer tid til kurs")
    fill(part, 1, seed=9, text="Kari Nordmann bør ringe meg på 912 34 567")
    with translation.override("nb"):
        release(made.round)
    return made


def _texts(made: ResultsRound, **kwargs: Any) -> list[str]:
    with scope(made.round.cluster):
        cell = qsel.free_texts(
            round=made.round, round_company=made.companies[0], question_key="challenges", **kwargs
        )
    return [comment.text for comment in cell.value or []]


def test_the_release_scrubs_names_and_numbers_and_fixes_the_order(world: Any, released: ResultsRound) -> None:
    texts = _texts(released)
    assert len(texts) == 6
    assert not any("Kari" in text or "912" in text for text in texts)
    assert any("[navn]" in text and "[telefon]" in text for text in texts)
    # Shuffled once, at release: every read gives the same order, so no reload can be compared.
    assert _texts(released) == texts == _texts(released)


def test_hiding_a_comment_is_audited_keeps_k_and_can_be_undone(
    world: Any, released: ResultsRound, login
) -> None:  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        comment = ReleasedText.objects.filter(round=released.round, text__contains="[navn]").get()
    url = reverse("results:comment_hide", args=[world.cluster.slug, released.round.pk, comment.pk])
    page = reverse("results:company", args=[world.cluster.slug, released.round.pk, released.companies[0].pk])
    for role in ("advisor", "board", "contact"):
        assert login(world.users[role]).post(url, {"hidden": "1"}).status_code == 403
    response = login(world.users["manager"]).post(url, {"hidden": "1", "next": page})
    assert response.status_code == 302 and response.headers["Location"] == page
    assert len(_texts(released)) == 5
    with scope(world.cluster):
        assert AuditLog.objects.filter(action="surveys.comment.hidden").count() == 1
        # Five shown of six: the k rule (5) counts the hidden one too, so the rest still show.
        cell = qsel.free_texts(
            round=released.round, round_company=released.companies[0], question_key="challenges"
        )
    assert not cell.suppressed
    body = login(world.users["contact"]).get(page).content.decode()
    assert "[navn]" not in body and "Mer tid til kurs" in body
    team = login(world.users["manager"]).get(page).content.decode()
    assert "[navn]" in team  # the team sees what it hid, marked, to undo it
    login(world.users["manager"]).post(url, {"hidden": "0", "next": "https://evil.example/"})
    assert len(_texts(released)) == 6


def test_an_outside_next_address_is_not_followed(world: Any, released: ResultsRound, login) -> None:  # type: ignore[no-untyped-def]
    with scope(world.cluster):
        comment = ReleasedText.objects.filter(round=released.round).first()
    url = reverse("results:comment_hide", args=[world.cluster.slug, released.round.pk, comment.pk])  # type: ignore[union-attr]
    response = login(world.users["staff"]).post(url, {"hidden": "1", "next": "https://evil.example/"})
    assert response.headers["Location"] == reverse("results:cluster", args=[world.cluster.slug])
