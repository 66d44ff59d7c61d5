"""Request IDs and structured logs.

- **Request ID.** ``RequestIdMiddleware`` takes the ``X-Request-ID`` the proxy sends (nginx:
  ``proxy_set_header X-Request-ID $request_id;``) when it is a plain token of at most 64 characters,
  or makes one; it is on every log record written while the request runs (``RequestIdFilter``) and
  goes back in the response's ``X-Request-ID``, where gunicorn's access log reads it too.
- **JSON logs.** ``JsonFormatter`` writes one JSON object per line: time (UTC), level, logger,
  message, request ID, and the exception's type and traceback. Personal data stays out: email
  addresses become ``[email]``, and a survey link's token (``/s/<token>/``) becomes ``/s/[token]/``;
  the anonymous answering requests are dropped altogether by
  ``surveys.answering.log_privacy.DropAnsweringRequests`` in production."""

from __future__ import annotations

import datetime
import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_current: ContextVar[str] = ContextVar("klyngekart_request_id", default="")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
SURVEY_TOKEN = re.compile(r"/s/[^/\s\"']+")
API_TOKEN = re.compile(r"\bkk_[A-Za-z0-9_-]{8,}")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


def scrub(text: str) -> str:
    """``text`` without email addresses, survey link tokens or API tokens."""
    text = EMAIL.sub("[email]", text)
    text = SURVEY_TOKEN.sub("/s/[token]", text)
    return API_TOKEN.sub("kk_[token]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(message),
        }
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
