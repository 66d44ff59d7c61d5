"""The bench's scenarios, each measured against a baseline in the same run (issue 5, docs/performance.md).

Runs inside a process whose Django is set up on the scale's database (bench/__main__.py), with the app
served by gunicorn (harness.Server). Reading scenarios come first; the submission scenario writes into
a round of its own, so the scale round the others read never changes.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.engagement import scenario as engagement_scenario
from bench.harness import (
    ROOT,
    WORK,
    Row,
    Server,
    get_timings,
    marker_path,
    percentile,
    request,
    summarise,
    vendor_of,
)
from bench.partners import scenario as partners_scenario
from klyngekart.accounts.models import ClusterRole, CompanyRole, User
from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.services import round_areas, round_questions
from klyngekart.surveys.models import (
    GapAnswer,
    QuestionType,
    ReleaseStatus,
    Response,
    Round,
    RoundCompany,
    RoundRelease,
    RoundStatus,
)
from klyngekart.surveys.results import aggregates
from klyngekart.surveys.results.release import release_build
from klyngekart.surveys.rounds.open_links import open_link_set
from klyngekart.surveys.rounds.services import round_close, round_create, round_open

CLUSTER = "scale-001"
SUBMIT_TITLE = "Benchmark: innsending"
ANSWERING_TITLE = "Benchmark: svarsider"
NEED_THRESHOLD = 1.0


@dataclass
class Setting:
    scale: str
    quick: bool
    url: str
    server: Server
    out: Callable[[str], None]

    @property
    def repeat(self) -> int:
        return 40 if self.quick else 100


@dataclass
class World:
    """Who and what the scenarios use: the scale round of the first cluster, a manager, a contact."""

    cluster: Cluster
    round: Round
    manager_cookie: dict[str, str]
    contact_cookie: dict[str, str]
    token_header: dict[str, str]
    companies: list[RoundCompany]


def _session_cookie(user: User) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def world() -> World:
    with scopes_disabled():
        cluster = Cluster.objects.get(slug=CLUSTER)
        round_ = Round.objects.filter(cluster=cluster, status=RoundStatus.CLOSED).order_by("pk").first()
        if round_ is None:
            raise RuntimeError("The scale data has no closed round: regenerate it.")
        manager, _ = User.objects.get_or_create(email="bench-manager@example.org")
        ClusterRole.objects.get_or_create(cluster=cluster, user=manager, defaults={"role": "manager"})
        contact, _ = User.objects.get_or_create(email="bench-contact@example.org")
        # The ten companies with most answers: the company page at its heaviest.
        companies = list(
            RoundCompany.objects.filter(round=round_)
            .select_related("company")
            .order_by("-completed_count")[:10]
        )
        for part in companies:
            CompanyRole.objects.get_or_create(
                cluster=cluster, company=part.company, user=contact, defaults={"role": "contact"}
            )
        _token, secret = api_token_create(user=manager, name=f"bench {uuid.uuid4().hex[:6]}")
    return World(
        cluster=cluster,
        round=round_,
        manager_cookie=_session_cookie(manager),
        contact_cookie=_session_cookie(contact),
        token_header={"Authorization": f"Bearer {secret}"},
        companies=companies,
    )


# -- needs dashboard against DuckDB -----------------------------------------------------------------


def export_gap_answers(target: Path) -> int:
    """Every raw gap answer in the database to Parquet, sorted by round (so DuckDB can skip the other
    rounds' row groups: the baseline gets every advantage). Returns the number of rows."""
    import duckdb

    table = connection.ops.quote_name(GapAnswer._meta.db_table)
    scratch = target.with_suffix(".csv")
    count = 0
    with connection.cursor() as cursor, scratch.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["round_id", "round_company_id", "area_code", "importance", "level"])
        cursor.execute(
            f"SELECT round_id, round_company_id, area_code, importance, level FROM {table}"  # noqa: S608
        )
        while batch := cursor.fetchmany(100_000):
            writer.writerows(batch)
            count += len(batch)
    # Both paths are ours.
    sorted_copy = f"COPY (SELECT * FROM read_csv('{scratch}', header = true) ORDER BY round_id) "  # noqa: S608
    duckdb.sql(sorted_copy + f"TO '{target}' (FORMAT parquet)")
    scratch.unlink()
    return count


def _export_parquet(setting: Setting) -> Path:
    """The export, once per dataset (the marker of the scale's data names it)."""
    target = WORK / f"{vendor_of(setting.url)}-{setting.scale}-gap_answers.parquet"
    stamp = target.with_suffix(".stamp")
    marker = marker_path(setting.scale, setting.url)
    fingerprint = marker.read_text() if marker.exists() else ""
    if target.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return target
    started = time.perf_counter()
    count = export_gap_answers(target)
    stamp.write_text(fingerprint)
    setting.out(
        f"  exported {count:,} raw gap answers to {target.name} in {time.perf_counter() - started:.1f} s"
    )
    return target


DUCKDB_NEEDS = """
WITH per_company AS (
    SELECT round_company_id, area_code, count(*) AS n, avg(importance - level) AS gap,
           avg(importance) AS importance, avg(level) AS level
    FROM read_parquet($path) WHERE round_id = $round
    GROUP BY round_company_id, area_code
)
SELECT round_company_id, area_code, n, gap, importance, level,
       count(*) FILTER (WHERE n >= $k AND gap >= $threshold) OVER (PARTITION BY area_code) AS breadth,
       count(*) FILTER (WHERE n >= $k) OVER (PARTITION BY area_code) AS companies,
       sum(gap * n) OVER (PARTITION BY area_code) / sum(n) OVER (PARTITION BY area_code) AS depth
FROM per_company
ORDER BY breadth * depth DESC, area_code, round_company_id
"""


def duckdb_needs(database: Any, path: Path, round_id: int, k: int) -> list[tuple[Any, ...]]:
    """The needs analysis (per company and area: n and mean gap; per area: breadth, companies, depth)
    computed by DuckDB from the raw answers: one row per company and area."""
    params = {"path": str(path), "round": round_id, "k": k, "threshold": NEED_THRESHOLD}
    return list(database.execute(DUCKDB_NEEDS, params).fetchall())


def duckdb_needs_timings(path: Path, round_id: int, k: int, repeat: int) -> tuple[list[float], int]:
    """``duckdb_needs`` timed on a warm connection and file cache."""
    import duckdb

    database = duckdb.connect()
    rows = duckdb_needs(database, path, round_id, k)  # warm-up
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        duckdb_needs(database, path, round_id, k)
        durations.append(time.perf_counter() - started)
    return durations, len(rows)


def needs_dashboard(setting: Setting, w: World) -> list[Row]:
    path = _export_parquet(setting)
    k = w.cluster.anonymity_threshold
    base, base_rows = duckdb_needs_timings(path, w.round.pk, k, setting.repeat)
    base_p50, base_p95 = summarise(base)
    slug, port = w.cluster.slug, setting.server.port
    targets = [
        ("needs page", f"/c/{slug}/needs/?round={w.round.pk}", w.manager_cookie),
        ("needs API", f"/api/v1/clusters/{slug}/needs?round={w.round.pk}", w.token_header),
        ("cluster results API", f"/api/v1/clusters/{slug}/rounds/{w.round.pk}/results", w.token_header),
        ("cluster results page", f"/c/{slug}/results/?round={w.round.pk}", w.manager_cookie),
    ]
    rows = []
    for name, url, headers in targets:
        p50, p95 = summarise(get_timings(port, url, headers, setting.repeat))
        ratio = p95 / base_p95
        national = setting.scale == "national"
        met = ratio <= 0.25 and (p95 < 150 or not national)
        rows.append(
            Row(
                setting.scale,
                f"needs dashboard: {name}",
                "ms",
                p50,
                p95,
                "DuckDB p95",
                base_p95,
                ratio,
                "p95 <= 0.25 x DuckDB" + (", < 150 ms" if national else ""),
                met,
                detail={"duckdb_p50": base_p50, "duckdb_rows": base_rows, "url": url},
            )  # fmt: skip
        )
    return rows


def company_page(setting: Setting, w: World) -> list[Row]:
    durations: list[float] = []
    per_company = max(4, setting.repeat // len(w.companies))
    for part in w.companies:
        url = f"/c/{w.cluster.slug}/results/rounds/{w.round.pk}/companies/{part.pk}/"
        durations += get_timings(setting.server.port, url, w.contact_cookie, per_company)
    p50, p95 = summarise(durations)
    goal = 100.0
    return [
        Row(
            setting.scale,
            "company results page",
            "ms",
            p50,
            p95,
            goal=f"p95 < {goal:.0f} ms",
            met=p95 < goal,
            detail={"companies": len(w.companies), "requests": len(durations)},
        )  # fmt: skip
    ]


def cold_pages(setting: Setting, w: World) -> list[Row]:
    """The first view after the figures changed: cache emptied before each request, in this process
    (Django's test client, no HTTP). Not a goal of the issue; PRODUCT.md's "well under a second"."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rows = []
    for name, url, user_email in (
        ("needs page, cold", f"/c/{w.cluster.slug}/needs/?round={w.round.pk}", "bench-manager@example.org"),
        (
            "company results page, cold",
            f"/c/{w.cluster.slug}/results/rounds/{w.round.pk}/companies/{w.companies[0].pk}/",
            "bench-contact@example.org",
        ),
    ):
        client = Client()
        client.force_login(User.objects.get(email=user_email))
        durations = []
        for _ in range(max(5, setting.repeat // 8)):
            cache.clear()
            started = time.perf_counter()
            status = client.get(url).status_code
            durations.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
        p50, p95 = summarise(durations)
        rows.append(Row(setting.scale, name, "ms", p50, p95, goal="p95 < 1000 ms", met=p95 < 1000))
    return rows


# -- response submission against a bare view ---------------------------------------------------------


def open_round(w: World, title: str = SUBMIT_TITLE) -> Round:
    """An open round of the first cluster with its open links on, for the scenarios that answer
    (reused by later runs while it is open)."""
    with scope(w.cluster):
        existing = Round.objects.filter(title=title, status=RoundStatus.OPEN).first()
        today = timezone.localdate()
        if existing is not None and existing.closes_on >= today:
            return existing
        round_ = round_create(
            cluster=w.cluster,
            actor=None,
            survey_version=w.round.survey_version,
            title=title,
            opens_on=today,
            closes_on=today + timedelta(days=365),
            audience="employees",
            companies="all",
            reminder_days=[],
        )
        # The load posts through the companies' open links, which are off until turned on.
        for part in RoundCompany.objects.filter(round=round_).select_related("round", "cluster"):
            open_link_set(round_company=part, actor=None, enabled=True)
        return round_open(round_=round_, actor=None)


def _payloads(round_: Round, count: int, rng: random.Random) -> list[bytes]:
    """Complete answers, as an employee on a phone would send them through the public API."""
    questions, codes = round_questions(round_), [area.code for area in round_areas(round_)]
    payloads = []
    for _ in range(count):
        answers: dict[str, Any] = {}
        for question in questions:
            options = [str(option["key"]) for option in question.options]
            if question.type == QuestionType.SINGLE:
                answers[question.key] = rng.choice(options)
            elif question.type == QuestionType.GAP_MATRIX:
                answers[question.key] = {
                    code: {"importance": rng.randint(1, 5), "level": rng.randint(1, 5)} for code in codes
                }
            elif question.type == QuestionType.RANKING:
                answers[question.key] = rng.sample(options, 3)
            elif question.type == QuestionType.LIKERT:
                answers[question.key] = rng.randint(1, 5)
            elif question.type == QuestionType.MULTIPLE:
                answers[question.key] = rng.sample(options, 2)
        payloads.append(json.dumps({"answers": answers}).encode())
    return payloads


def _load_client(
    args: tuple[int, list[str], list[bytes], float, int, int],
) -> tuple[list[float], dict[int, int]]:
    """One client process: ``threads`` threads posting for ``seconds``; latencies of the 2xx replies."""
    port, paths, payloads, seconds, threads, seed = args
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        while time.perf_counter() < deadline:
            headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
            reply = request(port, "POST", rng.choice(paths), body=rng.choice(payloads), headers=headers)
            with lock:
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
                if 200 <= reply.status < 300:
                    latencies.append(reply.seconds)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, statuses


def load(port: int, paths: list[str], payloads: list[bytes], seconds: float) -> dict[str, Any]:
    processes, threads = 2, 4
    started = time.perf_counter()
    with ProcessPoolExecutor(processes) as pool:
        results = list(
            pool.map(_load_client, [(port, paths, payloads, seconds, threads, n) for n in range(processes)])
        )
    wall = time.perf_counter() - started
    latencies = [value for result in results for value in result[0]]
    statuses: dict[int, int] = {}
    for _lat, counts in results:
        for status, count in counts.items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "rate": len(latencies) / wall,
        "p50": summarise(latencies)[0] if latencies else None,
        "p95": percentile([v * 1000 for v in latencies], 0.95) if latencies else None,
        "statuses": statuses,
        "clients": processes * threads,
        "seconds": wall,
    }


def submission(setting: Setting, w: World) -> list[Row]:
    round_ = open_round(w)
    with scope(w.cluster):
        tokens = list(RoundCompany.objects.filter(round=round_).values_list("link_token", flat=True))
        before = Response.objects.filter(round=round_).count()
        payloads = _payloads(round_, 200, random.Random(5))
    seconds = 8.0 if setting.quick else 20.0
    port = setting.server.port
    bare = load(port, ["/bench/bare/"], payloads, seconds)
    ours = load(port, [f"/api/v1/public/surveys/{token}/responses" for token in tokens], payloads, seconds)
    with scope(w.cluster):
        stored = Response.objects.filter(round=round_).count() - before
        # Nothing is summed while a round is open: close it, let its release be built, prove it.
        round_close(round_=round_, actor=None)
        release_build(round_id=round_.pk)
        differences = aggregates.rebuild(round=round_, fix=False)
    created = ours["statuses"].get(201, 0)
    failures = {status: n for status, n in ours["statuses"].items() if status not in (200, 201)}
    ratio = ours["rate"] / bare["rate"]
    consistent = not differences and stored == created and not failures
    note = (
        "the release equals a recomputation"
        if consistent
        else f"{len(differences)} aggregate difference(s), {stored} stored, {created} created, {failures}"
    )
    return [
        Row(
            setting.scale,
            f"response submission ({ours['clients']} clients)",
            "responses/s",
            None,
            ours["rate"],
            "bare JSON view",
            bare["rate"],
            ratio,
            ">= 0.3 x bare view, release exact",
            ratio >= 0.3 and consistent,
            note,
            detail={"ours": ours, "bare": bare, "stored": stored, "differences": len(differences)},
        ),  # fmt: skip
        Row(
            setting.scale,
            "response submission latency",
            "ms",
            ours["p50"],
            ours["p95"] or 0.0,
            "bare JSON view p95",
            bare["p95"],
            None,
            "(reported)",
            None,
        ),  # fmt: skip
    ]


# -- the answering pages, as a browser goes through them ------------------------------------------------


def _respondents(args: tuple[int, list[str], float, int, int]) -> dict[str, Any]:
    """One client process: ``threads`` threads, each a new respondent after another through the
    answering pages (bench/respondent.py) until ``seconds`` have passed (a sequence under way is
    finished). Returns every request's (label, seconds), every sequence's seconds and the errors."""
    from bench.respondent import play

    port, tokens, seconds, threads, seed = args
    pages: list[tuple[str, float]] = []
    sequences: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def transport(
        method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        reply = request(port, method, path, body=body, headers=headers)
        return reply.status, reply.headers, reply.body

    def worker(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        while time.perf_counter() < deadline:
            sequence = play(transport, rng.choice(tokens), rng)
            with lock:
                pages.extend(sequence.requests)
                if sequence.completed:
                    sequences.append(sequence.seconds)
                else:
                    errors.append(sequence.error)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"pages": pages, "sequences": sequences, "errors": errors}


def answering_pages(setting: Setting, w: World) -> list[Row]:
    """New respondents through every page of the companies' open links, 8 at a time (GET and POST
    of each part, up to the receipt), beside the bare JSON view in the same run. Every completed
    sequence must have stored exactly one response: stored minus completed is the loss (or, above
    zero, the duplicates)."""
    round_ = open_round(w, ANSWERING_TITLE)
    with scope(w.cluster):
        tokens = list(RoundCompany.objects.filter(round=round_).values_list("link_token", flat=True))
        before = Response.objects.filter(round=round_).count()
    port = setting.server.port
    bare = load(
        port, ["/bench/bare/"], [json.dumps({"answers": {}}).encode()], 4.0 if setting.quick else 10.0
    )
    processes, threads = 2, 4
    seconds = 12.0 if setting.quick else 30.0
    started, cpu_before = time.perf_counter(), setting.server.cpu_seconds()
    with ProcessPoolExecutor(processes) as pool:
        results = list(
            pool.map(_respondents, [(port, tokens, seconds, threads, n) for n in range(processes)])
        )
    wall, server_cpu = time.perf_counter() - started, setting.server.cpu_seconds() - cpu_before
    pages = [page for result in results for page in result["pages"]]
    sequences = [value for result in results for value in result["sequences"]]
    errors = [error for result in results for error in result["errors"]]
    with scope(w.cluster):
        stored = Response.objects.filter(round=round_).count() - before
    completed = len(sequences)
    rate = completed / wall
    ratio = rate / bare["rate"]
    page_p50, page_p95 = summarise([value for _label, value in pages])
    whole_p50, whole_p95 = summarise(sequences) if sequences else (0.0, 0.0)
    by_page: dict[str, list[float]] = {}
    for label, value in pages:
        by_page.setdefault(label, []).append(value)
    per_page = {label: round(summarise(values)[1], 1) for label, values in sorted(by_page.items())}
    intact = stored == completed and not errors
    clients = processes * threads
    cpu_per_response = 1000 * server_cpu / completed if completed else None
    note = (
        f"{completed} complete, {stored} stored, {len(errors)} failed"
        + (f", server CPU {cpu_per_response:.0f} ms per response" if cpu_per_response else "")
        + (f" ({errors[0][:120]})" if errors else "")
    )
    detail = {
        "bare": bare,
        "completed": completed,
        "stored": stored,
        "lost": max(0, completed - stored),
        "duplicated": max(0, stored - completed),
        "failed": len(errors),
        "errors": errors[:5],
        "requests": len(pages),
        "server_cpu_ms_per_response": cpu_per_response,
        "requests_per_response": len(pages) / completed if completed else None,
        "page_p95_ms": per_page,
        "seconds": wall,
    }
    return [
        Row(
            setting.scale,
            f"answering pages: complete responses ({clients} clients, open links)",
            "responses/s",
            None,
            rate,
            "bare JSON view",
            bare["rate"],
            ratio,
            ">= 0.067 x bare view, page p95 < 300 ms, none lost",
            ratio >= 0.067 and page_p95 < 300 and intact,
            note,
            detail=detail,
        ),  # fmt: skip
        Row(
            setting.scale,
            "answering pages: each page (GET or POST)",
            "ms",
            page_p50,
            page_p95,
            goal="p95 < 300 ms",
            met=page_p95 < 300,
            note="slowest p95: "
            + ", ".join(
                f"{label} {value:.0f} ms"
                for label, value in sorted(per_page.items(), key=lambda item: -item[1])[:3]
            ),
            detail={"page_p95_ms": per_page},
        ),  # fmt: skip
        Row(
            setting.scale,
            "answering pages: whole sequence",
            "ms",
            whole_p50,
            whole_p95,
            goal="(reported)",
            note=f"{len(pages) / completed:.0f} requests per response" if completed else "",
        ),  # fmt: skip
    ]


# -- the release of a round ----------------------------------------------------------------------------


def release_time(setting: Setting, w: World) -> list[Row]:
    """The release of the scale round, built again from its raw answers as closing builds it (one
    transaction: aggregates from one pass over the answers, free text scrubbed). The baseline is a
    recomputation alone (``aggregates.recompute``), which is the floor of any release."""
    runs = 1 if setting.quick else 2
    with scope(w.cluster):
        respondents = Response.objects.filter(round=w.round).count()
        built: list[float] = []
        for _run in range(runs):
            RoundRelease.objects.filter(round=w.round).update(status=ReleaseStatus.BUILDING)
            started = time.perf_counter()
            release_build(round_id=w.round.pk)
            built.append(time.perf_counter() - started)
        started = time.perf_counter()
        aggregates.recompute(round=w.round)
        floor = time.perf_counter() - started
        ready = RoundRelease.objects.filter(round=w.round, status=ReleaseStatus.READY).exists()
    worst = max(built)
    return [
        Row(
            setting.scale,
            f"release of a round at close ({respondents:,} respondents)",
            "s",
            min(built),
            worst,
            "recompute alone",
            floor,
            worst / floor if floor else None,
            "< 60 s, built once per round by a task",
            ready and worst < 60,
            "" if ready else "the release is not ready",
        )  # fmt: skip
    ]


# -- the national competence barometer ------------------------------------------------------------


def _barometer_scan(query: dict[str, str]) -> list[dict[str, Any]]:
    """The baseline: the same national figures (per area: answers, gap sum, companies, clusters)
    aggregated from the per-company released sums on every request, with no edition and no
    suppression: what the barometer would cost without its cells."""
    from django.db.models import Count, Sum

    from klyngekart.barometer.models import BarometerFact

    with scopes_disabled():
        facts = BarometerFact.objects.filter(year=2026, **query)
        sums = facts.values("area_code").annotate(
            answers=Sum("n"),
            gap=Sum("sum_gap"),
            companies=Count("company_id", distinct=True),
            clusters=Count("cluster_id", distinct=True),
        )
        return [dict(row) for row in sums]


def barometer(setting: Setting, w: World) -> list[Row]:
    """The barometer across 100 clusters and 20,000 companies (the national scale's shape): the
    scale clusters take part through the real path (their released sums become facts), and more
    clusters' facts are written directly (bench/scale.py ``barometer_inputs``) up to 100 clusters.
    Then two editions are built (the second checked against the first's history), and the page,
    the API and the CSV are timed against the baseline of aggregating the facts per request.
    Everything is removed again afterwards."""
    from bench.scale import SLUG_PREFIX, barometer_inputs, barometer_inputs_remove
    from klyngekart.barometer import services
    from klyngekart.barometer.models import BarometerFact, BarometerParticipation, BarometerSite

    barometer_inputs_remove()
    with scopes_disabled():
        scale_clusters = list(Cluster.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"))
        BarometerParticipation.objects.bulk_create(
            [BarometerParticipation(cluster=cluster, opted_in=True) for cluster in scale_clusters]
        )
    started = time.perf_counter()
    real = sum(services.facts_refresh(cluster) for cluster in scale_clusters)
    refresh = time.perf_counter() - started
    target_clusters = 20 if setting.quick else 100
    extra = max(0, target_clusters - len(scale_clusters))
    synthetic = barometer_inputs(clusters=extra, companies=200, round_id=w.round.pk) if extra else 0
    started = time.perf_counter()
    services.edition_build()
    build = time.perf_counter() - started
    # A second full build, as after the next change: every figure is checked against the first's.
    started = time.perf_counter()
    edition = services.edition_build()
    rebuild = time.perf_counter() - started
    with scopes_disabled():
        facts = BarometerFact.objects.count()
    # Public for the run, so the page is timed as an anonymous reader sees it; put back afterwards.
    was_public = BarometerSite.objects.filter(pk=1, public=True).exists()
    BarometerSite.objects.update_or_create(pk=1, defaults={"public": True})
    port = setting.server.port
    national = setting.scale == "national" or not setting.quick
    queries = [("", {}), ("&size=small", {"size": "small"}), ("&region=46", {"region": "46"})]
    base: list[float] = []
    for _run in range(max(4, setting.repeat // len(queries))):
        for _suffix, query in queries:
            began = time.perf_counter()
            _barometer_scan(query)
            base.append(time.perf_counter() - began)
    base_p50, base_p95 = summarise(base)
    rows = [
        Row(
            setting.scale,
            f"barometer: facts from {len(scale_clusters)} clusters' releases + two editions",
            "s",
            refresh,
            refresh + build + rebuild,
            goal="built by a task after a release, not per request",
            detail={
                "facts_real": real,
                "facts_written": synthetic,
                "facts": facts,
                "edition_build_s": build,
                "edition_rebuild_s": rebuild,
                "clusters": edition.clusters,
                "companies": edition.companies,
                "k": edition.k,
            },
        )  # fmt: skip
    ]
    targets = [
        ("page", "/barometer/?year=2026", {}),
        ("API", "/api/v1/barometer?year=2026", w.token_header),
        ("CSV", "/barometer/barometer.csv?year=2026", {}),
    ]
    for name, url, headers in targets:
        durations: list[float] = []
        per_query = max(4, setting.repeat // len(queries))
        for suffix, _query in queries:
            durations += get_timings(port, url + suffix, headers, per_query)
        p50, p95 = summarise(durations)
        rows.append(
            Row(
                setting.scale,
                f"barometer {name} ({edition.clusters} clusters, {facts:,} facts)",
                "ms",
                p50,
                p95,
                "aggregate facts per request",
                base_p95,
                p95 / base_p95 if base_p95 else None,
                "p95 < 150 ms",
                p95 < 150,
                detail={"url": url, "baseline_p50": base_p50, "national_size": national},
            )  # fmt: skip
        )
    barometer_inputs_remove()
    BarometerSite.objects.filter(pk=1).update(public=was_public)
    return rows


# -- the needs PDF and memory ---------------------------------------------------------------------------


def needs_pdf(setting: Setting, w: World) -> list[Row]:
    """The needs report of the scale round, built 3 times in a fresh process (the first is cold)."""
    command = [sys.executable, "-m", "bench.pdf_probe", str(w.round.pk), "3"]
    env = {"DATABASE_URL": setting.url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    import os

    result = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    times = sorted(probe["seconds"])
    # The goal holds for every build, the first one (fonts and chart engine cold) included.
    worst = times[-1]
    return [
        Row(
            setting.scale,
            f"needs PDF report ({len(times)} builds, the first cold)",
            "s",
            times[len(times) // 2],
            worst,
            goal="< 3 s",
            met=worst < 3,
            note=f"first build {probe['seconds'][0]:.2f} s, {probe['pages']} pages, "
            f"{probe['bytes'] / 1e6:.1f} MB, peak RSS {probe['peak_rss_mb']:.0f} MB "
            f"(layout child {probe['child_peak_rss_mb']:.0f} MB)",
            detail=probe,
        )  # fmt: skip
    ]


def memory(setting: Setting) -> list[Row]:
    peaks = setting.server.peak_rss_mb()
    worst = max(peaks.values()) if peaks else 0.0
    return [
        Row(
            setting.scale,
            "app worker peak RSS",
            "MB",
            None,
            worst,
            goal="< 200 MB",
            met=bool(peaks) and worst < 200,
            detail={"workers": peaks},
        )  # fmt: skip
    ]


def run_all(setting: Setting, only: set[str] | None = None) -> list[Row]:
    from bench.harness import phase

    w = world()
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("needs", lambda: needs_dashboard(setting, w)),
        ("company", lambda: company_page(setting, w)),
        ("pdf", lambda: needs_pdf(setting, w)),
        ("submit", lambda: submission(setting, w)),
        ("answer", lambda: answering_pages(setting, w)),
        ("release", lambda: release_time(setting, w)),
        ("barometer", lambda: barometer(setting, w)),
        ("cold", lambda: cold_pages(setting, w)),
        ("engagement", lambda: engagement_scenario(setting.scale, setting.server, setting.repeat)),
        (
            "partners",
            lambda: partners_scenario(
                setting.scale, setting.server, setting.repeat, CLUSTER, w.manager_cookie, w.token_header
            ),
        ),
    ]
    for name, step in steps:
        if only and name not in only:
            continue
        with phase(name, setting.out):
            rows += step()
    rows += memory(setting)
    # Keep the request count of a run visible: a reply that is not 200 raises above.
    assert request(setting.server.port, "GET", "/healthz").status == 200  # noqa: S101
    return rows
