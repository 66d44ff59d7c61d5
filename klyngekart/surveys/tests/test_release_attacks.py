"""Differencing over time (issue 12, finding 3): a figure read before and after one submission gave
that person's answers exactly. Results are now released once, when the round closes, so every view
a role can reach answers the same before and after a submission while the round is open, and a
release never changes afterwards (the round takes no answers and never reopens).

Each test is one attack from the issue, over HTTP as the role that made it."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.services import RoundClosed, response_submit
from klyngekart.surveys.models import Response
from klyngekart.surveys.tests.results_world import ResultsRound, answers, build_round, fill, release

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Nobody knows I wrote this"
_VARYING = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*|(nonce=")[^"]*|("X-CSRFToken": ")[^"]*')


def _stable(body: str) -> str:
    """A page without what changes on every request (CSRF tokens, nonces)."""
    return _VARYING.sub(lambda match: next(group for group in match.groups() if group), body)


@pytest.fixture
def open_round(world: Any) -> ResultsRound:
    """An open round: the contact's company with 2 answers, a neighbour with 6, a third with 5."""
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 2, text="Vi trenger sveisere")
    fill(made.add_company(world.other_membership), 6, seed=2, text="Lite tid til kurs")
    fill(made.add_company(), 5, seed=3)
    return made


def _views(world: Any, made: ResultsRound) -> dict[str, list[str]]:
    """Every results view of the round, per role that can reach it."""
    slug = world.cluster.slug
    own, neighbour = made.companies[0], made.companies[1]
    cluster = reverse("results:cluster", args=[slug]) + f"?round={made.round.pk}"
    segments = cluster + "&segment=role"
    needs = reverse("needs:index", args=[slug]) + f"?round={made.round.pk}"
    heat = needs + "&heat=size"
    company = reverse("results:company", args=[slug, made.round.pk, own.pk])
    neighbour_page = reverse("results:company", args=[slug, made.round.pk, neighbour.pk])
    team = [cluster, segments, needs, heat, company, company + "?segment=role", neighbour_page]
    return {
        "manager": team,
        "advisor": team,
        "board": [cluster, segments, needs, heat],
        "contact": [company, company + "?segment=role", reverse("results:mine", args=[slug])],
    }


def _api_bodies(world: Any, made: ResultsRound, client: Any, role: str) -> list[Any]:
    _token, secret = api_token_create(user=world.users[role], name=f"attack {role}")
    base = f"/api/v1/clusters/{world.cluster.slug}"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    own = made.companies[0].company.org_number
    urls = [f"{base}/rounds/{made.round.pk}/results?company={own}"]
    if role != "contact":
        urls += [f"{base}/rounds/{made.round.pk}/results", f"{base}/needs?round={made.round.pk}"]
    return [(client.get(url, **auth).status_code, client.get(url, **auth).content) for url in urls]


def _read_everything(world: Any, made: ResultsRound, login: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for role, urls in _views(world, made).items():
        client = login(world.users[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            seen[f"{role} {url}"] = _stable(response.content.decode())
        seen[f"{role} api"] = _api_bodies(world, made, client, role)
    return seen


def test_no_view_changes_with_one_more_answer_while_the_round_is_open(world, open_round, login) -> None:
    """The contact (43 of 43 areas of a colleague's answer from its own results), the board (the
    cluster figures and per-company progress), the needs page's free text and a neighbour's cluster
    series: each read before and after one answer. Now they read the same, and no figure at all."""
    before = _read_everything(world, open_round, login)
    with scope(world.cluster):
        response_submit(
            round_company=open_round.companies[0],
            raw_answers=answers(random.Random(99), text=SECRET_TEXT),
            submission_key="the-one-answer",
            language="nb",
        )
    after = _read_everything(world, open_round, login)
    assert after == before
    for key, body in after.items():
        assert SECRET_TEXT not in str(body), key
        assert "Vi trenger sveisere" not in str(body), key
    # What the pages say instead: when the results come, and why.
    assert 'data-testid="not-released"' in after[f"board {_views(world, open_round)['board'][0]}"]


def test_a_release_never_changes_and_takes_no_late_answer(world, open_round, login) -> None:
    """Even a submission that read the round as open before it closed (``companies[0]`` is such a
    stale row) is refused once it is closed: it would land after the release."""
    release(open_round.round)
    first = _read_everything(world, open_round, login)
    with scope(world.cluster), pytest.raises(RoundClosed):
        response_submit(
            round_company=open_round.companies[0],
            raw_answers=answers(random.Random(7)),
            submission_key="too-late",
            language="nb",
        )
    with scope(world.cluster):
        assert Response.objects.filter(round=open_round.round).count() == 2 + 6 + 5
    assert _read_everything(world, open_round, login) == first
    # Released: the pages now carry figures, and the texts of the whole round (8 >= k).
    board = first[f"board {_views(world, open_round)['board'][2]}"]
    assert "Vi trenger sveisere" in board and "Lite tid til kurs" in board


def test_a_company_below_k_stays_hidden_after_the_release(world, open_round, login) -> None:
    """The contact's company has 2 answers: its own page shows no figure, before or after."""
    release(open_round.round)
    url = reverse(
        "results:company", args=[world.cluster.slug, open_round.round.pk, open_round.companies[0].pk]
    )
    body = login(world.users["contact"]).get(url).content.decode()
    assert "Vi trenger sveisere" not in body
    assert not re.search(r"<td>\d,\d\d</td>", body)
