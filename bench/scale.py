"""Scale data: a deterministic dataset at the sizes PRODUCT.md ("The scale to serve") promises.

Clusters, member companies and the mapping survey come from the services the pages use (the default
taxonomy through ``taxonomy_current``, the survey from its template, the round through
``round_create``/``round_open``/``round_close``). Only the respondents are bulk-inserted, since one
``response_submit`` per respondent would take hours at national scale; the running aggregates are
then built by ``aggregates.rebuild(fix=True)``, which computes them with the same ``tally()`` a
submission applies, and a second ``rebuild`` must find nothing to repair.

Everything random comes from one ``random.Random(seed)``, response ids included, so two runs with
the same seed into empty databases hold the same rows (bar autoincrement keys).
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.members.models import Company, Membership, MembershipStatus, SizeClass
from klyngekart.members.validators import is_valid_org_number
from klyngekart.surveys import aggregates
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
from klyngekart.surveys.responding import round_areas, round_questions, submission_hash
from klyngekart.surveys.rounds import round_close, round_create, round_open
from klyngekart.surveys.survey_templates import survey_create_from_template
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


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


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
    Membership.objects.bulk_create(
        Membership(cluster=cluster, company=company, status=MembershipStatus.ACTIVE, joined_on=today)
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


def _load_responses(
    rng: random.Random, round_: Round, respondents: int, progress: Progress, today: date
) -> None:
    """Bulk-insert ``respondents`` answers (the segment question and the gap matrix) into the round."""
    questions = round_questions(round_)
    segment_question = next(q for q in questions if q.is_segment and q.type == QuestionType.SINGLE)
    gap_key = next(q.key for q in questions if q.type == QuestionType.GAP_MATRIX)
    roles = [str(option["key"]) for option in segment_question.options]
    areas = [(area.code, rng.uniform(2.5, 4.0), rng.uniform(2.0, 3.5)) for area in round_areas(round_)]
    parts = list(
        RoundCompany.objects.filter(round=round_).select_related("company").order_by("company__name")
    )
    # Bigger companies have more respondents, but every company has some.
    weights = [(part.company.employees or 1) ** 0.5 for part in parts]
    skill = {part.pk: rng.uniform(-0.4, 0.4) for part in parts}
    completed: dict[int, int] = defaultdict(int)
    cluster_id = round_.cluster_id
    done = 0
    while done < respondents:
        size = min(BATCH, respondents - done)
        chosen = rng.choices(parts, weights=weights, k=size)
        responses, answers, gaps = [], [], []
        for offset, part in enumerate(chosen):
            role = rng.choice(roles)
            answers_of = {segment_question.key: role}
            response = Response(
                id=_uuid(rng),
                cluster_id=cluster_id,
                round=round_,
                round_company=part,
                submitted_on=today,
                language="nb",
                submission_key=submission_hash(round_, f"scale-{done + offset}"),
                segments=aggregates.response_segments(questions, answers_of),
            )
            responses.append(response)
            answers.append(
                Answer(
                    id=_uuid(rng),
                    cluster_id=cluster_id,
                    round=round_,
                    response=response,
                    question_key=segment_question.key,
                    value=role,
                )
            )
            level_shift = skill[part.pk]
            for code, importance, level in areas:
                gaps.append(
                    GapAnswer(
                        id=_uuid(rng),
                        cluster_id=cluster_id,
                        round=round_,
                        round_company=part,
                        response=response,
                        question_key=gap_key,
                        area_code=code,
                        importance=_clamp(rng.gauss(importance, 0.8)),
                        level=_clamp(rng.gauss(level + level_shift, 0.8)),
                    )
                )
            completed[part.pk] += 1
        with transaction.atomic():
            Response.objects.bulk_create(responses)
            Answer.objects.bulk_create(answers)
            GapAnswer.objects.bulk_create(gaps)
        done += size
        progress.add(size, len(gaps) + len(answers))
    with transaction.atomic():
        for part_pk, count in completed.items():
            RoundCompany.objects.filter(pk=part_pk).update(completed_count=count, started_count=count)


def generate(*, scale: str, seed: int, out: Callable[[str], None] = print) -> dict[str, float]:
    """Build the dataset for ``scale`` into an empty database; returns the seconds per phase."""
    spec = SCALES[scale]
    rng = random.Random(seed)
    today = timezone.localdate()
    timings: dict[str, float] = defaultdict(float)
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
            _load_responses(rng, round_, respondent_shares[number], progress, today)
            round_close(round_=round_, actor=None)
            timings["load"] += time.perf_counter() - started
            rounds.append(round_)
        progress.add(0, 0, force=True)
        out(f"Building the aggregates with aggregates.rebuild(fix=True) for {len(rounds)} round(s)")
        started = time.perf_counter()
        for round_ in rounds:
            aggregates.rebuild(round=round_, fix=True)
        timings["rebuild_fix"] = time.perf_counter() - started
        started = time.perf_counter()
        for round_ in rounds:
            left = aggregates.rebuild(round=round_, fix=False)
            if left:
                raise RuntimeError(f"rebuild still differs after fixing ({len(left)}), e.g. {left[0]}")
        timings["rebuild_check"] = time.perf_counter() - started
    out(
        "Done: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + f", total {sum(timings.values()):.1f} s"
    )
    return dict(timings)


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
