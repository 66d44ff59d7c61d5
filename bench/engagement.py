"""The engagement scenario: the engagement page of one cluster with many member companies and a year
of activities, against the naive way of answering it (the scores computed from the raw rows on each
request) in the same run. Goal (issue 14): p95 under 100 ms at 20,000 companies.

Inside ``make bench`` the scenario builds its cluster in the scale's database (400 companies at
cluster scale, 20,000 at national scale) the first time and reuses it after. On its own,
``python -m bench.engagement --companies 20000`` measures it in a database of its own
(var/bench/sqlite-engagement-<companies>.sqlite3, or PostgreSQL with DATABASE_URL), without the
hours the national answer data takes to build.

The data is written with bulk_create (no signals: the scores are then built by the nightly rebuild,
whose time is reported too): per company a membership, 40 % a submitted strategy, 10 % interest in
one of 20 measures, a part in a mapping round and a pulse round with their counters; a year of
activities (five a week at national size, two at cluster size) with registrations made ten days
before each and four in five checked in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from typing import Any

from bench import harness
from bench.harness import WORK, Row, Server, get_timings, summarise

SLUG = "bench-engagement"
SEED = 14
COMPANIES = {"tiny": 60, "cluster": 400, "national": 20_000}
GOAL_MS = 100.0


def _plan(companies: int) -> dict[str, int]:
    national = companies >= 5_000
    return {
        "activities": 260 if national else 104,
        "per_activity": 120 if national else 25,
        "measures": 20,
    }


def build(companies: int, out: Any = print) -> Any:
    """The scenario's cluster with ``companies`` active members and a year of activity (reused when
    it is there already). Returns the cluster."""
    from django.db import transaction
    from django.utils import timezone

    from bench.scale import _org_numbers
    from klyngekart.activities.models import Activity, Attendance, Registration, RegistrationStatus
    from klyngekart.core.models import Cluster
    from klyngekart.core.tenancy import scope, scopes_disabled
    from klyngekart.measures.models import Measure, MeasureInterest
    from klyngekart.members.models import Company, Membership, SizeClass
    from klyngekart.needs.models import MembershipStrategy
    from klyngekart.surveys.models import Round, RoundCompany, Survey, SurveyVersion
    from klyngekart.taxonomy.services import taxonomy_current

    with scopes_disabled():
        existing = Cluster.objects.filter(slug=SLUG).first()
        if existing is not None and Membership.objects.filter(cluster=existing).count() == companies:
            out(f"  reusing {SLUG} with {companies:,} members")
            return existing
        if existing is not None:
            raise RuntimeError(f"{SLUG} exists with another number of members: delete the database.")
    rng = random.Random(SEED)  # noqa: S311 (test data, not a secret)
    plan = _plan(companies)
    now = timezone.now()
    started = time.perf_counter()
    with scopes_disabled(), transaction.atomic():
        cluster = Cluster.objects.create(slug=SLUG, name="Benchmark: engasjement")
        have = list(Company.objects.order_by("pk")[:companies])
        if len(have) < companies:
            taken = set(Company.objects.values_list("org_number", flat=True))
            numbers = [n for n in _org_numbers(len(taken) + companies) if n not in taken]
            extra = []
            for index in range(companies - len(have)):
                employees = int(rng.lognormvariate(3.0, 1.2)) + 1
                extra.append(
                    Company(
                        org_number=numbers[index],
                        name=f"Engasjement Bedrift {index + 1:05d} AS",
                        employees=employees,
                        size_class=SizeClass.for_employees(employees),
                    )
                )
            Company.objects.bulk_create(extra, batch_size=2000)
            have = list(Company.objects.order_by("pk")[:companies])
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    cluster=cluster,
                    company=company,
                    name=company.name,
                    employees=company.employees,
                    size_class=company.size_class,
                    joined_on=now.date() - dt.timedelta(days=3 * 365),
                )
                for company in have
            ],
            batch_size=2000,
        )
        ids = [m.pk for m in Membership.objects.filter(cluster=cluster).order_by("pk")]
        MembershipStrategy.objects.bulk_create(
            [
                MembershipStrategy(
                    cluster=cluster,
                    membership_id=pk,
                    year=now.year,
                    status="submitted",
                    submitted_at=now - dt.timedelta(days=rng.randint(5, 200)),
                )
                for pk in ids
                if rng.random() < 0.4
            ],
            batch_size=2000,
        )
        measures = Measure.objects.bulk_create(
            [Measure(cluster=cluster, title=f"Tiltak {n + 1}") for n in range(plan["measures"])]
        )
        measure_ids = [m.pk for m in Measure.objects.filter(cluster=cluster)]
        MeasureInterest.objects.bulk_create(
            [
                MeasureInterest(
                    cluster=cluster, measure_id=rng.choice(measure_ids), membership_id=pk, participants=2
                )
                for pk in ids
                if rng.random() < 0.1
            ],
            batch_size=2000,
        )
        with scope(cluster):
            version_of_taxonomy = taxonomy_current(cluster=cluster)
        for kind, days in (("employee_mapping", 120), ("pulse", 60)):
            survey = Survey.objects.create(cluster=cluster, kind=kind, title_nb=f"Benchmark {kind}")
            version = SurveyVersion.objects.create(
                cluster=cluster, survey=survey, number=1, status="published"
            )
            round_ = Round.objects.create(
                cluster=cluster,
                survey_version=version,
                taxonomy_version=version_of_taxonomy,
                title=f"Benchmark {kind}",
                opens_on=now.date() - dt.timedelta(days=days),
                closes_on=now.date() - dt.timedelta(days=days - 21),
                status="closed",
            )
            parts = []
            for membership, company in zip(memberships, have, strict=True):
                invited = rng.randint(0, 20) if kind == "employee_mapping" else 0
                parts.append(
                    RoundCompany(
                        cluster=cluster,
                        round=round_,
                        membership_id=membership.pk,
                        company_id=company.pk,
                        invited_count=invited,
                        completed_count=rng.randint(0, max(invited, 8)),
                    )
                )
            RoundCompany.objects.bulk_create(parts, batch_size=2000)
        del measures
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    cluster=cluster,
                    kind="member_forum",
                    title=f"Medlemsmøte {n + 1}",
                    starts_at=now - dt.timedelta(days=364 * n / plan["activities"], hours=3),
                    ends_at=now - dt.timedelta(days=364 * n / plan["activities"], hours=1),
                    place="Klyngehuset",
                )
                for n in range(plan["activities"])
            ]
        )
        registrations = []
        for activity in Activity.objects.filter(cluster=cluster).order_by("pk"):
            for index in rng.sample(range(len(ids)), min(plan["per_activity"], len(ids))):
                registrations.append(
                    Registration(
                        cluster=cluster,
                        activity=activity,
                        email=f"deltaker{index}@bench.example.no",
                        membership_id=ids[index],
                        status=RegistrationStatus.ATTENDED
                        if rng.random() < 0.8
                        else RegistrationStatus.REGISTERED,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
        del activities
        attendance = []
        for activity in Activity.objects.filter(cluster=cluster):
            Registration.objects.filter(activity=activity).update(
                created_at=activity.starts_at - dt.timedelta(days=10)
            )
            for pk in Registration.objects.filter(activity=activity, status="attended").values_list(
                "pk", flat=True
            ):
                attendance.append(
                    Attendance(cluster=cluster, registration_id=pk, day=activity.starts_at.date())
                )
        Attendance.objects.bulk_create(attendance, batch_size=2000)
    out(
        f"  built {SLUG}: {companies:,} members, {plan['activities']} activities, "
        f"{len(registrations):,} registrations, {len(attendance):,} check-ins "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return cluster


def _manager_cookie(cluster: Any) -> dict[str, str]:
    from django.test import Client

    from klyngekart.accounts.models import ClusterRole, User
    from klyngekart.core.tenancy import scopes_disabled

    with scopes_disabled():
        user, _ = User.objects.get_or_create(email="bench-engagement@example.org")
        ClusterRole.objects.get_or_create(cluster=cluster, user=user, defaults={"role": "manager"})
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def _token(cluster: Any) -> dict[str, str]:
    from klyngekart.accounts.models import User
    from klyngekart.accounts.tokens import api_token_create

    user = User.objects.get(email="bench-engagement@example.org")
    _token_row, secret = api_token_create(user=user, name=f"bench engagement {time.time():.0f}")
    return {"Authorization": f"Bearer {secret}"}


def naive_page(cluster: Any) -> list[tuple[int, int]]:
    """The page the naive way: every member's score from the raw rows, sorted, the first 50."""
    from django.utils import timezone

    from klyngekart.engagement import scoring, selectors

    weights = selectors.settings_of(cluster)
    inputs = scoring.compute_inputs(cluster, end=timezone.now())
    scores = [(scoring.score_of(scoring.parts_of(item, weights), weights), pk) for pk, item in inputs.items()]
    return sorted(scores, reverse=True)[:50]


def scenario(scale: str, server: Server, repeat: int, companies: int | None = None) -> list[Row]:
    from klyngekart.core.tenancy import scope
    from klyngekart.engagement.services import scores_rebuild

    count = companies or COMPANIES[scale]
    cluster = build(count)
    with scope(cluster):
        started = time.perf_counter()
        scores_rebuild(cluster=cluster)
        rebuild = time.perf_counter() - started
        naive = []
        for _ in range(max(3, repeat // 10)):
            started = time.perf_counter()
            naive_page(cluster)
            naive.append(time.perf_counter() - started)
    base_p50, base_p95 = summarise(naive)
    cookie, token = _manager_cookie(cluster), _token(cluster)
    rows = [
        Row(scale, f"engagement: nightly rebuild ({count:,} companies)", "s", None, rebuild,
            goal="informational", note="scores and the score six months ago from the raw rows")
    ]  # fmt: skip
    targets = [
        ("engagement page", f"/c/{SLUG}/engagement/", cookie),
        ("engagement page, at risk", f"/c/{SLUG}/engagement/?show=at_risk", cookie),
        ("engagement page, champions", f"/c/{SLUG}/engagement/?show=champions", cookie),
        ("engagement page, by name, page 20", f"/c/{SLUG}/engagement/?sort=name&page=20", cookie),
        ("engagement API", f"/api/v1/clusters/{SLUG}/engagement", token),
    ]
    for name, url, headers in targets:
        # The workers' own CPU time per request beside the wall time: on a machine whose two cores
        # the client and other work share, the wall time's tail says more about the machine.
        cpu = server.cpu_seconds()
        p50, p95 = summarise(get_timings(server.port, url, headers, repeat))
        cpu_ms = (server.cpu_seconds() - cpu) / (repeat + 1) * 1000
        rows.append(
            Row(scale, f"{name} ({count:,} companies)", "ms", p50, p95, "naive p95", base_p95,
                p95 / base_p95 if base_p95 else None, f"p95 < {GOAL_MS:.0f} ms", p95 < GOAL_MS,
                note=f"worker CPU {cpu_ms:.0f} ms per request",
                detail={"naive_p50": base_p50, "url": url, "worker_cpu_ms": cpu_ms})
        )  # fmt: skip
    return rows


def _child(companies: int, quick: bool) -> None:
    import django

    django.setup()
    url = os.environ["DATABASE_URL"]
    server = Server(url)
    try:
        rows = scenario(
            "national" if companies >= 5_000 else "cluster", server, 40 if quick else 100, companies
        )
    finally:
        server.stop()
    print()
    harness.print_table(rows)
    harness.save(WORK / f"rows-{harness.vendor_of(url)}-engagement-{companies}.json", rows, {})
    (WORK / f"results-{harness.vendor_of(url)}-engagement-{companies}.md").write_text(
        harness.markdown_table(rows) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.engagement", description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=COMPANIES["national"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.companies, args.quick)
        return
    url = harness.database_url(f"engagement-{args.companies}")
    harness.manage(url, "migrate", "--noinput", "--verbosity", "0")
    command = [sys.executable, "-m", "bench.engagement", "--child", "--companies", str(args.companies)]
    command += ["--quick"] if args.quick else []
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    subprocess.run(command, cwd=harness.ROOT, env=env, check=True)  # noqa: S603


if __name__ == "__main__":
    main()
