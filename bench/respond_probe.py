"""What one respondent costs the server, in process: python -m bench.respond_probe [count] [--profile]

Plays ``count`` new respondents (default 40) through the open links of the bench's answering round
(bench/respondent.py) with Django's test client on the bench scale database, and prints the server
CPU time per complete response (the requests as the test client hands them to the app, not the
flow's reading of the pages), the SQL queries per request kind and, with --profile, cProfile's
heaviest functions. No HTTP and no gunicorn: what is left is the application's own work, which is
steadier than wall time on a shared machine. Run it with the bench settings and the scale's
database, as `make bench-quick` builds it:

    DATABASE_URL=sqlite:///var/bench/sqlite-cluster.sqlite3 DJANGO_SETTINGS_MODULE=config.settings.bench \\
        .venv/bin/python -m bench.respond_probe 40 --profile
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict

import django


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.respondent import play
    from bench.scenarios import ANSWERING_TITLE, open_round, world
    from klyngekart.core.tenancy import scope
    from klyngekart.surveys.models import Response, RoundCompany

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    count = int(next((arg for arg in sys.argv[1:] if arg.isdigit()), "40"))
    profile = "--profile" in sys.argv
    w = world()
    round_ = open_round(w, ANSWERING_TITLE)
    with scope(w.cluster):
        tokens = list(RoundCompany.objects.filter(round=round_).values_list("link_token", flat=True))
        before = Response.objects.filter(round=round_).count()
    queries: dict[str, list[int]] = defaultdict(list)
    served: list[float] = []

    def transport(method: str, path: str, body: bytes | None, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        client = Client(enforce_csrf_checks=True)
        content_type = headers.pop("Content-Type", "application/octet-stream")
        started = time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.generic(
                method, path, data=body or b"", content_type=content_type, headers=headers
            )
        served.append(time.process_time() - started)
        label = (
            f"{method} {'part' if '/part/' in path else path.rstrip('/').rsplit('/', 1)[-1].split('?')[0]}"
        )
        queries[label].append(len(captured.captured_queries))
        pairs = list(response.items()) + [("Set-Cookie", m.OutputString()) for m in response.cookies.values()]
        return response.status_code, pairs, response.content

    rng = random.Random(7)
    # Warm-up: the first respondent fills the caches a running server has filled long since.
    warm = play(transport, tokens[0], rng)
    if not warm.completed:
        raise SystemExit(f"the warm-up respondent failed: {warm.error}")
    queries.clear()
    served.clear()
    profiler = cProfile.Profile() if profile else None
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    sequences = [play(transport, rng.choice(tokens), rng) for _ in range(count)]
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    failed = [sequence.error for sequence in sequences if not sequence.completed]
    with scope(w.cluster):
        stored = Response.objects.filter(round=round_).count() - before - 1
    requests = sum(len(sequence.requests) for sequence in sequences)
    print(f"{count} respondents, {requests / count:.0f} requests each, {len(failed)} failed {failed[:3]}")
    print(f"stored {stored} responses for {count - len(failed)} completed sequences")
    print(
        f"server CPU per response: {1000 * sum(served) / count:.1f} ms (the app and the test client's "
        f"request handling; with the flow's own work {1000 * cpu / count:.1f} ms, "
        f"wall {1000 * wall / count:.1f} ms)"
    )
    total = sum(sum(values) for values in queries.values())
    print(f"queries per response: {total / count:.1f}")
    for label, values in sorted(queries.items()):
        print(
            f"  {label}: {statistics.mean(values):.1f} queries per request "
            f"(max {max(values)}), {len(values)} requests"
        )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
