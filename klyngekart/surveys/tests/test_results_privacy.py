"""The k-rules tried as an attacker would: random response sets over a few companies, every view
an attacker can request, and the people behind every figure that is shown.

For each figure we know the exact set of respondents behind it (we made them). A figure may be
shown only for a set of at least k; and for two figures of the same variable whose sets nest, the
difference (what subtracting one view from the other reveals) must be empty or at least k.
The cluster team sees the cluster page (with and without the split by role) and every company's
page; a company contact sees its own company's page, with the cluster average beside it.
"""

from __future__ import annotations

import json
import re
from itertools import combinations
from typing import Any

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.api.results import _body
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys import results as res
from klyngekart.surveys import results as sel
from klyngekart.surveys.models import AreaAggregate, QuestionAggregate, RoundCompany, SegmentCount
from klyngekart.surveys.results import cluster as csel
from klyngekart.surveys.tests.results_world import AREA_CODES, build_round, mark_released, tally_only

pytestmark = pytest.mark.django_db

ROLE = st.sampled_from(["production", "office", "other", None])
RESPONDENT = st.tuples(ROLE, st.lists(st.sampled_from(AREA_CODES), min_size=1, max_size=3, unique=True))
COMPANIES = st.lists(st.lists(RESPONDENT, min_size=0, max_size=12), min_size=1, max_size=4)

Figure = tuple[str, frozenset[int]]  # (variable, the respondents behind it)


@pytest.fixture
def mapping(world) -> Any:  # type: ignore[no-untyped-def]
    made = build_round(world.cluster)
    for _index in range(4):
        made.add_company()
    with scopes_disabled():
        made.questions_list = list(made.round.survey_version.questions.all())
    # Each example writes the aggregates a release would hold (tally_only) under one release.
    mark_released(made.round)
    return made


def _reset(mapping: Any) -> None:
    # The examples rewrite the aggregates under one release, whose name stays put: forget what was
    # derived from the last example.
    cache.clear()
    with scopes_disabled():
        for model in (SegmentCount, AreaAggregate, QuestionAggregate):
            model.objects.filter(round=mapping.round).delete()


def _fill(mapping: Any, companies: list[list[tuple[str | None, list[str]]]]) -> dict[str, Any]:
    """Tally the responses; return who is who: per company, role and area, the respondent ids."""
    people: dict[str, Any] = {"company": {}, "role": {}, "area": {}}
    next_id = 0
    for index, respondents in enumerate(companies):
        company = mapping.companies[index]
        for role, areas in respondents:
            raw: dict[str, Any] = {"gaps": {code: {"importance": 4, "level": 2} for code in areas}}
            if role:
                raw["role"] = role
            tally_only(company, mapping.questions_list, raw)
            people["company"].setdefault(company.pk, set()).add(next_id)
            people["role"].setdefault(role, set()).add(next_id)
            for code in areas:
                people["area"].setdefault(code, set()).add(next_id)
            next_id += 1
    people["all"] = set(range(next_id))
    return people


def _set(
    people: dict[str, Any], *, company: int | None = None, role: str | None = None, area: str | None = None
):
    chosen = set(people["all"])
    if company is not None:
        chosen &= people["company"].get(company, set())
    if role is not None:
        chosen &= people["role"].get(role, set())
    if area is not None:
        chosen &= people["area"].get(area, set())
    return frozenset(chosen)


def _role(key: str) -> str:
    return key.split("=", 1)[1]


def _company_figures(result: sel.CompanyResults, people: dict[str, Any]) -> list[Figure]:
    rc = result.round_company.pk
    figures: list[Figure] = []
    if not result.n.suppressed:
        figures.append(("n", _set(people, company=rc)))
        assert result.n.value == len(_set(people, company=rc))
    for row in result.areas:
        if not row.figures.suppressed:
            figures.append((row.code, _set(people, company=rc, area=row.code)))
            assert row.figures.n == len(_set(people, company=rc, area=row.code))
        if not row.cluster.suppressed:
            figures.append((row.code, _set(people, area=row.code)))
    for segment in result.segments:
        if segment.suppressed:
            assert segment.areas == [] and segment.n.value is None
            continue
        figures.append(("n", _set(people, company=rc, role=_role(segment.key))))
        for row in segment.areas:
            if not row.figures.suppressed:
                figures.append((row.code, _set(people, company=rc, role=_role(segment.key), area=row.code)))
    return figures


def _cluster_figures(
    result: csel.ClusterResults, people: dict[str, Any], pool: frozenset[int]
) -> list[Figure]:
    figures: list[Figure] = []
    if not result.n.suppressed:
        figures.append(("n", _set(people)))
    for row in result.areas:
        if not row.figures.suppressed:
            figures.append((row.code, _set(people, area=row.code)))
    for segment in result.segments:
        if not segment.suppressed:
            figures.append(("n", _set(people, role=_role(segment.key))))
            for row in segment.areas:
                if not row.figures.suppressed:
                    figures.append((row.code, _set(people, role=_role(segment.key), area=row.code)))
    for listed in result.companies:
        if not listed.n.suppressed:
            figures.append(("n", _set(people, company=listed.round_company.pk)))
    if not result.pool_n.suppressed:
        figures.append(("n", pool))
    return figures


def _needs_figures(round_: Any, people: dict[str, Any]) -> list[Figure]:
    """What the needs page and its report show the same viewers: each company cell and the pooled
    cell per area, and the cells of segments of companies (size class, NACE section, region)."""
    figures: list[Figure] = []
    cells = res.company_cells(round_, list(AREA_CODES))

    def of(ids: set[int], code: str) -> frozenset[int]:
        return frozenset().union(*(_set(people, company=rc, area=code) for rc in ids)) if ids else frozenset()

    for code in AREA_CODES:
        for rc in cells.area_cells.get(code, set()):
            assert not cells.company_gap(rc, code).suppressed
            figures.append((code, of({rc}, code)))
        if not res.pool_cell(cells, code).suppressed:
            figures.append((code, of(cells.pool_ids(code), code)))
        for kind in res.SEGMENT_KINDS:
            groups = res.segment_groups(cells, kind)
            for value, cell in res.segment_cells(cells, kind, code).items():
                if not cell.suppressed:
                    figures.append((code, of(groups[value], code)))
    return figures


def _check(figures: list[Figure], k: int, who: str) -> None:
    """Each figure from k or more; and a figure minus one view, or minus several disjoint views
    inside it (two segments taken from their company), leaves nobody or at least k."""
    for variable, members in figures:
        assert len(members) >= k, f"{who}: a figure of {variable} from {len(members)} < k={k} people"
    for variable, big in figures:
        inside = [small for var, small in figures if var == variable and small < big]
        for size in (1, 2, 3):
            for chosen in combinations(inside, size):
                if sum(len(part) for part in chosen) != len(frozenset().union(*chosen)):
                    continue  # overlapping views cannot simply be subtracted
                rest = len(big - frozenset().union(*chosen))
                assert rest == 0 or rest >= k, (
                    f"{who}: {variable} minus {size} view(s) isolates {rest} < k={k}"
                )


def _numbers_in(body: dict[str, Any]) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", json.dumps(body))]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(companies=COMPANIES, k=st.integers(min_value=3, max_value=6))
def test_no_view_or_pair_of_views_reveals_a_group_below_k(world, mapping, companies, k) -> None:
    _reset(mapping)
    world.cluster.anonymity_threshold = k
    world.cluster.save(update_fields=["anonymity_threshold"])
    mapping.round.cluster = world.cluster
    people = _fill(mapping, companies)
    with scope(world.cluster):
        parts = list(RoundCompany.objects.filter(round=mapping.round).select_related("company"))
        team_figures: list[Figure] = []
        for segment in (None, "role"):
            cluster = csel.cluster_results(round=mapping.round, segment_question=segment)
            listed = {row.round_company.pk for row in cluster.companies if not row.n.suppressed}
            in_pool = [pk for pk in people["company"] if pk not in listed]
            pool = frozenset().union(*(people["company"][pk] for pk in in_pool)) if in_pool else frozenset()
            team_figures += _cluster_figures(cluster, people, pool)
            body = _body(cluster, None)
            if body["suppressed"]:
                assert body["n"] is None and body["areas"] == [] and body["segments"] == []
            for part in parts:
                company = sel.company_results(
                    round=mapping.round, round_company=part, segment_question=segment
                )
                team_figures += _company_figures(company, people)
                own = sel.company_results(
                    round=mapping.round,
                    round_company=part,
                    segment_question=segment,
                    viewer_company_ids={part.company_id},
                )
                _check(_company_figures(own, people), k, f"contact of {part.pk}")
                for result in (company, own):
                    body = _body(result, part.company.org_number)
                    if body["suppressed"]:
                        # Nothing from the answers: the only numbers are the round id and k.
                        assert body["n"] is None and body["areas"] == [] and body["segments"] == []
                        assert set(_numbers_in({k_: v for k_, v in body.items() if k_ != "company"})) <= {
                            float(mapping.round.pk),
                            float(k),
                        }
        # The needs page's cells sit beside the results pages for the same viewers.
        team_figures += _needs_figures(mapping.round, people)
        _check(list(set(team_figures)), k, "cluster team")


def test_visible_parts_leave_no_small_remainder() -> None:
    """Whatever remains after the shown parts is empty or at least k."""
    assert sel.visible_parts(10, {"a": 5, "b": 5}, 5) == {"a", "b"}
    # Two who answered neither: showing both segments would reveal them by subtraction.
    assert sel.visible_parts(12, {"a": 5, "b": 5}, 5) == {"b"}
    # Three groups, one small: the smallest shown one goes into the hidden pool with it.
    assert sel.visible_parts(12, {"a": 5, "b": 5, "c": 2}, 5) == {"b"}
    assert sel.visible_parts(17, {"a": 5, "b": 10, "c": 2}, 5) == {"b"}
    # A segment and the rest must both reach k.
    assert sel.visible_parts(9, {"a": 5}, 5) == set()
    assert sel.visible_parts(10, {"a": 5}, 5) == {"a"}
    assert sel.visible_parts(0, {}, 5) == set()
