"""Production: PostgreSQL, Redis, several stateless app servers behind a TLS-terminating proxy."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool("ALLOW_SQLITE"):
    raise ImproperlyConfigured("Set DATABASE_URL to PostgreSQL in production (or ALLOW_SQLITE=true)")

KLYNGEKART_STRICT_SCOPES = env_bool("STRICT_SCOPES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer's health check often speaks plain HTTP without X-Forwarded-Proto; a 301 would
# read as "down". The answer carries no data worth protecting. (Its Host must still be allowed.)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The anonymous answering URLs stay out of every log (klyngekart/surveys/answering/log_privacy.py): a log line
# there could tie a person's address and a time to a personal link. gunicorn's access log is
# filtered the same way in config/gunicorn.conf.py.
# Structured: one JSON object per line (LOG_FORMAT=plain for a human at a terminal).
LOGGING = {
    **LOGGING,
    "filters": {
        **LOGGING["filters"],  # type: ignore[dict-item]
        "answering": {"()": "klyngekart.surveys.answering.log_privacy.DropAnsweringRequests"},
    },
    "handlers": {
        "console": {
            **LOGGING["handlers"]["console"],  # type: ignore[index]
            "formatter": env_str("LOG_FORMAT", "json"),
            "filters": ["request_id", "answering"],
        }
    },
}
# The public survey rate limit counts per client address; behind the load balancer that is the
# address it adds to X-Forwarded-For (one trusted proxy by default).
KLYNGEKART_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
