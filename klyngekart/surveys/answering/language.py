"""The language a respondent answers in, for the answering pages and the public API alike."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

from klyngekart.surveys.answering.services import Respondent

LANGUAGES = ("nb", "en")


def pick_language(request: HttpRequest, respondent: Respondent, requested: str | None = None) -> str:
    """?lang= when given; else the invitation's language; else the browser's; else nb."""
    if requested in LANGUAGES:
        return str(requested)
    if respondent.invitation is not None and respondent.invitation.language[:2] in LANGUAGES:
        return respondent.invitation.language[:2]
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        short = code.lower()[:2]
        if short in ("nb", "no", "nn"):
            return "nb"
        if short == "en":
            return "en"
    return "nb"
