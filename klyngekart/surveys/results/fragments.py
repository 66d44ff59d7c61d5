"""Rendered sections of the results pages, cached by the release they show.

A release never changes once it is ready, so the HTML drawn from it need not be drawn twice. A
fragment's key names everything the HTML depends on besides the release:

- the release's name (``release_version``) and the cluster's k, which can change at any time;
- the reader's language, and whatever the caller adds (the segment asked for, whether the reader
  may open a company, a threshold ...);
- the names shown in it that can change after the release: the round's companies by the names
  their memberships have now (``company_names_stamp``). The areas' names cannot: a round pins its
  taxonomy version, which never changes;
- the code that draws it: every template and translation catalogue of the installation
  (``code_stamp``), so a deploy never serves HTML that older templates drew.

The view asks ``released_fragment(...)`` first: on a hit it has the HTML and reads no figure at all;
on a miss it reads the figures, and the ``{% released_fragment %}`` tag renders its content once and
stores it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from klyngekart.core.privacy import k_threshold
from klyngekart.surveys.models import Round, RoundCompany
from klyngekart.surveys.results.core import CACHE_SECONDS, round_cache_key
from klyngekart.surveys.results.release import release_version


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """A digest of every template and compiled catalogue, read once per process."""
    engines: list[dict] = settings.TEMPLATES
    roots = [Path(directory) for engine in engines for directory in engine.get("DIRS", [])]
    roots += [Path(config.path) / "templates" for config in apps.get_app_configs()]
    roots += [Path(directory) for directory in settings.LOCALE_PATHS]
    digest = hashlib.blake2b(digest_size=16)
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".txt", ".mo") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def company_names_stamp(round_: Round) -> str:
    """The round's companies by the names the cluster records for them now: renaming a member
    after the release draws its sections again. One indexed read of a few hundred short rows."""
    rows = RoundCompany.objects.filter(round=round_).order_by("pk").values_list("pk", "membership__name")
    return hashlib.blake2b(repr(list(rows)).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class ReleasedFragment:
    key: str
    html: SafeString | None

    @property
    def cached(self) -> bool:
        return self.html is not None

    def store(self, html: str) -> SafeString:
        safe = SafeString(html)
        cache.set(self.key, safe, CACHE_SECONDS)
        return safe


def released_fragment(kind: str, round_: Round, *vary: object, names: bool = True) -> ReleasedFragment:
    """The cached HTML of one section of a released round's page, or a miss to fill.

    Raises ``NotReleased`` like every other read of figures. ``names=False`` for a section that
    names no company."""
    version = release_version(round_)
    key = round_cache_key(
        f"fragment-{kind}",
        round_,
        version,
        k_threshold(round_.cluster),
        get_language(),
        code_stamp(),
        company_names_stamp(round_) if names else "",
        *vary,
    )
    html = cache.get(key)
    return ReleasedFragment(key, SafeString(html) if html is not None else None)
