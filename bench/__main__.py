"""`make bench` / `make bench-quick`: python -m bench [--scale cluster] [--scale national] [--quick]

For each scale: build (or reuse) its database, serve the app with gunicorn (2 workers), run every
scenario against its baseline, and print one table. With DATABASE_URL set to PostgreSQL the scales
live in databases klyngekart_bench_<scale> on that server; otherwise in SQLite files under var/bench.
The results also go to var/bench/results-<database>.{json,md}; docs/performance.md quotes them.

This is a measurement, not a test: it fails only when a scenario cannot run (an error, a page that
does not answer 200), never because a goal was missed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from bench import harness


def _child(scale: str, quick: bool, only: set[str] | None) -> None:
    """Run the scenarios of one scale: Django is set up here on that scale's database."""
    import django

    django.setup()
    from bench.scenarios import Setting, run_all

    url = os.environ["DATABASE_URL"]
    server = harness.Server(url)
    try:
        setting = Setting(scale=scale, quick=quick, url=url, server=server, out=print)
        rows = run_all(setting, only)
    finally:
        server.stop()
    harness.save(harness.WORK / f"rows-{harness.vendor_of(url)}-{scale}.json", rows, {"url_vendor": url})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=["cluster", "national"])
    parser.add_argument("--quick", action="store_true", help="fewer requests and a shorter load test")
    parser.add_argument(
        "--only",
        help="comma-separated: needs,company,pdf,submit,answer,release,barometer,cold,engagement,partners",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    if args.child:
        _child(args.child, args.quick, only)
        return

    started = time.perf_counter()
    scales = args.scale or ["cluster"]
    rows: list[harness.Row] = []
    vendor = harness.vendor_of(os.environ.get("DATABASE_URL", ""))
    timings = {}
    for scale in scales:
        scale_started = time.perf_counter()
        url, built = harness.prepare_database(scale, print)
        timings[f"{scale} data ({'built' if built else 'reused'})"] = time.perf_counter() - scale_started
        scale_started = time.perf_counter()
        command = [sys.executable, "-m", "bench", "--child", scale]
        command += ["--quick"] if args.quick else []
        command += ["--only", args.only] if args.only else []
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        subprocess.run(command, cwd=harness.ROOT, env=env, check=True)  # noqa: S603
        timings[f"{scale} scenarios"] = time.perf_counter() - scale_started
        scale_rows, _context = harness.load(harness.WORK / f"rows-{vendor}-{scale}.json")
        rows += scale_rows

    context: dict[str, Any] = {
        "machine": harness.machine(),
        "database": vendor,
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "seconds": {name: round(value, 1) for name, value in timings.items()},
        "date": time.strftime("%Y-%m-%d"),
    }
    print()
    harness.print_table(rows)
    print()
    machine = context["machine"]
    print(
        f"{machine['cores']} cores, {machine['memory_mb']:,} MB, {machine['cpu']}; database {vendor}; "
        + ", ".join(f"{name} {value:.0f} s" for name, value in timings.items())
        + f"; total {time.perf_counter() - started:.0f} s"
    )
    harness.save(harness.WORK / f"results-{vendor}.json", rows, context)
    (harness.WORK / f"results-{vendor}.md").write_text(harness.markdown_table(rows) + "\n")
    missed = [row.scenario for row in rows if row.met is False]
    if missed:
        print(f"Goals missed ({len(missed)}): " + "; ".join(missed))


if __name__ == "__main__":
    main()
