"""The needs page and GET /needs over HTTP: who may see them, what they show, bounded queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klyngekart.accounts.tokens import api_token_create
from klyngekart.surveys.tests.results_world import ResultsRound, build_round, fill, release

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(world) -> ResultsRound:  # type: ignore[no-untyped-def]
    """Two companies above k and one small company below it, with free text."""
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 8, text="Hard to find welders")
    fill(made.add_company(world.other_membership), 6, seed=2)
    small = made.add_company()
    small.company.name = "Lille Verksted AS"
    small.company.save()
    fill(small, 2, seed=3)
    release(made.round)
    return made


def _url(world: Any, made: ResultsRound, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"round": str(made.round.pk), **params}.items())
    return reverse("needs:index", args=[world.cluster.slug]) + "?" + query


def test_the_board_sees_the_needs_page(world, mapped, login, english) -> None:
    client = login(world.users["board"])
    response = client.get(_url(world, mapped))
    assert response.status_code == 200
    body = response.content.decode()
    assert "the share of companies with the need times how deep it is on average" in body
    assert "Other companies (pooled)" in body
    assert world.membership.company.name in body
    # The small company never has a column of its own.
    assert "Lille Verksted AS" not in body
    assert "Hard to find welders" in body
    assert f"/c/{world.cluster.slug}/measures/new/?areas=" in body
    assert 'href="' + reverse("needs:index", args=[world.cluster.slug]) + '"' in body


def _ranking_row(body: str, code: str) -> str:
    """The HTML of the ranking's row for ``code`` (up to the end of its row)."""
    link = f"?areas={code}&amp;round="
    start = body.rindex("<tr>", 0, body.index(link))
    return body[start : body.index("</tr>", start)]


def test_a_ranking_row_shows_the_apis_figures_in_norwegian_and_starts_a_measure(world, mapped, login) -> None:
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    items = _api(login(world.users["manager"]), world, secret, round=mapped.round.pk).json()
    client = login(world.users["manager"])
    body = client.get(_url(world, mapped)).content.decode()
    for item in items:
        row = _ranking_row(body, item["area"])
        cells = [cell.split("</td>", 1)[0] for cell in row.split("<td>")[1:]]
        assert cells[0] == f"<strong>{Decimal(item['priority']):.2f}</strong>".replace(".", ",")
        assert cells[1].startswith(f"{item['breadth']} / ")
        assert cells[2] == f"{round(float(item['breadth_share']) * 100)} %"
        assert cells[3] == f"{Decimal(item['depth']):.2f}".replace(".", ",")
        assert cells[4] == str(item["respondents"])
        assert cells[5] == str(item["strategy_priority_count"])
        assert f"?areas={item['area']}&amp;round={mapped.round.pk}" in cells[6]
        assert cells[6].endswith(">Opprett et tiltak fra dette behovet</a>")


def test_figures_from_too_few_answers_are_marked_hidden_in_the_ranking(world, mapped, login, english) -> None:
    client = login(world.users["manager"])
    # No company is large: every figure of the segment is hidden.
    body = client.get(_url(world, mapped, filter="size:large")).content.decode()
    row = _ranking_row(body, "lean")
    assert row.count('<span title="Hidden to protect anonymity">hidden</span>') == 2
    assert "<td>0 / 0</td><td>–</td>" in row and "<td>–</td><td>0</td>" in row


def test_a_contact_and_a_member_may_not_see_it(world, mapped, login) -> None:
    for role in ("contact", "member"):
        client = login(world.users[role])
        assert client.get(_url(world, mapped)).status_code == 403


def test_segments_sorting_and_comparison_render(world, mapped, login, english) -> None:
    client = login(world.users["manager"])
    for params in (
        {"heat": "size"},
        {"heat": "nace", "sort": "depth"},
        {"heat": "region", "filter": "size:small", "threshold": "0,5"},
        {"compare": str(mapped.round.pk), "threshold": "nonsense", "sort": "x"},
    ):
        assert client.get(_url(world, mapped, **params)).status_code == 200


def test_another_clusters_round_is_404(world, other_world, mapped, login) -> None:
    foreign = build_round(other_world.cluster)
    client = login(world.users["manager"])
    response = client.get(reverse("needs:index", args=[world.cluster.slug]) + f"?round={foreign.round.pk}")
    assert response.status_code == 404


def test_more_companies_do_not_mean_more_queries(world, mapped, login, django_assert_max_num_queries) -> None:
    client = login(world.users["manager"])
    url = _url(world, mapped, heat="size")
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm_small:
        client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as cold_small:
        client.get(url)
    bigger = build_round(world.cluster)
    for index in range(6):
        fill(bigger.add_company(), 6, seed=10 + index)
    release(bigger.round)
    bigger_url = _url(world, bigger, heat="size")
    cache.clear()
    with CaptureQueriesContext(connection) as cold_big:
        client.get(bigger_url)
    with CaptureQueriesContext(connection) as warm_big:
        client.get(bigger_url)
    assert len(cold_big) == len(cold_small)
    assert len(warm_big) == len(warm_small) < len(cold_small)


def _api(client: Any, world: Any, token: str, **params: Any) -> Any:
    url = f"/api/v1/clusters/{world.cluster.slug}/needs"
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_ranks_by_priority(world, mapped, client) -> None:
    _token, secret = api_token_create(user=world.users["board"], name="t")
    response = _api(client, world, secret, round=mapped.round.pk)
    assert response.status_code == 200
    items = response.json()
    assert {item["area"] for item in items} == {"digital-ai", "green-energy", "lean"}
    assert set(items[0]) == {
        "area",
        "breadth",
        "breadth_share",
        "depth",
        "priority",
        "respondents",
        "strategy_priority_count",
    }
    priorities = [float(item["priority"]) for item in items if item["priority"] is not None]
    assert priorities == sorted(priorities, reverse=True)
    assert all(item["respondents"] >= 5 for item in items if item["respondents"] is not None)


def test_the_api_segment_filter_and_bad_input(world, mapped, client) -> None:
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    response = _api(client, world, secret, round=mapped.round.pk, segment="size", value="large")
    assert response.status_code == 200
    # No company is large: nothing to show, every figure null.
    assert all(item["depth"] is None and item["breadth"] == 0 for item in response.json())
    assert _api(client, world, secret, round=mapped.round.pk, segment="size").status_code == 422
    assert _api(client, world, secret, round=mapped.round.pk, segment="colour", value="x").status_code == 422
    assert _api(client, world, secret, round=mapped.round.pk, threshold="9").status_code == 422


def test_the_api_refuses_a_contact(world, mapped, client) -> None:
    _token, secret = api_token_create(user=world.users["contact"], name="t")
    assert _api(client, world, secret, round=mapped.round.pk).status_code == 403


def test_an_open_round_shows_no_figure_and_says_when_they_come(world, login, english) -> None:
    """While a round is open nothing derived from its answers shows: not the ranking, the heatmap,
    the free text or the API's rows. Read before and after one answer, they would give it away."""
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 8, text="Hard to find welders")
    fill(made.add_company(world.other_membership), 6, seed=2)
    body = login(world.users["manager"]).get(_url(world, made)).content.decode()
    assert "Results appear when the round closes" in body
    assert "Hard to find welders" not in body and "Other companies (pooled)" not in body
    _token, secret = api_token_create(user=world.users["manager"], name="t")
    reply = login(world.users["manager"]).get(
        f"/api/v1/clusters/{world.cluster.slug}/needs?round={made.round.pk}",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert reply.status_code == 409
    assert "released when it closes" in reply.json()["detail"]
