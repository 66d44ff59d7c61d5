"""Keyed digests of what only a respondent holds (a mailed personal link, a resume token).

Why keyed: a plain sha256 of a mailed token can be computed by anyone who has the mail, and then
matched against a copy of the database to find that person's answer (issue 12, finding 5). An
HMAC under a secret derived from SECRET_KEY cannot be computed without the server's secret, so the
mail plus the database finds nothing. Each use has its own purpose string, so a value stored for
one purpose never equals the value stored for another (a draft row shares no value with the
response that replaces it).

The keyed value is the HMAC of the plain sha256 hex digest (``keyed_digest(purpose,
sha256(...))``) rather than of the value itself, so that rows stored before the keys existed
could be converted in place by a migration (surveys/migrations/0008): it only had their sha256.
Changing SECRET_KEY changes every digest: a round answered before and after such a change would
not recognise a repeated submission from before (SECRET_KEY_FALLBACKS is not consulted).
"""

from __future__ import annotations

import hashlib

from django.utils.crypto import salted_hmac

SUBMISSION = "submission-key"
DRAFT = "draft-token"
INVITATION = "invitation-answer"


def keyed_digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under a key derived from SECRET_KEY and ``purpose`` (64 hex)."""
    return salted_hmac(f"klyngekart.surveys.{purpose}", value, algorithm="sha256").hexdigest()


def sha256_hex(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()
