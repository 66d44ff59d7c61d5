"""Configuration from the environment: the only place settings read os.environ."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KLYNGEKART_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(default_sqlite: Path) -> dict[str, Any]:
    """DATABASE_URL when set (PostgreSQL in production), otherwise embedded SQLite.

    SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions so that the
    development server, the task consumer and management commands can share one file
    without "database is locked" errors.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(_sqlite_options())
        return config
    default_sqlite.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "OPTIONS": _sqlite_options(),
    }


def _sqlite_options() -> dict[str, Any]:
    return {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=10000;"
        ),
    }


def dev_secret_key() -> str:
    """A development secret generated once into an ignored local file."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def email_config(url: str) -> dict[str, Any]:
    """Django email settings from EMAIL_URL.

    console:// (default), locmem://, file:///path, smtp://user:pass@host:587?tls=true,
    smtps://user:pass@host:465 (implicit TLS).
    """
    from urllib.parse import parse_qs, unquote, urlparse

    parsed = urlparse(url or "console://")
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "smtp" and query.get("tls", ["false"])[0].lower() == "true",
        }
    raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default
