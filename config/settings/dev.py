"""Local development: `make run`. Embedded SQLite, console mail, in-process tasks."""

from config.env import dev_secret_key, env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or dev_secret_key()
