"""The bench's machinery: the database per scale, the app server, HTTP timing and the result table.

Nothing here knows a scenario; bench/scenarios.py uses these pieces. See docs/performance.md.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
SEED = 1


@dataclass
class Row:
    """One line of the result table. ``ours``/``baseline`` are in ``unit``; ``ratio`` is ours over the
    baseline (for times: lower is better; for throughput: higher is better)."""

    scale: str
    scenario: str
    unit: str
    ours_p50: float | None
    ours: float  # p95 for times, the rate for throughput, the peak for memory
    baseline_name: str = ""
    baseline: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 40 values is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def summarise(seconds: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    millis = [value * 1000 for value in seconds]
    return statistics.median(millis), percentile(millis, 0.95)


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


# -- the database of a scale -------------------------------------------------------------------------


def vendor_of(url: str) -> str:
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def database_url(scale: str) -> str:
    """Each scale has its own database: a file under var/bench, or with DATABASE_URL set, a database
    ``klyngekart_bench_<scale>`` on that PostgreSQL server."""
    base = os.environ.get("DATABASE_URL", "")
    if vendor_of(base) == "postgresql":
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=f"/klyngekart_bench_{scale}"))
    WORK.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{WORK / f'sqlite-{scale}.sqlite3'}"


def _fingerprint(scale: str) -> str:
    """What the data depends on: the generator and the seed; a change rebuilds it. New migrations are
    applied to the kept data (``migrate`` runs before every bench)."""
    digest = hashlib.sha256(f"{scale}:{SEED}".encode())
    digest.update((ROOT / "bench" / "scale.py").read_bytes())
    return digest.hexdigest()[:16]


def marker_path(scale: str, url: str) -> Path:
    """A file that says which data the scale's database holds (see ``_fingerprint``)."""
    return WORK / f"{vendor_of(url)}-{scale}.ready"


def _reset_database(url: str) -> None:
    if vendor_of(url) == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(url: str, *args: str) -> None:
    """Run manage.py with the bench settings against ``url``, its output passed through."""
    subprocess.run(  # noqa: S603 - our own manage.py with arguments from this module
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
        check=True,
    )


def _settle(url: str, out: Callable[[str], None]) -> None:
    """On PostgreSQL, VACUUM ANALYZE before measuring, as a loaded production database would have
    been: otherwise autovacuum works through the freshly generated tables (24 million answer rows
    at national scale) in the middle of the scenarios, and the planner runs without statistics.
    Quick when nothing changed since the last run. SQLite has no background maintenance."""
    if vendor_of(url) != "postgresql":
        return
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    out(f"VACUUM ANALYZE: {time.monotonic() - started:.1f} s")


def prepare_database(scale: str, out: Callable[[str], None]) -> tuple[str, bool]:
    """The scale's database, generated when missing or stale. Returns (url, whether it was built)."""
    url = database_url(scale)
    marker = marker_path(scale, url)
    wanted = _fingerprint(scale)
    if marker.exists() and marker.read_text().strip() == wanted:
        out(f"Reusing the {scale} scale data ({vendor_of(url)}); delete {marker} to rebuild it.")
        manage(url, "migrate", "--noinput", "--verbosity", "0")
        _settle(url, out)
        return url, False
    out(f"Building the {scale} scale data ({vendor_of(url)}) ...")
    marker.unlink(missing_ok=True)
    _reset_database(url)
    manage(url, "migrate", "--noinput", "--verbosity", "0")
    manage(url, "generate_scale_data", "--scale", scale, "--seed", str(SEED))
    marker.write_text(wanted)
    _settle(url, out)
    return url, True


# -- the app server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """gunicorn with the production config file and the bench settings, 2 sync workers."""

    def __init__(self, url: str, workers: int = 2) -> None:
        self.port = _free_port()
        self.log = WORK / "gunicorn.log"
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        command = [
            sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
            "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
            "--access-logfile", "/dev/null", "--error-logfile", str(self.log),
            "config.wsgi:application",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {self.log}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_mb(self) -> dict[int, float]:
        """Each worker's peak resident set (VmHWM) so far, in MB."""
        peaks = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks

    def cpu_seconds(self) -> float:
        """The CPU time (user and system) the workers have used so far: a server-side cost that the
        load generator's own CPU use on the same machine does not blur."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float
    headers: list[tuple[str, str]] = field(default_factory=list)


def request(
    port: int, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """One request on a new connection (gunicorn's sync workers close after each reply)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return Reply(response.status, data, time.perf_counter() - started, response.getheaders())


def get_timings(port: int, path: str, headers: dict[str, str], repeat: int) -> list[float]:
    """``repeat`` timed GETs after one untimed warm-up; any status but 200 is an error."""
    first = request(port, "GET", path, headers=headers)
    if first.status != 200:
        raise RuntimeError(f"GET {path} answered {first.status}: {first.body[:300]!r}")
    durations = []
    for _ in range(repeat):
        reply = request(port, "GET", path, headers=headers)
        if reply.status != 200:
            raise RuntimeError(f"GET {path} answered {reply.status}")
        durations.append(reply.seconds)
    return durations


# -- the machine and the table ------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    memory = next(
        (int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal:")),
        0,
    )  # fmt: skip
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {"cores": os.cpu_count(), "memory_mb": memory, "cpu": cpu, "python": platform.python_version()}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.0f} {unit}"


TABLE_HEAD = ("scale", "scenario", "ours p50", "ours p95 / rate", "baseline", "ratio", "goal", "met")


def table_rows(rows: list[Row]) -> list[tuple[str, ...]]:
    lines: list[tuple[str, ...]] = []
    for row in rows:
        baseline = f"{row.baseline_name} {_number(row.baseline, row.unit)}" if row.baseline_name else "–"
        met = "–" if row.met is None else ("yes" if row.met else "NO")
        lines.append(
            (
                row.scale,
                row.scenario,
                _number(row.ours_p50, row.unit),
                _number(row.ours, row.unit),
                baseline,
                "–"
                if row.ratio is None
                else (f"{row.ratio:.2f}" if row.ratio >= 0.1 else f"{row.ratio:.3f}"),
                row.goal,
                met,
            )
        )
    return lines


def print_table(rows: list[Row], out: Callable[[str], None] = print) -> None:
    lines = [TABLE_HEAD, *table_rows(rows)]
    widths = [max(len(line[index]) for line in lines) for index in range(len(TABLE_HEAD))]
    for number, line in enumerate(lines):
        out("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            out("  ".join("-" * width for width in widths))


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(TABLE_HEAD) + " |", "|" + "---|" * len(TABLE_HEAD)]
    lines += ["| " + " | ".join(line) + " |" for line in table_rows(rows)]
    return "\n".join(lines)


def save(path: Path, rows: list[Row], context: dict[str, Any]) -> None:
    path.write_text(json.dumps({"context": context, "rows": [asdict(row) for row in rows]}, indent=2))


def load(path: Path) -> tuple[list[Row], dict[str, Any]]:
    data = json.loads(path.read_text())
    return [Row(**row) for row in data["rows"]], data["context"]


@contextmanager
def phase(name: str, out: Callable[[str], None]) -> Iterator[None]:
    started = time.perf_counter()
    out(f"- {name} ...")
    yield
    out(f"  {name}: {time.perf_counter() - started:.1f} s")
