"""Answering parts rendered once and served from memory (issue 13, item 10).

A part that a respondent has not answered yet looks the same for everyone who opens it through the
same round in the same language: the questions come from the published version (definition.py).
What differs per request is marked in the rendered HTML with a placeholder, and filled in per
request in one pass (``Skeleton.fill``):

- the CSRF token (Django masks it anew for every response);
- the link token in the form's action and the language switch (one per company or invitation);
- the company's and the cluster's names and the survey's title, which can change during a round.

The placeholders are random per process (``secrets.token_hex``), made of letters and digits only, so
no text a cluster team writes and no URL quoting can produce or alter one. The values put in are
HTML-escaped exactly as the template's autoescape would escape them, and the substitution is a
single regular-expression pass, so a value is never read again for placeholders (a company called
like a placeholder stays text).

A part with earlier answers of the respondent on it, or with errors, is rendered normally: cached
HTML never holds anyone's answers. The key holds everything else the page depends on (the round's
versions, the part, the language, which questions show, whether it is the last, k, the closing day).

Kept per process (an LRU), not in Django's shared cache: a skeleton depends on the templates, the
translations and the static files' hashed names of the code that rendered it, which a deploy
changes, and a restart empties a process's memory with it. A missed part costs one ordinary render.
Any save or delete of a definition row empties it too, as it does the definitions' cache.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.html import escape

from klyngekart.surveys.answering.services import VersionCache
from klyngekart.surveys.models import Question, Section, SurveyVersion
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion

# Names of what a skeleton leaves open, in the order of Skeleton.marks.
FIELDS = ("csrf", "token", "company", "cluster", "survey")
# Parts kept per process: a round's parts (a dozen) in two languages and a few show-if variants, for
# the open rounds a worker serves; a part is 10-30 KB of HTML.
SKELETON_CACHE_SIZE = 1000


def _new_marks() -> dict[str, str]:
    nonce = secrets.token_hex(16)
    return {name: f"kk{name}{nonce}x" for name in FIELDS}


MARKS = _new_marks()


@dataclass(frozen=True)
class Skeleton:
    """A rendered part with ``marks`` (field name -> placeholder) where per-request values go."""

    html: str
    marks: dict[str, str]

    def fill(self, *, csrf: str, token: str, company: str, cluster: str, survey: str) -> str:
        values = {"csrf": csrf, "token": token, "company": company, "cluster": cluster, "survey": survey}
        by_mark = {mark: str(escape(values[name])) for name, mark in self.marks.items()}
        pattern = re.compile("|".join(re.escape(mark) for mark in by_mark))
        return pattern.sub(lambda found: by_mark[found.group(0)], self.html)


_local = VersionCache(SKELETON_CACHE_SIZE)


def skeleton(key: Hashable, render: Callable[[dict[str, str]], str]) -> Skeleton:
    """The skeleton for ``key``: kept by this process, or rendered by ``render(marks)`` (which must
    put each placeholder where its value goes) and kept."""
    return _local.get(key, lambda: Skeleton(html=render(MARKS), marks=dict(MARKS)))


def clear(**_kwargs: Any) -> None:
    """Forget this process's skeletons."""
    _local.clear()


for _model in (SurveyVersion, Section, Question, TaxonomyVersion, CompetenceArea):
    for _signal in (post_save, post_delete):
        _signal.connect(clear, sender=_model, dispatch_uid=f"respond-skeletons-{_model.__name__}")
