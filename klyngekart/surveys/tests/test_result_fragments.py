"""The released sections of the cluster's results page and the needs page are drawn once per
release and served from the cache after that (surveys/results/fragments.py). The cache must never
show what the page would not: each test reads a page, changes something the sections show, and
reads it again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from klyngekart.accounts.access import resolve_access
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.needs import analysis as needs_analysis
from klyngekart.needs.models import StrategyStatus
from klyngekart.needs.tests.factories import make_strategy
from klyngekart.surveys.results import cluster as cluster_read
from klyngekart.surveys.tests.results_world import AREA_CODES, ResultsRound, build_round, fill, release

pytestmark = pytest.mark.django_db

# Per-request values that differ between two readings of the same page.
_PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": ")[^"]*"')


@pytest.fixture
def mapped(world) -> ResultsRound:  # type: ignore[no-untyped-def]
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 7, seed=1)
    fill(made.add_company(world.other_membership), 6, seed=2)
    fill(made.add_company(), 2, seed=3)
    release(made.round)
    return made


def _page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return _PER_REQUEST.sub(r"\1…", response.content.decode())


def _may(permission: str, world, role: str) -> bool:  # type: ignore[no-untyped-def]
    access = resolve_access(world.users[role], world.cluster)
    return access is not None and access.can(permission)


def _results_url(world, made) -> str:  # type: ignore[no-untyped-def]
    return reverse("results:cluster", args=[world.cluster.slug]) + f"?round={made.round.pk}"


def _needs_url(world, made) -> str:  # type: ignore[no-untyped-def]
    return reverse("needs:index", args=[world.cluster.slug]) + f"?round={made.round.pk}"


def test_a_second_reading_is_the_same_page_without_reading_a_figure(world, mapped, login, monkeypatch):
    client = login(world.users["manager"])
    first = _page(client, _results_url(world, mapped))

    def no_figures(**kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the figures were read again")

    monkeypatch.setattr(cluster_read, "cluster_results", no_figures)
    assert _page(client, _results_url(world, mapped)) == first


def test_a_renamed_member_shows_its_new_name(world, mapped, login):
    client = login(world.users["manager"])
    assert world.membership.name in _page(client, _results_url(world, mapped))
    with scope(world.cluster):
        Membership.objects.filter(pk=world.membership.pk).update(name="Nytt Navn Industri AS")
    body = _page(client, _results_url(world, mapped))
    assert "Nytt Navn Industri AS" in body
    assert world.membership.name not in body


def test_a_higher_threshold_hides_what_the_cached_section_showed(world, mapped, login):
    client = login(world.users["manager"])
    respondents = '<dd class="kk-stat__value">15</dd>'
    before = _page(client, _results_url(world, mapped))
    assert respondents in before and 'id="areas-chart"' in before
    world.cluster.anonymity_threshold = 50
    world.cluster.save(update_fields=["anonymity_threshold"])
    body = _page(client, _results_url(world, mapped))
    # The whole round is now below k: no count of respondents, no chart.
    assert respondents not in body
    assert 'id="areas-chart"' not in body


def test_a_reader_who_may_not_open_companies_gets_no_links_from_the_managers_cache(world, mapped, login):
    link = f"/results/rounds/{mapped.round.pk}/companies/"
    manager_page = _page(login(world.users["manager"]), _results_url(world, mapped))
    assert link in manager_page
    # A company contact may open only its own company, so it has no cluster page at all; the
    # board reads the cluster's figures: whichever role lacks results.company must not inherit links.
    readers = [role for role in ("board", "advisor", "staff") if _may("results.cluster", world, role)]
    assert readers
    for role in readers:
        body = _page(login(world.users[role]), _results_url(world, mapped))
        assert (link in body) == _may("results.company", world, role)


def test_the_needs_page_counts_a_strategy_submitted_after_it_was_drawn(world, mapped, login):
    client = login(world.users["manager"])
    url = _needs_url(world, mapped) + "&sort=strategies"
    before = _page(client, url)
    assert _page(client, url) == before  # drawn once, then served
    with scopes_disabled():
        membership = Membership.objects.get(pk=world.membership.pk)
    make_strategy(
        membership=membership,
        year=mapped.round.opens_on.year,
        status=StrategyStatus.SUBMITTED,
        priority_areas=[AREA_CODES[0]],
    )
    after = _page(client, url)
    assert after != before
    with scope(world.cluster):
        counts = needs_analysis.strategy_counts(mapped.round)
    assert counts[AREA_CODES[0]] == 1


def test_the_needs_page_sort_links_follow_the_query_not_the_cache(world, mapped, login):
    client = login(world.users["manager"])
    url = _needs_url(world, mapped)
    _page(client, url + "&threshold=1.5")
    body = _page(client, url + "&threshold=0.5")
    assert "threshold=0.5&amp;sort=name" in body or "threshold=0.5&sort=name" in body
    assert "threshold=1.5" not in body
