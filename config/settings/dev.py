"""Local development: `make run`. Embedded SQLite, console mail, in-process tasks."""

from config.env import dev_secret_key, env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or dev_secret_key()
SITE_URL = env_str("SITE_URL") or "http://localhost:8000"
