"""Scale data: a deterministic dataset at the sizes PRODUCT.md ("The scale to serve") promises.

Clusters, member companies and the mapping survey come from the services the pages use (the default
taxonomy through ``taxonomy_current``, the survey from its template, the round through
``round_create``/``round_open``/``round_close``). The respondents (responses, answers and gap rows)
are written raw, in batches: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, since one
``response_submit`` per respondent would take hours at national scale and even model instances cost
more than the insert. Each round is then closed and released by ``release_build``, the code a real
close runs (its time is reported as "release"), and a few releases are proved again by
``aggregates.rebuild``.

Everything random comes from one ``random.Random(seed)``, ids included, so two runs with the same seed
into empty databases hold the same rows (bar autoincrement keys).
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Sum
from django.utils import timezone

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership, MembershipStatus, SizeClass
from klyngekart.members.validators import is_valid_org_number
from klyngekart.surveys.answering.services import round_areas, round_questions, submission_hash
from klyngekart.surveys.definitions.templates import survey_create_from_template
from klyngekart.surveys.models import (
    Answer,
    AreaAggregate,
    GapAnswer,
    QuestionAggregate,
    QuestionType,
    Response,
    Round,
    RoundCompany,
    SegmentCount,
)
from klyngekart.surveys.results import aggregates
from klyngekart.surveys.results.release import release_build
from klyngekart.surveys.rounds.services import round_close, round_create, round_open
from klyngekart.taxonomy.models import CompetenceArea
from klyngekart.taxonomy.nace import lookup_nace
from klyngekart.taxonomy.services import area_hide, taxonomy_current

TEMPLATE = "employee_mapping"
SLUG_PREFIX = "scale-"
# PRODUCT.md counts 40 areas per respondent; the default taxonomy ships a few more, so the rest
# are hidden through the taxonomy service before the round pins the version.
AREAS = 40
# Respondents per insert transaction: big enough that commits do not dominate, small enough that
# one batch of rows stays a few tens of MB.
BATCH = 1000
NACE_CODES = ("03.211", "03.212", "10.202", "10.912", "26.510", "30.110", "62.100", "71.129")
REGIONS = ("46", "15", "18", "50", "03", "11")


@dataclass(frozen=True)
class Scale:
    clusters: int
    companies: int
    respondents: int


SCALES = {
    "tiny": Scale(clusters=2, companies=12, respondents=300),
    "cluster": Scale(clusters=1, companies=400, respondents=20_000),
    "national": Scale(clusters=100, companies=20_000, respondents=600_000),
}


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` nearly equal shares, the larger ones first."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _org_numbers(count: int) -> list[str]:
    """Valid (MOD11) organisation numbers in a range no real company has: 3xxxxxxxx is unassigned."""
    numbers: list[str] = []
    stem = 30_000_000
    while len(numbers) < count:
        for check in range(10):
            candidate = f"{stem}{check}"
            if is_valid_org_number(candidate):
                numbers.append(candidate)
                break
        stem += 1
    return numbers


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


class Progress:
    def __init__(self, out: Callable[[str], None], total_respondents: int) -> None:
        self.out = out
        self.total = total_respondents
        self.started = time.perf_counter()
        self.respondents = 0
        self.rows = 0
        self.last_report = 0.0
        self.reported = 0

    def add(self, respondents: int, rows: int, *, force: bool = False) -> None:
        self.respondents += respondents
        self.rows += rows
        elapsed = time.perf_counter() - self.started
        if (force and self.respondents != self.reported) or elapsed - self.last_report >= 5:
            self.last_report, self.reported = elapsed, self.respondents
            self.out(
                f"  respondents {self.respondents:,}/{self.total:,}, answer rows {self.rows:,} "
                f"in {elapsed:.1f} s ({self.rows / max(elapsed, 1e-9):,.0f} rows/s)"
            )


def _companies(rng: random.Random, offset: int, count: int, org_numbers: list[str]) -> list[Company]:
    companies = []
    for index in range(offset, offset + count):
        nace = rng.choice(NACE_CODES)
        found = lookup_nace(nace)
        employees = int(rng.lognormvariate(3.0, 1.2)) + 1
        companies.append(
            Company(
                org_number=org_numbers[index],
                name=f"Skala Bedrift {index + 1:05d} AS",
                nace_code=nace,
                nace_section=found.section if found else "",
                employees=employees,
                size_class=SizeClass.for_employees(employees),
                municipality="Bergen",
                region=rng.choice(REGIONS),
            )
        )
    return companies


def _setup_cluster(number: int, companies: list[Company], today: date) -> Round:
    cluster = Cluster(
        name=f"Skalaklynge {number:03d}",
        slug=f"{SLUG_PREFIX}{number:03d}",
        city="Bergen",
    )
    cluster.full_clean()
    cluster.save()
    Company.objects.bulk_create(companies)
    # bulk_create does not set pks on every backend (MySQL), so the memberships use re-read rows.
    saved = Company.objects.filter(org_number__in=[c.org_number for c in companies]).order_by("org_number")
    # Each cluster keeps its own record of its members' facts (bulk_create skips save(), so the
    # derived size class and NACE section are copied as they are).
    Membership.objects.bulk_create(
        Membership(
            cluster=cluster,
            company=company,
            status=MembershipStatus.ACTIVE,
            joined_on=today,
            nace_section=company.nace_section,
            **company.facts(),
        )
        for company in saved
    )
    version = taxonomy_current(cluster=cluster)
    for area in CompetenceArea.objects.filter(version=version, hidden=False).order_by("position", "code")[
        AREAS:
    ]:
        area_hide(area=area, actor=None)
    survey = survey_create_from_template(cluster=cluster, actor=None, template_key=TEMPLATE)
    survey_version = survey.versions.get(status="published")
    round_ = round_create(
        cluster=cluster,
        actor=None,
        survey_version=survey_version,
        title=f"Kompetansekartlegging {today.year} (skala)",
        opens_on=today,
        closes_on=today,
        audience="employees",
        companies="all",
        reminder_days=[],
    )
    return round_open(round_=round_, actor=None)


class _Rows:
    """Raw multi-row writes for the bulk of the data, bypassing model instances (one per row would
    cost more than the insert): ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Runs on Django's
    own connection, so it takes part in the caller's transaction."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise RuntimeError(f"Scale data loads into SQLite or PostgreSQL, not {self.vendor}.")
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The batches commit often; losing the last ones in a crash costs nothing here.
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cursor.fetchone()
                if row and row[0]:
                    # Foreign keys are checked by a trigger per row, most of a bulk load's cost;
                    # the generated rows refer only to rows created just before them. Only a
                    # superuser may skip them, for this session; anyone else loads with the checks.
                    cursor.execute("SET session_replication_role = replica")

    def close(self) -> None:
        """Back to the session's defaults: the connection may serve other work after the load."""
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET synchronous_commit")

    @staticmethod
    def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
        fields = {field.name: field for field in model._meta.concrete_fields}
        return [str(fields[name].column) for name in names]

    def write(self, model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns(model, names))
        connection.ensure_connection()
        raw: Any = connection.connection
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(names))
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        else:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def json(self, value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))


@dataclass
class _Draws:
    """Answers drawn from lookup tables: for each area and company skill level, 1,024 (importance,
    level) pairs sampled once from the area's distribution, then indexed by 10 random bits per
    answer. Same distribution as drawing each pair, at a fraction of the cost per row."""

    tables: list[list[list[int]]]

    SKILL_STEPS = 9

    @classmethod
    def build(cls, rng: random.Random, area_count: int) -> _Draws:
        tables = []
        for _area in range(area_count):
            importance, level = rng.uniform(2.5, 4.0), rng.uniform(2.0, 3.5)
            per_skill = []
            for step in range(cls.SKILL_STEPS):
                shift = -0.4 + 0.8 * step / (cls.SKILL_STEPS - 1)
                per_skill.append(
                    [
                        (_clamp(rng.gauss(importance, 0.8)) - 1) * 5
                        + _clamp(rng.gauss(level + shift, 0.8))
                        - 1
                        for _ in range(1024)
                    ]
                )
            tables.append(per_skill)
        return cls(tables)


def _pair(code: int) -> tuple[int, int]:
    """A drawn pair's (importance, level) from its code 0..24."""
    return code // 5 + 1, code % 5 + 1


def _load_responses(
    rng: random.Random,
    rows: _Rows,
    round_: Round,
    respondents: int,
    progress: Progress,
    today: date,
    counter: list[int],
) -> None:
    """Insert ``respondents`` answers (the segment question and the gap matrix) into the round, and
    its companies' progress counters.

    Response, answer and gap row ids are random in their low 64 bits and count up in the high 64:
    the application's ids are fully random (so their order gives nothing away), but inserting tens
    of millions of random keys into a B-tree is what made the old generator slow, and synthetic
    respondents have nothing to hide."""
    questions = round_questions(round_)
    segment_question = next(q for q in questions if q.is_segment and q.type == QuestionType.SINGLE)
    gap_key = next(q.key for q in questions if q.type == QuestionType.GAP_MATRIX)
    roles = [str(option["key"]) for option in segment_question.options]
    codes = [area.code for area in round_areas(round_)]
    draws = _Draws.build(rng, len(codes))
    parts = list(
        RoundCompany.objects.filter(round=round_).select_related("membership").order_by("membership__name")
    )
    # Bigger companies have more respondents, but every company has some.
    weights = [(part.membership.employees or 1) ** 0.5 for part in parts]
    skill = {part.pk: rng.randrange(_Draws.SKILL_STEPS) for part in parts}
    # Per (company, role): how often each (area, pair) was answered; every sum derives from it.
    histograms: dict[tuple[int, str], list[int]] = {}
    ids = (round_.cluster_id, round_.pk)
    day = today.isoformat()
    segments_json = {role: rows.json([f"{segment_question.key}={role}"]) for role in roles}
    value_json = {role: rows.json(role) for role in roles}
    done = 0
    while done < respondents:
        size = min(BATCH, respondents - done)
        chosen = rng.choices(parts, weights=weights, k=size)
        responses: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        gaps: list[tuple[Any, ...]] = []
        for offset, part in enumerate(chosen):
            role = rng.choice(roles)
            counter[0] += 1
            response_id = f"{counter[0]:016x}{rng.getrandbits(64):016x}"
            key = submission_hash(round_, f"scale-{round_.pk}-{done + offset}")
            responses.append((response_id, *ids, part.pk, day, "nb", key, segments_json[role]))
            counter[0] += 1
            answers.append(
                (
                    f"{counter[0]:016x}{rng.getrandbits(64):016x}",
                    *ids,
                    response_id,
                    segment_question.key,
                    value_json[role],
                    "",
                )
            )
            histogram = histograms.get((part.pk, role))
            if histogram is None:
                histogram = histograms[(part.pk, role)] = [0] * (25 * len(codes))
            tables = [table[skill[part.pk]] for table in draws.tables]
            for index, code in enumerate(codes):
                pair = tables[index][rng.getrandbits(10)]
                histogram[index * 25 + pair] += 1
                counter[0] += 1
                gaps.append(
                    (
                        f"{counter[0]:016x}{rng.getrandbits(64):016x}",
                        *ids,
                        part.pk,
                        response_id,
                        gap_key,
                        code,
                        pair // 5 + 1,
                        pair % 5 + 1,
                    )
                )
        with transaction.atomic():
            rows.write(Response, RESPONSE_FIELDS, responses)
            rows.write(Answer, ANSWER_FIELDS, answers)
            rows.write(GapAnswer, GAP_FIELDS, gaps)
        done += size
        progress.add(size, len(gaps) + len(answers))
    _write_counts(histograms)


RESPONSE_FIELDS = (
    "id",
    "cluster",
    "round",
    "round_company",
    "submitted_on",
    "language",
    "submission_key",
    "segments",
)
ANSWER_FIELDS = ("id", "cluster", "round", "response", "question_key", "value", "other_text")
GAP_FIELDS = (
    "id",
    "cluster",
    "round",
    "round_company",
    "response",
    "question_key",
    "area_code",
    "importance",
    "level",
)


def _write_counts(histograms: dict[tuple[int, str], list[int]]) -> None:
    """Each company's progress counters (completed and started), as the submissions would have
    kept them: the respondents the drawn answers hold, over every role."""
    completed: dict[int, int] = defaultdict(int)
    for (company, _role), histogram in histograms.items():
        completed[company] += sum(histogram[:25])
    for company, n in completed.items():
        RoundCompany.objects.filter(pk=company).update(completed_count=n, started_count=n)


def generate(
    *, scale: str, seed: int, out: Callable[[str], None] = print, check: int = 2
) -> dict[str, float]:
    """Build the dataset for ``scale`` into an empty database; returns the seconds per phase.

    ``check`` rounds (the first, and then spread over the rest) are proved afterwards with
    ``aggregates.rebuild``: each release must equal a second recomputation from the raw rows."""
    spec = SCALES[scale]
    rng = random.Random(seed)
    today = timezone.localdate()
    timings: dict[str, float] = defaultdict(float)
    rows = _Rows()
    counter = [0]
    try:
        _generate(spec, rng, rows, counter, today, timings, out, check)
    finally:
        rows.close()
    out(
        "Done: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + f", total {sum(timings.values()):.1f} s"
    )
    return dict(timings)


def _generate(
    spec: Scale,
    rng: random.Random,
    rows: _Rows,
    counter: list[int],
    today: date,
    timings: dict[str, float],
    out: Callable[[str], None],
    check: int,
) -> None:
    with scopes_disabled():
        if Cluster.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise RuntimeError("Scale data is already loaded here: use an empty database.")
        org_numbers = _org_numbers(spec.companies)
        company_shares = _split(spec.companies, spec.clusters)
        respondent_shares = _split(spec.respondents, spec.clusters)
        progress = Progress(out, spec.respondents)
        rounds = []
        offset = 0
        for number in range(spec.clusters):
            started = time.perf_counter()
            companies = _companies(rng, offset, company_shares[number], org_numbers)
            offset += len(companies)
            round_ = _setup_cluster(number + 1, companies, today)
            timings["setup"] += time.perf_counter() - started
            started = time.perf_counter()
            _load_responses(rng, rows, round_, respondent_shares[number], progress, today, counter)
            timings["load"] += time.perf_counter() - started
            # Closing releases the round: every aggregate computed from its raw answers in one
            # pass (with tasks run in-process the build runs as the close commits; the call after
            # it only finds the release ready when a queue would have taken it instead).
            started = time.perf_counter()
            round_close(round_=round_, actor=None)
            release_build(round_id=round_.pk)
            timings["release"] += time.perf_counter() - started
            rounds.append(round_)
        progress.add(0, 0, force=True)
        started = time.perf_counter()
        step = max(1, len(rounds) // max(1, check))
        checked = rounds[::step][:check]
        out(f"Proving the releases of {len(checked)} round(s) with aggregates.rebuild")
        for round_ in checked:
            left = aggregates.rebuild(round=round_, fix=False)
            if left:
                raise RuntimeError(f"a release differs from a rebuild ({len(left)}), e.g. {left[0]}")
        timings["rebuild_check"] = time.perf_counter() - started


def summary() -> dict[str, Any]:
    """Counts and aggregate totals keyed by what stays the same across databases (slugs, org numbers,
    segments, codes), so two datasets can be compared whatever their autoincrement keys."""
    with scopes_disabled():
        scale_clusters = Cluster.objects.filter(slug__startswith=SLUG_PREFIX)
        counts = {
            "clusters": scale_clusters.count(),
            "companies": Membership.objects.filter(cluster__in=scale_clusters).count(),
            "rounds": Round.objects.filter(cluster__in=scale_clusters, status="closed").count(),
            "responses": Response.objects.filter(cluster__in=scale_clusters).count(),
            "answers": Answer.objects.filter(cluster__in=scale_clusters).count(),
            "gap_answers": GapAnswer.objects.filter(cluster__in=scale_clusters).count(),
            "gap_importance_sum": GapAnswer.objects.filter(cluster__in=scale_clusters).aggregate(
                total=Sum("importance")
            )["total"],
        }
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for name, model, fields in (
            ("segment", SegmentCount, ("segment", "n")),
            ("area", AreaAggregate, ("segment", "area_code", *aggregates.AREA_FIELDS)),
            ("question", QuestionAggregate, ("segment", "question_key", "option_key", "n", "total")),
        ):
            rows[name] = sorted(
                model.objects.filter(cluster__in=scale_clusters).values_list(  # type: ignore[attr-defined]
                    "cluster__slug", "round_company__company__org_number", *fields
                )
            )
        ids = sorted(
            str(pk) for pk in Response.objects.filter(cluster__in=scale_clusters).values_list("pk", flat=True)
        )
    return {"counts": counts, "aggregates": rows, "response_ids": ids}


# -- the national barometer's inputs ---------------------------------------------------------------

BAROMETER_PREFIX = "barometer-bench-"


def barometer_inputs(*, clusters: int, companies: int, round_id: int, seed: int = 1) -> int:
    """Clusters that take part in the barometer, each with ``companies`` companies' released sums per
    default area: the facts (``BarometerFact``) that the releases of their rounds would give the
    barometer (``results.barometer_sums``), written directly rather than through 24 M raw answers
    and 100 releases. Every fact points at ``round_id`` (a released scale round) for its foreign
    key; the barometer reads only its cluster. Returns the number of facts."""
    from klyngekart.barometer.models import BarometerFact, BarometerParticipation
    from klyngekart.surveys.results import national_area_codes
    from klyngekart.taxonomy.regions import COUNTIES

    rng = random.Random(seed)  # noqa: S311 - bench data
    codes = national_area_codes()[:AREAS]
    sections = list("ABCDEFGHIJKLMNOPQRSTU")
    regions = [code for code, _name in COUNTIES]
    sizes = [value for value, _label in SizeClass.choices]
    total = 0
    with scopes_disabled(), transaction.atomic():
        Cluster.objects.bulk_create(
            [
                Cluster(name=f"Barometer bench {number:03d}", slug=f"{BAROMETER_PREFIX}{number:03d}")
                for number in range(clusters)
            ]
        )
        made = list(Cluster.objects.filter(slug__startswith=BAROMETER_PREFIX).order_by("slug"))
        BarometerParticipation.objects.bulk_create(
            [BarometerParticipation(cluster=cluster, opted_in=True) for cluster in made]
        )
        for number, cluster in enumerate(made):
            rows = []
            for company in range(companies):
                company_id = 10_000_000 + number * companies + company
                sector, region, size = rng.choice(sections), rng.choice(regions), rng.choice(sizes)
                people = max(1, int(rng.expovariate(1 / 30)))
                for code in codes:
                    gaps = [rng.randint(-1, 3) for _person in range(min(people, 8))]
                    mean = sum(gaps) / len(gaps)
                    rows.append(
                        BarometerFact(
                            cluster=cluster,
                            round_id=round_id,
                            year=2026,
                            company_id=company_id,
                            sector=sector,
                            region=region,
                            size=size,
                            area_code=code,
                            n=people,
                            sum_gap=round(mean * people),
                        )
                    )
            BarometerFact.objects.bulk_create(rows, batch_size=5000)
            total += len(rows)
    return total


def barometer_inputs_remove() -> None:
    """The bench's barometer clusters and every edition go again: the scale data stays as it was."""
    from klyngekart.barometer.models import (
        BarometerEdition,
        BarometerFact,
        BarometerParticipation,
        BarometerShown,
    )

    with scopes_disabled(), transaction.atomic():
        BarometerFact.objects.all().delete()
        Cluster.objects.filter(slug__startswith=BAROMETER_PREFIX).delete()
        BarometerParticipation.objects.all().delete()
        BarometerShown.objects.all().delete()
        BarometerEdition.objects.all().delete()
