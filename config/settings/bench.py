"""`make bench`: production-like settings (no DEBUG, no query log) for a local measurement.

It serves over plain HTTP on 127.0.0.1, adds one bare JSON view as the baseline of the submission
scenario (bench/urls.py), and lifts the answering rate limit and the open links' burst hold high
enough for one address to send thousands of responses that all count (the limiter and the burst
counter still run, so their cost is measured)."""

import warnings

from config.env import env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
KLYNGEKART_RESPOND_ANONYMOUS_POSTS = 1_000_000
KLYNGEKART_RESPOND_ADDRESS_POSTS = 1_000_000
KLYNGEKART_OPEN_LINK_BURST = 1_000_000
# Scale data has far more rows than a development database; keep the SQL out of the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
# Static files are not part of any scenario, so no collectstatic: whitenoise need not say so.
warnings.filterwarnings("ignore", message="No directory at")
SITE_URL = env_str("SITE_URL") or "http://127.0.0.1:8000"
