"""Property tests of the barometer's suppression (suppression.py) over made-up installations:
whatever the companies, clusters and k, no shown figure rests on fewer than k companies, clusters or
answers, and no two figures a reader can reach subtract into such a small group, within one
edition or between two."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from klyngekart.barometer.suppression import (
    DIMENSIONS,
    TOTAL_VIEW,
    Fact,
    Signature,
    cross_view_allows,
    decide,
    history_allows,
    signature_of,
    views_of,
)

SECTORS = ("C", "F", "J")
REGIONS = ("03", "46", "50")
SIZES = ("micro", "small", "medium", "large")


@st.composite
def installations(draw: st.DrawFn) -> tuple[list[Fact], int]:
    k = draw(st.integers(min_value=3, max_value=5))
    clusters = draw(st.integers(min_value=1, max_value=9))
    facts: list[Fact] = []
    company_ids = st.integers(min_value=1, max_value=40)  # small: companies in several clusters
    for cluster_id in range(1, clusters + 1):
        for company_id in draw(st.sets(company_ids, max_size=8)):
            facts.append(
                Fact(
                    cluster_id=cluster_id,
                    round_id=100 + cluster_id,
                    company_id=company_id,
                    sector=draw(st.sampled_from(SECTORS)),
                    region=draw(st.sampled_from(REGIONS)),
                    size=draw(st.sampled_from(SIZES)),
                    n=draw(st.integers(min_value=1, max_value=6)),
                    sum_gap=draw(st.integers(min_value=-5, max_value=20)),
                )
            )
    return facts, k


def population(facts: list[Fact], view: tuple[str, str]) -> set[int]:
    """The facts in a view, worked out here again rather than with the module's own helper."""
    dimension, value = view
    return {index for index, fact in enumerate(facts) if not dimension or getattr(fact, dimension) == value}


def small(facts: list[Fact], members: set[int], k: int) -> bool:
    chosen = [facts[index] for index in members]
    return (
        len({fact.company_id for fact in chosen}) < k
        or len({fact.cluster_id for fact in chosen}) < k
        or sum(fact.n for fact in chosen) < k
    )


@settings(max_examples=300, deadline=None)
@given(installations())
def test_every_shown_figure_rests_on_k_companies_k_clusters_and_k_answers(
    case: tuple[list[Fact], int],
) -> None:
    facts, k = case
    for view, reason in decide(facts, k).items():
        if not reason:
            assert not small(facts, population(facts, view), k), view


@settings(max_examples=300, deadline=None)
@given(installations())
def test_no_two_shown_figures_subtract_into_a_small_group(case: tuple[list[Fact], int]) -> None:
    facts, k = case
    shown = [view for view, reason in decide(facts, k).items() if not reason]
    for first, second in combinations(shown, 2):
        a, b = population(facts, first), population(facts, second)
        for outer, inner in ((a, b), (b, a)):
            if inner < outer:
                assert not small(facts, outer - inner, k), (first, second)


@settings(max_examples=300, deadline=None)
@given(installations())
def test_what_the_shown_values_of_a_dimension_leave_over_is_empty_or_reaches_k(
    case: tuple[list[Fact], int],
) -> None:
    facts, k = case
    decided = decide(facts, k)
    if decided.get(TOTAL_VIEW):
        return  # the total is hidden: nothing to subtract from
    everyone = population(facts, TOTAL_VIEW)
    for dimension in DIMENSIONS:
        covered: set[int] = set()
        for (kind, value), reason in decided.items():
            if kind == dimension and not reason:
                covered |= population(facts, (kind, value))
        rest = everyone - covered
        if covered and rest:
            assert not small(facts, rest, k), dimension


@st.composite
def editions(draw: st.DrawFn) -> tuple[list[Signature], int]:
    """A run of editions: each one the previous with some clusters joining, leaving or releasing
    a newer round."""
    k = draw(st.integers(min_value=3, max_value=5))
    current: Signature = {}
    runs: list[Signature] = []
    for _step in range(draw(st.integers(min_value=1, max_value=12))):
        joining = draw(st.lists(st.integers(min_value=1, max_value=30), max_size=6))
        leaving = draw(st.lists(st.sampled_from(sorted(current)), max_size=4)) if current else []
        current = {key: count for key, count in current.items() if key not in leaving}
        for cluster in joining:
            round_id = draw(st.integers(min_value=1, max_value=3))
            current = {key: count for key, count in current.items() if not key.startswith(f"{cluster}:")}
            current[f"{cluster}:{round_id}"] = draw(st.integers(min_value=1, max_value=4))
        runs.append(dict(sorted(current.items())))
    return runs, k


def side(keys: set[str], signature: Signature) -> tuple[int, int]:
    return len({key.split(":")[0] for key in keys}), sum(signature[key] for key in keys)


@settings(max_examples=300, deadline=None)
@given(editions())
def test_two_editions_of_one_figure_never_differ_by_fewer_than_k_clusters(
    case: tuple[list[Signature], int],
) -> None:
    runs, k = case
    shown: list[Signature] = []
    for signature in runs:
        if history_allows(signature, shown, k):
            shown.append(signature)
    for old, new in combinations(shown, 2):
        if old == new:
            continue
        changed = {key for key in set(old) & set(new) if old[key] != new[key]}
        for keys, signature in ((set(new) - set(old) | changed, new), (set(old) - set(new) | changed, old)):
            if keys:
                clusters, companies = side(keys, signature)
                assert clusters >= k and companies >= k


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[list[Fact]], int]:
    """Editions of one year and area: each the previous with clusters joining, leaving or
    releasing a newer round. Company ids are the cluster's own here (the signatures count a company
    in two clusters twice; docs/architecture.md says so)."""
    k = draw(st.integers(min_value=3, max_value=4))
    current: dict[int, list[Fact]] = {}
    runs: list[list[Fact]] = []
    for _step in range(draw(st.integers(min_value=1, max_value=6))):
        for cluster_id in draw(st.lists(st.sampled_from(sorted(current)), max_size=2)) if current else []:
            current.pop(cluster_id, None)
        for cluster_id in draw(st.lists(st.integers(min_value=1, max_value=12), max_size=4)):
            round_id = draw(st.integers(min_value=1, max_value=2))
            current[cluster_id] = [
                Fact(
                    cluster_id=cluster_id,
                    round_id=round_id,
                    company_id=cluster_id * 100 + company,
                    sector="C",
                    region="46",
                    size=draw(st.sampled_from(SIZES)),
                    n=draw(st.integers(min_value=1, max_value=4)),
                    sum_gap=0,
                )
                for company in range(draw(st.integers(min_value=1, max_value=5)))
            ]
        runs.append([fact for facts in current.values() for fact in facts])
    return runs, k


@settings(max_examples=200, deadline=None)
@given(histories())
def test_no_two_figures_of_any_editions_subtract_into_a_small_group(
    case: tuple[list[list[Fact]], int],
) -> None:
    runs, k = case
    shown: list[tuple[tuple[str, str], frozenset[tuple[int, int, int]], Signature]] = []
    for facts in runs:
        views = views_of(facts)
        accepted = []
        for view, reason in decide(facts, k, views).items():
            if reason:
                continue
            members = [facts[index] for index in views[view]]
            signature = signature_of(members)
            same = [old for seen, _p, old in shown if seen == view]
            others = [old for seen, _p, old in shown if seen != view]
            if history_allows(signature, same, k) and cross_view_allows(signature, others, k):
                population = frozenset((f.cluster_id, f.round_id, f.company_id) for f in members)
                accepted.append((view, population, signature))
        shown += accepted
    for (_a, first, _s1), (_b, second, _s2) in combinations(shown, 2):
        for outer, inner in ((first, second), (second, first)):
            if inner < outer:
                rest = outer - inner
                assert len({company for _c, _r, company in rest}) >= k
                assert len({cluster for cluster, _r, _c in rest}) >= k
