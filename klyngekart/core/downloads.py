"""File names people can read, and a Content-Disposition header that carries them safely.

A report is saved under a name that says what it is ("Felles-behov-2026-Demo-Havbruk.pdf"), with
the letters of its language (æ, ø, å). The header gives that name as ``filename*`` (UTF-8, RFC
6266/5987) and an ASCII version as ``filename`` for the rare client that reads only that one."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_STEM = 80
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ASCII_FOLD = {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ß": "ss"}


def readable_filename(*parts: object, extension: str) -> str:
    """``parts`` joined by hyphens, each with its spaces and punctuation made hyphens, capitals and
    letters kept: ("Felles behov", 2026, "Demo Havbruk") -> "Felles-behov-2026-Demo-Havbruk.pdf"."""
    words = [_NOT_WORD.sub("-", str(part)).strip("-_") for part in parts]
    stem = "-".join(word for word in words if word)[:MAX_STEM].strip("-") or "download"
    return f"{stem}.{extension}"


def ascii_filename(name: str) -> str:
    """``name`` in ASCII: Norwegian letters spelled out (ø -> o), other accents dropped, anything
    else a hyphen."""
    folded = "".join(_ASCII_FOLD.get(char, char) for char in name)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "download"


def attachment_header(name: str) -> str:
    """The Content-Disposition of a download saved as ``name``."""
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
