"""gunicorn settings for the app servers: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

The access log leaves out the anonymous answering URLs (/s/ and /api/v1/public/): a request line
there would put the respondent's IP address, user agent and the time next to a personal link's
token. Django's own log handlers get the same rule in config/settings/production.py."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from klyngekart.surveys.log_privacy import PRIVATE_PREFIXES

accesslog = "-"


class AnsweringPrivateLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if str(environ.get("PATH_INFO", "")).startswith(PRIVATE_PREFIXES):
            return
        super().access(resp, req, environ, request_time)


logger_class = AnsweringPrivateLogger
