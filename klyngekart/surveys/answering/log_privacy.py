"""Keep the anonymous answering URLs out of the logs.

A request line carries the client's IP address and user agent next to the path, and the path of a
personal link is its secret token: together they would tie a person to the moment they answered.
Production settings attach this filter to every log handler, Django's and gunicorn's access log
alike (config/gunicorn.conf.py)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

PRIVATE_PREFIXES = ("/s/", "/api/v1/public/")


def _paths(record: logging.LogRecord) -> list[str]:
    found: list[str] = []
    request = getattr(record, "request", None)
    path = getattr(request, "path", None)
    if isinstance(path, str):
        found.append(path)
    args: Any = record.args
    if isinstance(args, dict):
        # gunicorn's access log passes its atoms: "U" is the path, "r" the request line.
        found += [str(args.get("U", "")), str(args.get("r", "")).partition(" ")[2]]
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    found += message.split()
    return found


def _private(part: str) -> bool:
    part = part.strip("\"'")
    if "://" in part:
        part = urlsplit(part).path
    return part.startswith(PRIVATE_PREFIXES)


class DropAnsweringRequests(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not any(_private(part) for part in _paths(record))
