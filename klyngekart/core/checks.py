"""System checks of the installation's own settings (``manage.py check``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``SITE_URL`` must be the public https address: every link in a mail and a task is built on
    it (klyngekart/core/links.py), so without it invitations would point nowhere."""
    value = (getattr(settings, "SITE_URL", "") or "").strip()
    hint = "Set the environment variable SITE_URL, e.g. SITE_URL=https://klyngekart.example.no"
    if not value:
        return [
            Error(
                "SITE_URL is not set: links in invitation mails and reminders would have no address.",
                hint=hint,
                id="klyngekart.E001",
            )
        ]
    parts = urlsplit(value)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        return [
            Error(
                f"SITE_URL must be the installation's https address with no path, not {value!r}.",
                hint=hint,
                id="klyngekart.E002",
            )
        ]
    return []
