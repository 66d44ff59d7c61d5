import importlib
import shutil
import sys
import time
from unittest import mock

import pytest
from huey import SqliteHuey

from klyngekart.core import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_the_queue_and_the_disk(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    # The test suite runs tasks in process: nothing ever waits.
    assert body["queue"] == {"status": "ok", "mode": "immediate", "waiting": 0, "oldest_seconds": 0}
    assert body["disk"]["status"] == "ok" and body["disk"]["free_bytes"] > 0


def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch("klyngekart.core.health.connection.cursor", side_effect=RuntimeError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"]["status"] == "error: RuntimeError"


def test_a_queue_whose_tasks_wait_too_long_is_reported_behind(client, tmp_path):
    queue = SqliteHuey("health-test", filename=str(tmp_path / "tasks.sqlite3"), immediate=False)
    health.connect_queue_stamps(queue)

    @queue.task()
    def work(number: int) -> int:
        return number

    work(1)
    work(2)
    with mock.patch.object(health, "_huey", return_value=queue):
        assert health.queue()[1] == {"status": "ok", "waiting": 2, "oldest_seconds": pytest.approx(0, abs=5)}
        later = time.time() + health.QUEUE_MAX_AGE_SECONDS + 60
        ok, found = health.queue(now=later)
        assert not ok and found["status"] == "behind" and found["waiting"] == 2
        assert found["oldest_seconds"] >= health.QUEUE_MAX_AGE_SECONDS + 60
        body = client.get("/healthz").json()
    # A queue behind degrades the report but keeps the server in the load balancer.
    assert body["queue"]["waiting"] == 2
    # A worker takes both: their stamps go with them.
    queue.execute(queue.dequeue())
    queue.execute(queue.dequeue())
    with mock.patch.object(health, "_huey", return_value=queue):
        assert health.queue(now=later)[1] == {"status": "ok", "waiting": 0, "oldest_seconds": 0}


def test_a_disk_running_full_degrades_the_report(client):
    full = shutil._ntuple_diskusage(total=100 * 1024**3, used=99 * 1024**3, free=1024**3 // 2)  # type: ignore[attr-defined]
    with mock.patch("klyngekart.core.health.shutil.disk_usage", return_value=full):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["disk"] == {"status": "low", "free_bytes": 1024**3 // 2, "free_percent": 0.5}


@pytest.fixture
def production_settings(monkeypatch):  # type: ignore[no-untyped-def]
    """The production settings module as an installation would load it."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOW_SQLITE", "true")
    sys.modules.pop("config.settings.production", None)
    module = importlib.import_module("config.settings.production")
    yield module
    sys.modules.pop("config.settings.production", None)


def test_a_plain_http_health_check_is_answered_while_pages_still_redirect_to_https(
    client, settings, production_settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings.SECURE_REDIRECT_EXEMPT
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"x-forwarded-proto": "http"}).status_code == 200
    login = client.get("/accounts/login/")
    assert login.status_code == 301
    assert login["Location"].startswith("https://")
    # Only the health check: a path that merely starts with it is redirected like any page.
    assert client.get("/healthz/extra").status_code == 301


def test_the_health_check_still_needs_an_allowed_host(client, settings, production_settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production_settings.SECURE_REDIRECT_EXEMPT
    settings.ALLOWED_HOSTS = ["klyngekart.example.no"]
    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 400
    assert client.get("/healthz", headers={"host": "klyngekart.example.no"}).status_code == 200
