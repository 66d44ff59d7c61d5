"""A round's aggregates are built when it closes, and equal a recomputation from the raw answers
whatever was submitted; no submission writes one; the rebuild command finds a corrupted row and
repairs it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.core.tenancy import scope
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import AreaAggregate, QuestionAggregate, SegmentCount
from klyngekart.surveys.results.aggregates import Tally, apply, rebuild, recompute
from klyngekart.surveys.results.release import NotReleased, release_version
from klyngekart.surveys.tests.answering import AREA_CODES, OPTIONS, build_mapping, full_answers
from klyngekart.surveys.tests.results_world import release

pytestmark = pytest.mark.django_db

KEYS = [option["key"] for option in OPTIONS]
scale = st.integers(min_value=1, max_value=5)
answer_sets = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["production", "office"]),
        "gaps": st.dictionaries(
            st.sampled_from(AREA_CODES),
            st.fixed_dictionaries({"importance": scale, "level": scale}),
            min_size=len(AREA_CODES),
        ),
        "culture": scale,
    },
    optional={
        "recommend": st.integers(min_value=0, max_value=10),
        "hours": st.integers(min_value=0, max_value=200),
        "forms": st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True),
        "top": st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True),
        "challenges": st.text(min_size=1, max_size=20).filter(str.strip),
    },
)


@given(st.lists(answer_sets, min_size=1, max_size=12))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_released_sums_equal_a_recomputation_after_random_submissions(world, answers: list[dict]) -> None:
    mapping = build_mapping(world.membership)
    with scope(world.cluster):
        for number, one in enumerate(answers):
            response_submit(
                round_company=mapping.company, raw_answers=one, submission_key=f"k{number}", language="nb"
            )
        # Nothing is summed while the round is open: no figure can move with one answer.
        assert not SegmentCount.objects.filter(round=mapping.round).exists()
        assert not AreaAggregate.objects.filter(round=mapping.round).exists()
    release(mapping.round)
    with scope(world.cluster):
        assert rebuild(round=mapping.round, fix=False) == []
        everyone = SegmentCount.objects.get(round_company=mapping.company, segment="")
        assert everyone.n == len(answers)
        for code in AREA_CODES:
            row = AreaAggregate.objects.get(round_company=mapping.company, segment="", area_code=code)
            gaps = [one["gaps"][code]["importance"] - one["gaps"][code]["level"] for one in answers]
            assert (row.n, row.sum_gap, row.sumsq_gap) == (len(answers), sum(gaps), sum(g * g for g in gaps))
        ranked = [one["top"] for one in answers if "top" in one]
        for option in KEYS:
            points = sum(3 - one.index(option) for one in ranked if option in one)
            ranked_row = QuestionAggregate.objects.filter(
                round_company=mapping.company, segment="", question_key="top", option_key=option
            ).first()
            assert (ranked_row.total if ranked_row else 0) == points
        tally = recompute(round=mapping.round)[mapping.company.pk]
        assert tally.rows["segment"][("",)] == [len(answers)]


@pytest.fixture
def answered(world):  # type: ignore[no-untyped-def]
    mapping = build_mapping(world.membership)
    with scope(world.cluster):
        for number, role in enumerate(["production", "production", "office"]):
            response_submit(
                round_company=mapping.company,
                raw_answers=full_answers(role=role, recommend=9, top=["mentoring", "courses"]),
                submission_key=f"k{number}",
                language="nb",
            )
    release(mapping.round)
    with scope(world.cluster):
        yield mapping


@pytest.mark.parametrize("role", ["production", "brand-new-segment"])
def test_a_submit_takes_a_fixed_number_of_statements_and_sums_nothing(world, role) -> None:  # type: ignore[no-untyped-def]
    """A response writes with five statements whatever its size: drafts, the company's counts, the
    response, its answers and its gap rows (on SQLite two more give the response and its answers
    random rowids: surveys/answering/services.py, "no insertion order"). No aggregate is touched: they are
    built at close. The definitions come from the per-version cache."""
    mapping = build_mapping(world.membership)
    if role != "production":
        mapping.questions["role"].options = [*mapping.questions["role"].options, {"key": role, "nb": role}]
        mapping.questions["role"].save()
    with scope(world.cluster):
        response_submit(  # warms the definitions cache, as every request after a worker's first
            round_company=mapping.company, raw_answers=full_answers(), submission_key="warm", language="nb"
        )
    with scope(world.cluster), CaptureQueriesContext(connection) as queries:
        response_submit(
            round_company=mapping.company,
            raw_answers=full_answers(role=role, recommend=9, top=["mentoring", "courses"]),
            submission_key="counted",
            language="nb",
        )
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == (7 if connection.vendor == "sqlite" else 5), statements
    assert not any("aggregate" in sql.lower() or "segmentcount" in sql.lower() for sql in statements)


def test_apply_adds_and_creates_rows_in_batches_within_the_parameter_limit(answered) -> None:  # type: ignore[no-untyped-def]
    """More rows than one statement may carry parameters for (SQLite: 999) still land, each once."""
    company = answered.company
    increments = Tally()
    codes = [f"area-{number}" for number in range(300)]
    for code in [*codes, "lean"]:
        increments.rows["area"][("", code)] = [1, 2, 3, -1, 4, 9, 1]
    before = AreaAggregate.objects.get(round_company=company, segment="", area_code="lean")
    with scope(company.cluster), CaptureQueriesContext(connection) as queries:
        apply(round_company=company, increments=increments)
    if connection.features.max_query_params:  # SQLite: 301 rows of 12 values are split
        assert len(queries) == -(-301 // (connection.features.max_query_params // 12))
    after = AreaAggregate.objects.get(round_company=company, segment="", area_code="lean")
    assert (after.n, after.sum_importance, after.sum_gap) == (
        before.n + 1,
        before.sum_importance + 2,
        before.sum_gap - 1,
    )
    created = AreaAggregate.objects.filter(round_company=company, area_code__in=codes)
    assert created.count() == len(codes)
    assert {(row.cluster_id, row.round_id, row.n, row.sumsq_level) for row in created} == {
        (company.cluster_id, company.round_id, 1, 9)
    }


def test_a_corrupted_row_is_reported_then_fixed(answered) -> None:  # type: ignore[no-untyped-def]
    with scope(answered.company.cluster):
        AreaAggregate.objects.filter(segment="", area_code="lean").update(sum_gap=999)
        SegmentCount.objects.filter(segment="role=office").delete()
        QuestionAggregate.objects.create(
            cluster=answered.company.cluster,
            round=answered.round,
            round_company=answered.company,
            segment="",
            question_key="ghost",
            option_key="x",
            n=2,
        )
        differences = rebuild(round=answered.round, fix=False)
        assert {(d.table, d.key) for d in differences} == {
            ("area", ("", "lean")),
            ("segment", ("role=office",)),
            ("question", ("", "ghost", "x")),
        }
        lean = next(d for d in differences if d.table == "area")
        assert lean.stored is not None and lean.expected is not None
        assert lean.stored[3] == 999 and lean.expected[3] == 9
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rebuild_aggregates", round=answered.round.pk, stdout=out, stderr=StringIO())
    assert "lean" in out.getvalue() and "ghost" in out.getvalue()
    call_command(
        "rebuild_aggregates", round=answered.round.pk, fix=True, stdout=StringIO(), stderr=StringIO()
    )
    call_command("rebuild_aggregates", all=True, stdout=StringIO(), stderr=StringIO())
    with scope(answered.company.cluster):
        assert rebuild(round=answered.round, fix=False) == []
        assert AreaAggregate.objects.get(segment="", area_code="lean").sum_gap == 9
        assert SegmentCount.objects.get(segment="role=office").n == 1
        assert not QuestionAggregate.objects.filter(question_key="ghost").exists()


def test_an_unknown_round_is_a_command_error(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError):
        call_command("rebuild_aggregates", round=424242, stdout=StringIO(), stderr=StringIO())


def test_a_release_has_one_name_until_a_repair(world) -> None:  # type: ignore[no-untyped-def]
    mapping = build_mapping(world.membership)
    with scope(world.cluster):
        response_submit(
            round_company=mapping.company, raw_answers=full_answers(), submission_key="one", language="nb"
        )
        with pytest.raises(NotReleased):
            release_version(mapping.round)
    release(mapping.round)
    with scope(world.cluster):
        before = release_version(mapping.round)
        assert release_version(mapping.round) == before
        rebuild(round=mapping.round, fix=True)  # nothing to repair: the name stays
        assert release_version(mapping.round) == before
        AreaAggregate.objects.filter(segment="", area_code="lean").update(sum_gap=999)
        rebuild(round=mapping.round, fix=True)
        assert release_version(mapping.round) != before
