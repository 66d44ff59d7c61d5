"""Settings shared by every environment. Values that differ per deployment come from config.env."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, VAR_DIR, database_config, email_config, env_bool, env_int, env_list, env_str

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "klyngekart.core",
    "klyngekart.accounts",
    "klyngekart.taxonomy",
    "klyngekart.members",
    "klyngekart.surveys",
    "klyngekart.memberservices",
    "klyngekart.landscape",
    "klyngekart.needs",
    "klyngekart.barometer",
    "klyngekart.measures",
    "klyngekart.activities",
    "klyngekart.collaborations",
    "klyngekart.benchmark",
    "klyngekart.webhooks",
    "klyngekart.engagement",
    "klyngekart.partners",
    "klyngekart.reports",
    "klyngekart.api",
    "klyngekart.home",
]

MIDDLEWARE = [
    "klyngekart.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "klyngekart.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "klyngekart.core.middleware.ContentSecurityPolicyMiddleware",
    "klyngekart.core.middleware.PrivateDownloadsMiddleware",
    "klyngekart.core.middleware.AdminScopeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "klyngekart" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klyngekart.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": database_config(VAR_DIR / "klyngekart.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORM_RENDERER = "klyngekart.core.forms.KlyngekartFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"

# django-allauth: email is the login, verified before use; rate limits stay on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Klyngekart] "
ACCOUNT_ADAPTER = "klyngekart.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Sign-up is by invitation only: a cluster manager invites people into a role.
ACCOUNT_ALLOW_SIGNUPS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Klyngekart"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "klyngekart" / "locale"]
# English dates as in Britain (7 December 2026, 07/12/2026, 24-hour clock), not American.
FORMAT_MODULE_PATH = ["klyngekart.formats"]
LANGUAGE_COOKIE_NAME = "klyngekart_language"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes; `make collectstatic-check` points it at a temporary directory.
STATIC_ROOT = Path(env_str("STATIC_ROOT")) if env_str("STATIC_ROOT") else BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Uploads: imports are untrusted and bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KLYNGEKART_IMPORT_MAX_BYTES = 5 * 1024 * 1024
KLYNGEKART_IMPORT_MAX_ROWS = 5000
# An XLSX upload is a zip: refused before parsing when it unpacks beyond these (core/spreadsheets.py).
KLYNGEKART_XLSX_MAX_UNPACKED_BYTES = 25 * 1024 * 1024
KLYNGEKART_XLSX_MAX_RATIO = 100

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; this keeps admin working
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

globals().update(email_config(env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Klyngekart <noreply@klyngekart.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "klyngekart",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "klyngekart",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", True),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tenancy: an unscoped query on a cluster-owned model raises in development and tests.
KLYNGEKART_STRICT_SCOPES = True
# Where `manage.py backup` writes (default var/backups/ in the project).
KLYNGEKART_BACKUP_DIR = env_str("KLYNGEKART_BACKUP_DIR")
# Webhooks go to public https:// addresses only; these let a test or a closed network use others.
KLYNGEKART_WEBHOOK_ALLOW_HTTP = env_bool("KLYNGEKART_WEBHOOK_ALLOW_HTTP", False)
KLYNGEKART_WEBHOOK_ALLOW_PRIVATE = env_bool("KLYNGEKART_WEBHOOK_ALLOW_PRIVATE", False)
# The installation's public address (https://klyngekart.example.no), for links in mails and tasks;
# pages build theirs from the request (klyngekart/core/links.py). Production requires it
# (`check --deploy` fails without it: klyngekart.E001); development and tests default to localhost.
SITE_URL = env_str("SITE_URL")
# The anonymity threshold's floor: no cluster can set k below this.
KLYNGEKART_MIN_ANONYMITY_THRESHOLD = 3
# Days after a round closes before its invitation list (the email addresses) is erased.
KLYNGEKART_INVITATION_RETENTION_DAYS = env_int("KLYNGEKART_INVITATION_RETENTION_DAYS", 30)
# How many days an activity's feedback survey stays open for its attendees (activities/feedback.py).
KLYNGEKART_FEEDBACK_OPEN_DAYS = env_int("KLYNGEKART_FEEDBACK_OPEN_DAYS", 14)
# Open links: more than this many answers from one address through one link within this many
# minutes are held for the cluster team's review (0 turns the check off). The default lets an
# office of up to 20 colleagues behind one address answer together after a meeting; a script
# posting dozens is held. See docs/security.md.
KLYNGEKART_OPEN_LINK_BURST = env_int("KLYNGEKART_OPEN_LINK_BURST", 20)
KLYNGEKART_OPEN_LINK_BURST_MINUTES = env_int("KLYNGEKART_OPEN_LINK_BURST_MINUTES", 10)
# The answering pages' rate limits, in POSTs per window (see surveys/answering/throttle.py; 0 turns
# one off): per respondent (link and resume cookie or personal link), per address and link for
# POSTs without a respondent key (no cookie, the public API), and per address in all, a ceiling for
# a whole office answering behind one NAT address.
KLYNGEKART_RESPOND_SESSION_POSTS = env_int("KLYNGEKART_RESPOND_SESSION_POSTS", 120)
KLYNGEKART_RESPOND_ANONYMOUS_POSTS = env_int("KLYNGEKART_RESPOND_ANONYMOUS_POSTS", 120)
KLYNGEKART_RESPOND_ADDRESS_POSTS = env_int("KLYNGEKART_RESPOND_ADDRESS_POSTS", 3000)
KLYNGEKART_RESPOND_WINDOW_SECONDS = env_int("KLYNGEKART_RESPOND_WINDOW_SECONDS", 600)
# Personal invitations are marked completed in shuffled batches of at least this many, apart from
# the answers (surveys/completions.py): whoever reads the database learns "one of these", no more.
KLYNGEKART_COMPLETION_BATCH = env_int("KLYNGEKART_COMPLETION_BATCH", 5)
# Invitation and reminder mails not sent this many seconds after they were asked for are queued
# again (surveys/tasks.py, requeue_lost_mails); each is still sent only once.
KLYNGEKART_MAIL_REQUEUE_AFTER = env_int("KLYNGEKART_MAIL_REQUEUE_AFTER", 300)
# Enhetsregisteret (Brønnøysundregistrene's open register of Norwegian companies), looked up by org
# number when a member is added or refreshed (members/register.py). Off, or unreachable, the
# pages say so and the user types the facts in. The timeout is in seconds, per request.
KLYNGEKART_BRREG_ENABLED = env_bool("KLYNGEKART_BRREG_ENABLED", True)
KLYNGEKART_BRREG_URL = env_str("KLYNGEKART_BRREG_URL", "https://data.brreg.no/enhetsregisteret/api")
KLYNGEKART_BRREG_TIMEOUT = env_int("KLYNGEKART_BRREG_TIMEOUT", 4)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        # One JSON object per line, without personal data (klyngekart/core/observability.py).
        "json": {"()": "klyngekart.core.observability.JsonFormatter"},
    },
    "filters": {"request_id": {"()": "klyngekart.core.observability.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
