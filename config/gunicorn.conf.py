"""gunicorn settings for the app servers: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

The access log leaves out the anonymous answering URLs (/s/ and /api/v1/public/): a request line
there would put the respondent's IP address, user agent and the time next to a personal link's
token. Django's own log handlers get the same rule in config/settings/production.py. No line has the
client's address; each has the request's ID."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.glogging import Logger

from klyngekart.surveys.answering.log_privacy import PRIVATE_PREFIXES

accesslog = "-"
# No client address (personal data) and the request's ID, as Django's log lines carry it
# (klyngekart/core/observability.py sets it on the response).
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


class AnsweringPrivateLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if str(environ.get("PATH_INFO", "")).startswith(PRIVATE_PREFIXES):
            return
        super().access(resp, req, environ, request_time)


logger_class = AnsweringPrivateLogger


def post_worker_init(worker: Any) -> None:
    """Move everything the worker loaded (Django, the URL conf, the models) out of the garbage
    collector's sight. A full collection otherwise walks those ~160,000 long-lived objects: a 70 ms
    pause in some request every couple of hundred (measured on the needs page; docs/performance.md)."""
    gc.freeze()
