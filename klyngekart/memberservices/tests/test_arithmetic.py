"""NPS, the quadrants and the k rule of round-level scale figures, as plain arithmetic."""

from __future__ import annotations

import random

import pytest

from klyngekart.core.privacy import segment_visible
from klyngekart.memberservices.selectors import CONCENTRATE, KEEP_UP, LOW_PRIORITY, OVERKILL, quadrant
from klyngekart.surveys.results import ROUND, nps_of
from klyngekart.surveys.results.core import remainder_ok
from klyngekart.surveys.results.scales import shown_groups


def test_nps_all_promoters_is_100():
    figure = nps_of({9: 3, 10: 7})
    assert figure is not None
    assert (figure.score, figure.promoters, figure.passives, figure.detractors, figure.n) == (
        100,
        100,
        0,
        0,
        10,
    )


def test_nps_no_promoters_all_detractors_is_minus_100():
    figure = nps_of({0: 1, 3: 2, 6: 4})
    assert figure is not None
    assert (figure.score, figure.promoters, figure.detractors) == (-100, 0, 100)


def test_nps_only_passives_is_zero():
    figure = nps_of({7: 5, 8: 5})
    assert figure is not None
    assert (figure.score, figure.passives) == (0, 100)


def test_nps_mixed_rounds_to_whole_points():
    # 4 promoters, 2 passives, 1 detractor of 7: (4 - 1) / 7 = 42.86 %
    figure = nps_of({10: 2, 9: 2, 8: 1, 7: 1, 6: 1})
    assert figure is not None
    assert figure.score == 43
    assert figure.n == 7


def test_nps_without_answers_is_none():
    assert nps_of({}) is None
    assert nps_of({5: 0}) is None


@pytest.mark.parametrize(
    ("importance", "satisfaction", "expected"),
    [
        (4.5, 2.0, CONCENTRATE),
        (4.5, 4.5, KEEP_UP),
        (2.0, 2.0, LOW_PRIORITY),
        (2.0, 4.5, OVERKILL),
        (3.5, 3.5, KEEP_UP),  # on both splits: counts as high
        (3.5, 3.4, CONCENTRATE),
        (3.4, 3.5, OVERKILL),
    ],
)
def test_quadrant_split_at_the_means(importance, satisfaction, expected):
    assert quadrant(importance, satisfaction, 3.5, 3.5) == expected


def _check(company_n: dict[int, int], company_group: dict[int, str], k: int) -> None:
    """No shown figure, and no difference between shown figures and the companies' own (which
    company pages show from k answers), isolates fewer than k answers."""
    shown = shown_groups(company_n, company_group, k)
    total = sum(company_n.values())
    unexposed = {rc: n for rc, n in company_n.items() if n < k}
    if ROUND not in shown:
        assert shown == set()
        return
    assert total >= k
    assert remainder_ok(sum(unexposed.values()), k)
    segments = shown - {ROUND}
    covered_n = covered_u = 0
    for value in segments:
        members = [rc for rc in company_n if company_group.get(rc) == value]
        n = sum(company_n[rc] for rc in members)
        u = sum(unexposed.get(rc, 0) for rc in members)
        assert segment_visible(n, total, k)  # the segment and round minus the segment
        assert remainder_ok(u, k)  # the segment minus its companies' own figures
        assert remainder_ok(sum(unexposed.values()) - u, k)  # the rest minus its companies
        covered_n += n
        covered_u += u
    # The round minus every shown segment (and minus the companies' own figures)
    assert remainder_ok(total - covered_n, k)
    assert remainder_ok(sum(unexposed.values()) - covered_u, k)


@pytest.mark.parametrize("seed", range(300))
def test_property_no_figure_isolates_fewer_than_k(seed):
    rng = random.Random(seed)  # noqa: S311 - test data
    k = rng.choice([3, 5])
    companies = rng.randint(1, 12)
    company_n = {rc: rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12]) for rc in range(companies)}
    values = ["small", "medium", "large", ""]
    company_group = {rc: rng.choice(values) for rc in range(companies)}
    _check(company_n, company_group, k)


def test_a_small_segment_is_hidden_and_so_is_its_partner_when_only_two():
    # Two segments of small companies: "a" has 2 answers, "b" 8. Showing "b" would give away "a"
    # (the round minus b), so only the round is shown.
    shown = shown_groups({1: 2, 2: 2, 3: 2, 4: 4}, {1: "a", 2: "b", 3: "b", 4: "b"}, 5)
    assert shown == {ROUND}
    # With 5 in "a" both segments stand.
    shown = shown_groups({1: 3, 5: 2, 2: 2, 3: 2, 4: 4}, {1: "a", 5: "a", 2: "b", 3: "b", 4: "b"}, 5)
    assert shown == {ROUND, "a", "b"}


def test_a_round_whose_small_companies_sum_below_k_is_hidden():
    # One company with 6 answers (its own page can show it), another with 2: round minus the first = 2.
    assert shown_groups({1: 6, 2: 2}, {}, 5) == set()
    assert shown_groups({1: 6, 2: 5}, {}, 5) == {ROUND}
