"""The aggregates of a released round: what one response adds, writing the sums, proving them right.

``tally()`` turns one response's cleaned answers into increments; ``recompute()`` tallies every
counted response of a round from the raw answers, and ``apply()`` writes a company's sums (the
release does both, once, when the round closes: surveys/results/release.py); ``rebuild()`` recomputes a
released round again and reports (and with ``fix`` repairs) any difference.

Rows per (round company, segment) where segment "" is everyone and "<question>=<option>" a group:
- SegmentCount: n respondents;
- AreaAggregate per gap-matrix area: n and the sums and sums of squares of importance, level, gap;
- QuestionAggregate per (question, option): Likert/number/NPS option "" has n, total, total_sq of
  the value, and Likert/NPS also one row per value ("1".."5", "0".."10") counting it; single and
  multiple choice one row per chosen option (n); ranking one row per ranked option with n and
  total/total_sq of its points (3 for first place, 2, 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F

from klyngekart.surveys.definitions.logic import RANKING_SIZE, is_not_relevant, response_segments
from klyngekart.surveys.models import (
    Answer,
    AreaAggregate,
    GapAnswer,
    Question,
    QuestionAggregate,
    QuestionType,
    Response,
    Round,
    RoundCompany,
    SegmentCount,
)
from klyngekart.surveys.models.responses import ALL

SEGMENT_FIELDS = ("n",)
AREA_FIELDS = ("n", "sum_importance", "sum_level", "sum_gap", "sumsq_importance", "sumsq_level", "sumsq_gap")
QUESTION_FIELDS = ("n", "total", "total_sq")

# (model, the fields that name a row besides round_company, the summed fields)
TABLES: dict[str, tuple[type[models.Model], tuple[str, ...], tuple[str, ...]]] = {
    "segment": (SegmentCount, ("segment",), SEGMENT_FIELDS),
    "area": (AreaAggregate, ("segment", "area_code"), AREA_FIELDS),
    "question": (QuestionAggregate, ("segment", "question_key", "option_key"), QUESTION_FIELDS),
}

Key = tuple[str, ...]


def _add(target: dict[Key, list[int]], key: Key, values: Sequence[int]) -> None:
    row = target.setdefault(key, [0] * len(values))
    for index, value in enumerate(values):
        row[index] += value


@dataclass
class Tally:
    """Increments per table and row key (see TABLES for what a key holds)."""

    rows: dict[str, dict[Key, list[int]]] = field(default_factory=lambda: {name: {} for name in TABLES})

    def merge(self, other: Tally) -> None:
        for name, increments in other.rows.items():
            for key, values in increments.items():
                _add(self.rows[name], key, values)


def tally(
    questions: Iterable[Question],
    answers: dict[str, Any],
    segments: Sequence[str],
    *,
    into: Tally | None = None,
) -> Tally:
    """What one response (cleaned answers, as surveys.logic gives them) adds to its company's rows;
    with ``into``, added to that tally (a recomputation sums a company's responses in place)."""
    result = Tally() if into is None else into
    areas, per_question = result.rows["area"], result.rows["question"]
    groups = [ALL, *segments]
    for group in groups:
        _add(result.rows["segment"], (group,), (1,))
    for question in questions:
        value = answers.get(question.key)
        if value is None:
            continue
        kind = question.type
        for group in groups:
            if kind == QuestionType.GAP_MATRIX:
                for code, pair in value.items():
                    if is_not_relevant(pair):
                        continue  # "not relevant for me": no answer and no gap, not in the area's n
                    importance, level = int(pair["importance"]), int(pair["level"])
                    gap = importance - level
                    _add(
                        areas,
                        (group, code),
                        (1, importance, level, gap, importance**2, level**2, gap**2),
                    )
            elif kind in (QuestionType.LIKERT, QuestionType.NPS, QuestionType.NUMBER):
                number = int(value)
                _add(per_question, (group, question.key, ""), (1, number, number**2))
                if kind != QuestionType.NUMBER:
                    _add(per_question, (group, question.key, str(number)), (1, 0, 0))
            elif kind == QuestionType.SINGLE:
                _add(per_question, (group, question.key, str(value)), (1, 0, 0))
            elif kind == QuestionType.MULTIPLE:
                for option in value:
                    _add(per_question, (group, question.key, str(option)), (1, 0, 0))
            elif kind == QuestionType.RANKING:
                for place, option in enumerate(value):
                    points = RANKING_SIZE - place
                    _add(per_question, (group, question.key, str(option)), (1, points, points**2))
    return result


@lru_cache(maxsize=64)
def _upsert_sql(
    vendor: str,
    model: type[models.Model],
    key_fields: tuple[str, ...],
    sum_fields: tuple[str, ...],
    rows: int,
) -> str:
    """``INSERT ... VALUES (...) x rows ON CONFLICT (<the unique key>) DO UPDATE SET f = t.f + excluded.f``.
    Only names go into the text, quoted by the backend; every value is a parameter. The same text
    runs on SQLite (3.24 and later) and PostgreSQL; ``vendor`` only keys the cache of the text."""
    del vendor
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)

    columns = {field.name: str(field.column) for field in meta.concrete_fields}

    def column(name: str) -> str:
        return quote(columns[name])

    names = [column(name) for name in ("cluster", "round", "round_company", *key_fields, *sum_fields)]
    conflict = ", ".join(column(name) for name in ("round_company", *key_fields))
    assign = ", ".join(
        f"{column(name)} = {table}.{column(name)} + excluded.{column(name)}" for name in sum_fields
    )
    marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    values = ", ".join([marks] * rows)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES {values} "  # noqa: S608  (names only, quoted)
        f"ON CONFLICT ({conflict}) DO UPDATE SET {assign}"
    )


def apply(*, round_company: RoundCompany, increments: Tally) -> None:
    """Add ``increments`` to the company's stored rows: one statement per table, an upsert that
    creates a missing row with the increments as its values and adds them to an existing one in
    the database (``n = n + excluded.n``). Call inside the submit transaction with the RoundCompany
    row locked, so the company's rows change one submission at a time (the upsert itself would
    also be safe against a concurrent insert of the same row)."""
    ids = (round_company.cluster_id, round_company.round_id, round_company.pk)
    limit = connection.features.max_query_params
    for name, (model, key_fields, sum_fields) in TABLES.items():
        wanted = increments.rows[name]
        if not wanted:
            continue
        width = 3 + len(key_fields) + len(sum_fields)
        rows: list[tuple[Any, ...]] = [(*ids, *key, *values) for key, values in wanted.items()]
        # Sorted, so two transactions that touch the same rows take their locks in one order.
        rows.sort(key=lambda row: row[3 : 3 + len(key_fields)])
        per_statement = max(1, limit // width) if limit else len(rows)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                cursor.execute(
                    _upsert_sql(connection.vendor, model, key_fields, sum_fields, len(chunk)),
                    [value for row in chunk for value in row],
                )


@dataclass(frozen=True)
class Difference:
    """A stored aggregate row that is not what the raw answers give (None: no such row)."""

    table: str
    round_company_id: int
    key: Key
    stored: tuple[int, ...] | None
    expected: tuple[int, ...] | None

    def __str__(self) -> str:
        key = " ".join(part or '""' for part in self.key)
        where = f"{self.table} company={self.round_company_id} {key}"
        return f"{where}: stored {self.stored}, expected {self.expected}"


# Rows a recomputation reads per round trip: memory stays flat whatever the round's size.
STREAM_CHUNK = 5000


def _grouped(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, list[tuple[Any, ...]]]]:
    """(response id, its rows) from rows that start with the response id and come sorted by it."""
    for response_id, group in groupby(rows, key=itemgetter(0)):
        yield response_id, list(group)


def recompute(*, round: Round) -> dict[int, Tally]:  # noqa: A002
    """Every aggregate of a round, per RoundCompany id, from the raw answers.

    Streams plain rows (no model instances) of the responses, their answers and their gap rows, each
    sorted by response, and walks them side by side: one response's answers are in memory at a
    time, and each goes through the same ``tally()`` a submission applies."""
    questions = list(round.survey_version.questions.all())
    types = {question.key: question.type for question in questions}
    expected: dict[int, Tally] = defaultdict(Tally)
    responses = (
        Response.objects.filter(round=round, held__isnull=True)
        .order_by("id")
        .values_list("id", "round_company_id")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    answers = _grouped(
        Answer.objects.filter(round=round)
        .order_by("response_id")
        .values_list("response_id", "question_key", "value")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    gaps = _grouped(
        GapAnswer.objects.filter(round=round)
        .order_by("response_id")
        .values_list("response_id", "question_key", "area_code", "importance", "level")
        .iterator(chunk_size=STREAM_CHUNK)
    )
    next_answers, next_gaps = next(answers, None), next(gaps, None)
    for response_id, company_id in responses:
        given: dict[str, Any] = {}
        # Rows of a response that is not in this round (none, by the foreign keys) are skipped.
        while next_answers is not None and next_answers[0] < response_id:
            next_answers = next(answers, None)
        if next_answers is not None and next_answers[0] == response_id:
            for _response, key, value in next_answers[1]:
                if key in types:
                    given[key] = value
            next_answers = next(answers, None)
        while next_gaps is not None and next_gaps[0] < response_id:
            next_gaps = next(gaps, None)
        if next_gaps is not None and next_gaps[0] == response_id:
            for _response, key, code, importance, level in next_gaps[1]:
                given.setdefault(key, {})[code] = {"importance": importance, "level": level}
            next_gaps = next(gaps, None)
        segments = response_segments(questions, given)
        tally(questions, given, segments, into=expected[company_id])
    return expected


def rebuild(*, round: Round, fix: bool) -> list[Difference]:  # noqa: A002
    """Compare the stored aggregates of ``round`` with a recomputation; with ``fix`` make them equal.

    Runs in one transaction with the round's companies locked, so no submission lands between the
    recomputation and the repair. All-zero rows count as absent (a row may exist before it counts)."""
    differences: list[Difference] = []
    with transaction.atomic():
        # The lock: a submission into any of the round's companies waits for the repair.
        list(
            RoundCompany.objects.select_for_update()
            .filter(round=round)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        expected = recompute(round=round)
        for name, (model, key_fields, sum_fields) in TABLES.items():
            stored: dict[tuple[int, Key], tuple[int, tuple[int, ...]]] = {}
            width = len(key_fields)
            rows = (
                model.objects.filter(round_company__round=round)  # type: ignore[attr-defined]
                .values_list("pk", "round_company_id", *key_fields, *sum_fields)
                .iterator(chunk_size=STREAM_CHUNK)
            )
            for pk, company_id, *values in rows:
                stored[(company_id, tuple(values[:width]))] = (pk, tuple(values[width:]))
            wanted = {
                (company_id, key): tuple(values)
                for company_id, company_tally in expected.items()
                for key, values in company_tally.rows[name].items()
            }
            for place in sorted(set(stored) | set(wanted)):
                have = stored[place][1] if place in stored else None
                want = wanted.get(place)
                if have == want or (want is None and have is not None and not any(have)):
                    continue
                differences.append(Difference(name, place[0], place[1], have, want))
                if fix:
                    _repair(model, key_fields, sum_fields, place, stored.get(place), want, round)
        if fix and differences:
            Round.objects.filter(pk=round.pk).update(aggregates_revision=F("aggregates_revision") + 1)
    return differences


def _repair(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    sum_fields: tuple[str, ...],
    place: tuple[int, Key],
    stored: tuple[int, tuple[int, ...]] | None,
    want: tuple[int, ...] | None,
    round_: Round,
) -> None:
    manager = model.objects  # type: ignore[attr-defined]
    if want is None:
        if stored is not None:
            manager.filter(pk=stored[0]).delete()
    elif stored is not None:
        manager.filter(pk=stored[0]).update(**dict(zip(sum_fields, want, strict=True)))
    else:
        manager.create(
            cluster_id=round_.cluster_id,
            round=round_,
            round_company_id=place[0],
            **dict(zip(key_fields, place[1], strict=True)),
            **dict(zip(sum_fields, want, strict=True)),
        )
