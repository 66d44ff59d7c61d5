"""The fault test (`make soak`): the deployment recipe under load while its servers are killed.

    python -m bench.soak                 PostgreSQL, two app servers behind nginx, Redis, a consumer
    python -m bench.soak --sqlite        SQLite and one app server (no proxy), Redis, a consumer

What runs is the recipe in deploy/ (docs/deployment.md), not a copy of it: the app servers and the
task consumer are started from the ExecStart lines of deploy/systemd/*.service with the environment
of deploy/klyngekart.env (local addresses put in for the hosts), and nginx from Debian with the
upstream of deploy/nginx/klyngekart.conf and the proxy rules of deploy/nginx/klyngekart-proxy.conf.
A change to those files changes what this test runs, so the recipe cannot rot.

The load: a cluster with 20 member companies and an open round (a segment question, a competence
gap matrix of six areas, a rating and a free text). 200 personal invitations are mailed by the
consumer, and the links are read from the mails (the file mail backend). Then 200 concurrent
clients submit 2,000 responses: 180 through the HTML answering pages of those personal links (the
other 20 invited get a reminder), and 1,820 through the public API on the companies' open links,
where 10 % of the submissions are sent again with the same idempotency key. A client that gets no
answer (a killed server) tries again with the same key or link, up to six times with a growing
pause (0.5 to 8 s), as a person would. Meanwhile one app server is killed with SIGKILL and
started again, and so is the task consumer (while it mails the invitations, and again while it
mails the reminders).

Afterwards, from the database:
- every acknowledged response is stored exactly once (by its key, or its personal link), and
  nothing is stored that no client sent;
- every stored response is whole (its segment answer and every gap row), acknowledged or not;
- the release built when the round closes equals a recomputation from the raw answers;
- each invitation was mailed exactly once, and each reminder went exactly once to exactly those
  who had not answered.
Any violation fails the run (exit 1). The figures (responses/s, p95, errors) are printed and written
to var/soak/<engine>.json; docs/performance.md keeps them.
"""

from __future__ import annotations

import argparse
import email
import functools
import http.client
import json
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.harness import percentile
from bench.respondent import play

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
RESULTS = ROOT / "var" / "soak"
REDIS_DB = 7
CLIENTS = 200
RESPONSES = 2000
PERSONAL = 200
# Invited people who answer; the others get a reminder.
ANSWERING = 180
REPEATED = 0.10
ATTEMPTS = 6
AREAS = ("soak-automation", "soak-welding", "soak-data", "soak-lean", "soak-energy", "soak-safety")
SITE_HOST = "127.0.0.1"


def say(text: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the recipe -----------------------------------------------------------------------------------


def recipe_environment(overrides: dict[str, str]) -> dict[str, str]:
    """deploy/klyngekart.env as systemd's EnvironmentFile reads it, with ``overrides`` for the
    placeholders. Every variable the file names must be given a value here or keep its own."""
    values: dict[str, str] = {}
    for line in (DEPLOY / "klyngekart.env").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _sep, value = line.partition("=")
        values[name] = value
    values.update(overrides)
    # A placeholder is <...> without an @ (an address in angle brackets is a value).
    placeholders = sorted(name for name, value in values.items() if re.search(r"<[^<>@]+>", value))
    if placeholders:
        raise SystemExit(f"deploy/klyngekart.env: no value for {', '.join(placeholders)}")
    return values


def unit_command(unit: str, replace: dict[str, str]) -> list[str]:
    """The ExecStart of a unit in deploy/systemd, as a command for this checkout: /srv/klyngekart is
    this directory, and ``replace`` swaps an option's value (``--bind``, ``--workers``)."""
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart=").replace("/srv/klyngekart", str(ROOT)))
    for option, value in replace.items():
        words[words.index(option) + 1] = value
    return words


def nginx_config(port: int, upstreams: list[int], work: Path) -> str:
    """nginx.conf for a process of our own: the recipe's upstream with local servers (each keeps the
    recipe's parameters) and its proxy rules, listening on ``port``."""
    site = (DEPLOY / "nginx" / "klyngekart.conf").read_text()
    block = re.search(r"upstream klyngekart \{(.*?)\n\}", site, re.S)
    if block is None:
        raise SystemExit("deploy/nginx/klyngekart.conf has no `upstream klyngekart` block")
    servers = re.findall(r"^\s*server\s+\S+\s*([^;]*);", block.group(1), re.M)
    parameters = servers[0] if servers else ""
    upstream = "\n".join(f"        server 127.0.0.1:{p} {parameters};" for p in upstreams)
    lines = []
    # nginx started as root runs its workers as nobody: their buffers need folders they may write.
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        folder = work / f"nginx-{name}"
        folder.mkdir(exist_ok=True)
        folder.chmod(0o777)
        lines.append(f"    {name}_temp_path {folder};")
    (work / "logs").mkdir(exist_ok=True)  # where nginx logs before it has read this file
    temp = "\n".join(lines)
    return f"""worker_processes 2;
pid {work / "nginx.pid"};
error_log {work / "nginx-error.log"} warn;
daemon off;
events {{ worker_connections 2048; }}
http {{
    access_log off;
{temp}
    upstream klyngekart {{
{upstream}
    }}
    server {{
        listen 127.0.0.1:{port};
        include {DEPLOY / "nginx" / "klyngekart-proxy.conf"};
    }}
}}
"""


class Service:
    """One process of the recipe, in its own process group so that SIGKILL takes all of it (a
    gunicorn master with its workers), as a machine that dies would."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], ready: Callable[[], bool], work: Path
    ) -> None:
        self.name, self.command, self.env, self.ready = name, command, env, ready
        self.log = work / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - the recipe's own command
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start; see {self.log}")
            if self.ready():
                return
            time.sleep(0.2)
        raise SystemExit(f"{self.name} was not ready in 90 s; see {self.log}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


# -- HTTP -----------------------------------------------------------------------------------------


def http_request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": SITE_HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def healthy(port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return http_request(port, "GET", "/healthz")[0] == 200
        except (OSError, http.client.HTTPException):
            return False

    return check


# -- the world ------------------------------------------------------------------------------------


@dataclass
class World:
    cluster_id: int
    round_id: int
    open_links: list[str]
    addresses: list[str]


def build_world() -> World:
    """A cluster, 20 member companies, and an open round with its open links on (in process, with
    the recipe's environment: the same database the servers use)."""
    from django.utils import timezone

    from klyngekart.accounts.tests.factories import ClusterRoleFactory, UserFactory
    from klyngekart.core.tenancy import scope
    from klyngekart.core.tests.factories import ClusterFactory
    from klyngekart.members.tests.factories import MembershipFactory
    from klyngekart.surveys.models import RoundCompany
    from klyngekart.surveys.rounds.open_links import open_link_set
    from klyngekart.surveys.rounds.services import round_create, round_open
    from klyngekart.surveys.tests.factories import (
        QuestionFactory,
        SectionFactory,
        SurveyFactory,
        SurveyVersionFactory,
    )
    from klyngekart.taxonomy.tests.factories import CompetenceAreaFactory, TaxonomyVersionFactory

    cluster: Any = ClusterFactory(name="Soak-klyngen", slug=f"soak-{uuid.uuid4().hex[:6]}")
    manager = UserFactory(email=f"manager-{cluster.slug}@example.org")
    with scope(cluster):
        ClusterRoleFactory(cluster=cluster, user=manager, role="manager")
        for _ in range(20):
            MembershipFactory(cluster=cluster)
        taxonomy = TaxonomyVersionFactory(cluster=cluster)
        for code in AREAS:
            CompetenceAreaFactory(version=taxonomy, cluster=cluster, code=code)
        version: Any = SurveyVersionFactory(survey=SurveyFactory(cluster=cluster), cluster=cluster)
        first = SectionFactory(version=version, cluster=cluster, position=0)
        second = SectionFactory(version=version, cluster=cluster, position=1)
        QuestionFactory(
            section=first,
            key="role",
            type="single",
            is_segment=True,
            required=True,
            options=[
                {"key": "production", "nb": "Produksjon", "en": "Production"},
                {"key": "office", "nb": "Kontor", "en": "Office"},
            ],
        )
        QuestionFactory(section=first, key="learning", type="likert", required=True)
        QuestionFactory(section=second, key="gaps", type="gap_matrix", required=True)
        QuestionFactory(section=second, key="challenges", type="text")
        today = timezone.localdate()
        round_ = round_create(
            cluster=cluster,
            actor=manager,
            survey_version=version,
            title="Soak",
            opens_on=today,
            closes_on=today + timedelta(days=30),
            audience="employees",
            companies="all",
            reminder_days=[],
        )
        round_ = round_open(round_=round_, actor=manager)
        links = []
        for part in RoundCompany.objects.filter(round=round_).select_related("round", "cluster"):
            open_link_set(round_company=part, actor=manager, enabled=True)
            links.append(part.link_token)
    addresses = [f"ansatt{n:03d}@soak.example.org" for n in range(PERSONAL)]
    return World(cluster.pk, round_.pk, links, addresses)


def invite(world: World) -> None:
    """The contacts invite their employees: ten addresses to each company. The mails go through
    the task queue to the consumer."""
    from klyngekart.accounts.models import User
    from klyngekart.core.models import Cluster
    from klyngekart.core.tenancy import scope
    from klyngekart.surveys.models import RoundCompany
    from klyngekart.surveys.rounds.services import invitations_add

    cluster = Cluster.objects.get(pk=world.cluster_id)
    manager = User.objects.get(email=f"manager-{cluster.slug}@example.org")
    with scope(cluster):
        parts = list(
            RoundCompany.objects.filter(round_id=world.round_id).select_related("round").order_by("pk")
        )
        for number, part in enumerate(parts):
            emails = world.addresses[number * 10 : number * 10 + 10]
            invitations_add(round_company=part, actor=manager, emails=emails, language="nb")


# -- mail -----------------------------------------------------------------------------------------


def read_mails_file(path: Path) -> list[Message]:
    """The messages the file backend wrote to one file (each followed by a line of dashes)."""
    return [
        email.message_from_bytes(chunk.strip() + b"\n")
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
        if chunk.strip()
    ]


def read_mails(folder: Path, skip: set[str] | None = None) -> list[Message]:
    """Every message in ``folder``, but those in the files named in ``skip``."""
    return [
        message
        for path in sorted(folder.glob("*.log"))
        if path.name not in (skip or set())
        for message in read_mails_file(path)
    ]


def mail_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            return payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
    return ""


LINK = re.compile(r"/s/([A-Za-z0-9_-]{20,})/")


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(1)
    raise SystemExit(f"FAILED: {what} within {seconds:.0f} s")


# -- the clients ----------------------------------------------------------------------------------


@dataclass
class Submission:
    kind: str  # "api" or "form"
    key: str  # the idempotency key, or the personal link's token
    acknowledged: bool = False
    attempts: int = 0
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)


def backoff(attempt: int) -> None:
    """Wait before trying again: 0.5, 1, 2, 4, 8 s (a restarted server is back within about 10 s)."""
    time.sleep(min(0.5 * 2**attempt, 8.0) * random.uniform(0.8, 1.2))  # noqa: S311


def api_answers(rng: random.Random) -> dict[str, Any]:
    return {
        "role": rng.choice(["production", "office"]),
        "learning": rng.randint(1, 5),
        "gaps": {code: {"importance": rng.randint(1, 5), "level": rng.randint(1, 5)} for code in AREAS},
    }


def submit_api(port: int, link: str, submission: Submission, body: bytes, repeat: bool) -> None:
    """POST one response, again after a failure with the same key; ``repeat`` sends it once more
    after it was acknowledged, as a client that lost the reply would."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": submission.key}
    for attempt in range(ATTEMPTS + (1 if repeat else 0)):
        submission.attempts += 1
        started = time.perf_counter()
        try:
            status, _headers, reply = http_request(
                port, "POST", f"/api/v1/public/surveys/{link}/responses", body, headers
            )
        except (OSError, http.client.HTTPException) as error:
            submission.errors.append(type(error).__name__)
            backoff(attempt)
            continue
        submission.seconds.append(time.perf_counter() - started)
        if status in (200, 201):
            submission.acknowledged = True
            submission.receipts.append(json.loads(reply)["receipt"])
            if not repeat or len(submission.receipts) > 1:
                return
            continue
        submission.errors.append(str(status))
        if status < 500:
            return
        backoff(attempt)


def submit_form(port: int, token: str, submission: Submission, rng: random.Random) -> None:
    """The answering pages of a personal link, from the start page to the receipt; after a failure
    the respondent opens the link again (the pages resume from the saved draft)."""

    def transport(
        method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        return http_request(port, method, path, body, headers)

    for attempt in range(ATTEMPTS):
        submission.attempts += 1
        try:
            sequence = play(transport, token, rng)
        except (OSError, http.client.HTTPException) as error:
            submission.errors.append(type(error).__name__)
            backoff(attempt)
            continue
        submission.seconds.extend(seconds for _label, seconds in sequence.requests)
        if sequence.completed:
            submission.acknowledged = True
            submission.receipts.append(sequence.receipt)
            return
        submission.errors.append(sequence.error[:80])
        backoff(attempt)


# -- the checks -----------------------------------------------------------------------------------


def check_stored(world: World, submissions: list[Submission], failures: list[str]) -> dict[str, int]:
    from django.db.models import Count

    from klyngekart.core.tenancy import scopes_disabled
    from klyngekart.surveys.answering.services import invitation_answer_key, submission_hash
    from klyngekart.surveys.models import Answer, GapAnswer, Response, Round

    with scopes_disabled():
        round_ = Round.objects.get(pk=world.round_id)
        stored = list(
            Response.objects.filter(round=round_).values_list("pk", "submission_key", "invitation_key")
        )
        by_submission = Counter(key for _pk, key, _invitation in stored)
        by_invitation = Counter(key for _pk, _key, key in stored if key)
        found = 0
        for submission in submissions:
            if submission.kind == "api":
                count = by_submission[submission_hash(round_, submission.key)]
            else:
                count = by_invitation[invitation_answer_key(round_, submission.key)]
            found += count
            if submission.acknowledged and count != 1:
                failures.append(f"acknowledged {submission.kind} response stored {count} times")
            elif count > 1:
                failures.append(f"unacknowledged {submission.kind} response stored {count} times")
        if found != len(stored):
            failures.append(f"{len(stored)} responses stored, {found} of them sent by a client")
        # Whole: the segment and rating answers and every gap row of every stored response.
        answers = dict(
            Answer.objects.filter(round=round_, question_key__in=["role", "learning"])
            .values("response_id")
            .annotate(n=Count("id"))
            .values_list("response_id", "n")
        )
        gaps = dict(
            GapAnswer.objects.filter(round=round_)
            .values("response_id")
            .annotate(n=Count("id"))
            .values_list("response_id", "n")
        )
        broken = [pk for pk, _key, _inv in stored if answers.get(pk) != 2 or gaps.get(pk) != len(AREAS)]
        if broken:
            failures.append(f"{len(broken)} stored responses are not whole")
    return {"stored": len(stored), "found": found}


def close_and_compare(world: World, failures: list[str]) -> int:
    """Close the round (the consumer builds the release) and compare the released sums with a
    recomputation from the raw answers."""
    from klyngekart.core.tenancy import scope, scopes_disabled
    from klyngekart.surveys.models import Round
    from klyngekart.surveys.results.aggregates import rebuild
    from klyngekart.surveys.results.release import is_released
    from klyngekart.surveys.rounds.services import round_close

    with scopes_disabled():
        round_ = Round.objects.select_related("cluster").get(pk=world.round_id)
    with scope(round_.cluster):
        round_close(round_=round_, actor=None)

    def released() -> bool:
        with scopes_disabled():
            return is_released(Round.objects.get(pk=world.round_id))

    wait_for(released, 180, "the release is built")
    with scope(round_.cluster):
        differences = rebuild(round=Round.objects.get(pk=world.round_id), fix=False)
    for difference in differences[:10]:
        failures.append(f"release differs from the raw answers: {difference}")
    if len(differences) > 10:
        failures.append(f"... and {len(differences) - 10} more differences")
    return len(differences)


# -- the run --------------------------------------------------------------------------------------


def prepare_database(engine: str, work: Path) -> str:
    if engine == "sqlite":
        path = work / "soak.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/klyngekart"
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path="/klyngekart_soak"))
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "klyngekart_soak" WITH (FORCE)')
        conn.execute('CREATE DATABASE "klyngekart_soak"')
    return url


def main() -> None:  # noqa: C901, PLR0915 - one run, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite and one app server, no proxy")
    options = parser.parse_args()
    engine = "sqlite" if options.sqlite else "postgresql"
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if engine == "postgresql" and not Path(nginx).exists():
        raise SystemExit("nginx is needed for the soak on PostgreSQL: apt-get install nginx-light")
    work = RESULTS / engine
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    mail_folder = work / "mail"
    mail_folder.mkdir()
    redis_url = f"{(os.environ.get('REDIS_URL') or 'redis://127.0.0.1:6379/0').rsplit('/', 1)[0]}/{REDIS_DB}"
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    servers = [free_port() for _ in range(1 if engine == "sqlite" else 2)]
    front = servers[0] if engine == "sqlite" else free_port()
    env = {
        **os.environ,
        **recipe_environment(
            {
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": prepare_database(engine, work),
                "REDIS_URL": redis_url,
                "ALLOWED_HOSTS": SITE_HOST,
                "CSRF_TRUSTED_ORIGINS": f"http://{SITE_HOST}:{front}",
                "SITE_URL": f"http://{SITE_HOST}:{front}",
                "EMAIL_URL": f"file://{mail_folder}",
                "DEFAULT_FROM_EMAIL": "Klyngekart <noreply@soak.example.org>",
                "STATIC_ROOT": str(work / "static"),
                "LOG_LEVEL": "WARNING",
            }
        ),
        # Plain HTTP on loopback: no TLS to redirect to.
        "SECURE_SSL_REDIRECT": "false",
        "ALLOW_SQLITE": "true",
        # Every client comes from 127.0.0.1: the per-address limits are for the open internet.
        "KLYNGEKART_RESPOND_ANONYMOUS_POSTS": "100000",
        "KLYNGEKART_RESPOND_ADDRESS_POSTS": "100000",
        "KLYNGEKART_RESPOND_SESSION_POSTS": "100000",
        "KLYNGEKART_OPEN_LINK_BURST": "100000",
        "KLYNGEKART_MAIL_REQUEUE_AFTER": "20",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    say(f"{engine}: migrate and collectstatic with deploy/klyngekart.env")
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603

    os.environ.update(env)
    import django

    django.setup()
    world = build_world()

    web = [
        Service(
            f"web{n + 1}",
            unit_command("klyngekart-web.service", {"--bind": f"127.0.0.1:{port}", "--workers": "2"}),
            env,
            healthy(port),
            work,
        )
        for n, port in enumerate(servers)
    ]
    consumer = Service("tasks", unit_command("klyngekart-tasks.service", {}), env, lambda: True, work)
    services = [*web, consumer]
    proxy: Service | None = None
    if engine == "postgresql":
        config = work / "nginx.conf"
        config.write_text(nginx_config(front, servers, work))
        proxy = Service("nginx", [nginx, "-c", str(config), "-p", str(work)], env, healthy(front), work)
        services.append(proxy)
    failures: list[str] = []
    figures: dict[str, Any] = {"engine": engine, "app_servers": len(servers)}
    try:
        for service in web:
            service.start()
        if proxy is not None:
            proxy.start()
        consumer.start()
        say(f"{len(servers)} app server(s) on {servers}, front on {front}, consumer, Redis db {REDIS_DB}")

        # 1. Invitations, with the consumer killed while it mails them.
        invite(world)
        # Killed in the middle of the mailing: some tasks done, one taken from the queue and lost
        # with the process, the rest still queued.
        wait_for(lambda: len(read_mails(mail_folder)) >= 15, 120, "the first invitation mails")
        consumer.kill()
        say(f"consumer killed after {len(read_mails(mail_folder))} of {PERSONAL} invitation mails")
        time.sleep(2)
        consumer.start()
        wait_for(lambda: len(read_mails(mail_folder)) >= PERSONAL, 240, f"{PERSONAL} invitation mails")
        time.sleep(3)  # a duplicate would arrive now
        invitations = read_mails(mail_folder)
        seen = {path.name for path in mail_folder.glob("*.log")}
        per_address = Counter(message["To"] for message in invitations)
        twice = [address for address, count in per_address.items() if count != 1]
        missing = set(world.addresses) - set(per_address)
        if twice or missing or len(invitations) != PERSONAL:
            failures.append(
                f"invitations: {len(invitations)} mails, {len(twice)} twice, {len(missing)} missing"
            )
        tokens = {}
        for message in invitations:
            found = LINK.search(mail_text(message))
            if found:
                tokens[message["To"]] = found.group(1)
        say(f"{len(invitations)} invitation mails, each address once; {len(tokens)} links read from them")

        # 2. The load, with one app server (or the only one) and then the consumer killed.
        rng = random.Random(20261207)
        submissions: list[Submission] = []
        jobs: list[Callable[[], None]] = []
        for address in world.addresses[:ANSWERING]:
            submission = Submission("form", tokens.get(address, "missing"))
            submissions.append(submission)
            seed = rng.random()
            jobs.append(
                functools.partial(submit_form, front, submission.key, submission, random.Random(seed))
            )
        for _n in range(RESPONSES - ANSWERING):
            submission = Submission("api", uuid.uuid4().hex)
            submissions.append(submission)
            body = json.dumps({"answers": api_answers(rng)}).encode()
            link = rng.choice(world.open_links)
            repeat = rng.random() < REPEATED
            jobs.append(functools.partial(submit_api, front, link, submission, body, repeat))
        rng.shuffle(jobs)
        done = threading.Event()
        progress = Counter[str]()

        def run(job: Callable[[], None]) -> None:
            job()
            progress["done"] += 1

        def chaos() -> None:
            while progress["done"] < RESPONSES * 0.25 and not done.is_set():
                time.sleep(0.2)
            victim = web[0]
            victim.kill()
            say(f"{victim.name} killed (SIGKILL) at {progress['done']} of {RESPONSES}")
            time.sleep(3)
            victim.start()
            say(f"{victim.name} back at {progress['done']}")
            while progress["done"] < RESPONSES * 0.6 and not done.is_set():
                time.sleep(0.2)
            consumer.kill()
            say(f"consumer killed (SIGKILL) at {progress['done']}")
            time.sleep(2)
            consumer.start()

        say(
            f"{CLIENTS} clients: {ANSWERING} responses through the pages,"
            f" {RESPONSES - ANSWERING} through the API"
        )
        chaos_thread = threading.Thread(target=chaos, daemon=True)
        chaos_thread.start()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(run, jobs))
        elapsed = time.perf_counter() - started
        done.set()
        chaos_thread.join(timeout=60)

        acknowledged = [s for s in submissions if s.acknowledged]
        api_seconds = [t for s in submissions if s.kind == "api" for t in s.seconds]
        page_seconds = [t for s in submissions if s.kind == "form" for t in s.seconds]
        errors = Counter(error for s in submissions for error in s.errors)
        repeated = [s for s in submissions if len(s.receipts) > 1]
        if any(len(set(s.receipts)) != 1 for s in repeated):
            failures.append("a repeated idempotency key got a different receipt")
        figures.update(
            {
                "responses": RESPONSES,
                "acknowledged": len(acknowledged),
                "repeated_keys": len(repeated),
                "seconds": round(elapsed, 1),
                "responses_per_second": round(len(acknowledged) / elapsed, 1),
                "api_p95_ms": round(percentile(api_seconds, 0.95) * 1000),
                "page_p95_ms": round(percentile(page_seconds, 0.95) * 1000),
                "errors": dict(errors.most_common(8)),
            }
        )
        say(json.dumps(figures))
        if len(acknowledged) < RESPONSES * 0.95:
            failures.append(f"only {len(acknowledged)} of {RESPONSES} responses acknowledged")

        counts = check_stored(world, submissions, failures)
        figures.update(counts)
        say(f"stored {counts['stored']} responses, every one sent by a client, each acknowledged one once")

        # 3. Reminders to those who have not answered, with the consumer killed while it mails them.
        from django.utils import timezone

        from klyngekart.core.tenancy import scope, scopes_disabled
        from klyngekart.surveys.answering.services import invitation_answer_key
        from klyngekart.surveys.models import Response, Round
        from klyngekart.surveys.rounds.services import reminders_send

        with scopes_disabled():
            round_ = Round.objects.select_related("cluster").get(pk=world.round_id)
            answered_keys = set(
                Response.objects.filter(round=round_)
                .exclude(invitation_key=None)
                .values_list("invitation_key", flat=True)
            )
        expected = {
            address
            for address in world.addresses
            if invitation_answer_key(round_, tokens.get(address, "")) not in answered_keys
        }
        with scope(round_.cluster):
            reminded = reminders_send(round_=round_, today=timezone.localdate() + timedelta(days=1))
        if reminded != len(expected):
            failures.append(f"{reminded} reminders asked for, {len(expected)} expected")
        time.sleep(0.3)
        consumer.kill()
        time.sleep(2)
        consumer.start()

        def reminders() -> list[Message]:
            return read_mails(mail_folder, skip=seen)

        wait_for(lambda: len(reminders()) >= len(expected), 240, f"{len(expected)} reminder mails")
        time.sleep(3)
        sent = Counter(message["To"] for message in reminders())
        if set(sent) != expected or any(count != 1 for count in sent.values()):
            failures.append(
                f"reminders: {sum(sent.values())} mails to {len(sent)}, expected {len(expected)} once each"
            )
        figures["reminders"] = sum(sent.values())
        say(f"{sum(sent.values())} reminder mails, one to each of the {len(expected)} who had not answered")

        # 4. The release against the raw answers.
        figures["release_differences"] = close_and_compare(world, failures)
        say("release built by the consumer; its sums equal a recomputation from the raw answers")
    finally:
        for service in reversed(services):
            service.stop()

    figures["failures"] = failures
    (RESULTS / f"{engine}.json").write_text(json.dumps(figures, indent=2))
    if failures:
        for failure in failures:
            say(f"FAILED: {failure}")
        raise SystemExit(1)
    say(f"passed: {figures['acknowledged']} acknowledged, {figures['responses_per_second']} responses/s")


if __name__ == "__main__":
    main()
