"""The needs page of a round with no answers yet, or one: every new round starts there, and the
company heatmap has no company column of its own until a company reaches k."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klyngekart.needs.analysis import heat_page
from klyngekart.surveys.tests.results_world import build_round, fill

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("answers", [0, 1])
def test_the_needs_page_of_a_round_with_few_answers_shows_no_figures(world, login, english, answers) -> None:
    made = build_round(world.cluster)
    company = made.add_company(world.membership)
    fill(company, answers)
    client = login(world.users["manager"])
    url = reverse("needs:index", args=[world.cluster.slug]) + f"?round={made.round.pk}"
    for params in ("", "&heat=companies", "&heat=companies&heat_page=2", "&heat=size"):
        response = client.get(url + params)
        assert response.status_code == 200, params
        assert world.membership.company.name not in response.content.decode()


def test_a_heatmap_page_of_no_companies_selects_none() -> None:
    paging = heat_page(0, 3, 25)
    assert (paging.number, paging.pages, paging.first, paging.last) == (1, 1, 0, 0)
    assert list(paging.indexes) == []
    assert list(heat_page(30, 2, 25).indexes) == list(range(25, 30))
