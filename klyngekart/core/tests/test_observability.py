"""Request IDs from the proxy to the logs, and JSON log lines without personal data."""

from __future__ import annotations

import json
import logging
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from klyngekart.core.observability import JsonFormatter, RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def _record(message: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    record = logging.LogRecord("klyngekart.test", logging.WARNING, __file__, 1, message, args, exc_info)  # type: ignore[arg-type]
    RequestIdFilter().filter(record)
    return record


def test_the_proxys_request_id_is_kept_and_returned(client):
    response = client.get("/healthz", headers={"x-request-id": "nginx-4f2a9c"})
    assert response["X-Request-ID"] == "nginx-4f2a9c"


def test_a_request_without_an_id_or_with_a_bad_one_gets_a_new_one(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    forged = client.get("/healthz", headers={"x-request-id": "a b\nc=<script>"})["X-Request-ID"]
    assert forged != "a b\nc=<script>" and len(forged) == 32
    assert client.get("/healthz")["X-Request-ID"] != made


def test_every_log_line_of_a_request_carries_its_id():
    lines: list[dict[str, object]] = []

    def view(request):  # type: ignore[no-untyped-def]
        lines.append(json.loads(JsonFormatter().format(_record("inside the view"))))
        return HttpResponse("ok")

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-77"))
    assert lines[0]["request_id"] == "lb-77"
    # Outside a request there is none.
    assert "request_id" not in json.loads(JsonFormatter().format(_record("after")))


def test_json_lines_hold_no_address_and_no_token():
    line = json.loads(
        JsonFormatter().format(
            _record(
                "Invitation to %s failed for /s/Xq3-secret_token/part/2 with kk_live_abcdef123456",
                "kari@bedrift.no",
            )
        )
    )
    assert line["message"] == "Invitation to [email] failed for /s/[token]/part/2 with kk_[token]"
    assert line["level"] == "WARNING" and line["logger"] == "klyngekart.test"
    assert line["time"].endswith("+00:00")


def test_an_exception_is_logged_with_its_type_and_a_scrubbed_traceback():
    try:
        raise ValueError("no user ola@example.no")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == "ValueError"
    assert "ola@example.no" not in line["traceback"] and "[email]" in line["traceback"]


def test_production_logs_json_through_both_filters(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOW_SQLITE", "true")
    sys.modules.pop("config.settings.production", None)
    try:
        production = importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
    console = production.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json"
    assert console["filters"] == ["request_id", "answering"]


def test_gunicorns_access_log_has_the_request_id_and_no_client_address():
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))
    assert "%({x-request-id}o)s" in conf["access_log_format"]
    assert "%(h)s" not in conf["access_log_format"]
