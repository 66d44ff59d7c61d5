"""The test suite: SQLite in memory unless DATABASE_URL points at PostgreSQL."""

from config.env import env_str

from .base import *  # noqa: F403
from .base import HUEY

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}
HUEY.pop("filename", None)
HUEY.pop("url", None)
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]  # allauth accepts False to switch them off
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if not env_str("DATABASE_URL"):
    DATABASES = {  # noqa: F405
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "TEST": {"NAME": ":memory:"},
        }
    }
WHITENOISE_AUTOREFRESH = True  # serve from STATICFILES_DIRS without collectstatic
# No test reaches the real register: the register tests serve recorded answers from a local server.
KLYNGEKART_BRREG_ENABLED = False
KLYNGEKART_BRREG_URL = "http://127.0.0.1:9/enhetsregisteret/api"
SITE_URL = env_str("SITE_URL") or "http://localhost:8000"
# The webhook tests receive on a local server.
KLYNGEKART_WEBHOOK_ALLOW_HTTP = True
KLYNGEKART_WEBHOOK_ALLOW_PRIVATE = True
