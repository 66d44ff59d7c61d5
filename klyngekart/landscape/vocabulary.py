"""Tags in words: the name of a sector, NACE division, emerging industry or competence area."""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language, override

from klyngekart.landscape.models import TagKind
from klyngekart.landscape.reference import CATEGORIES, EMERGING
from klyngekart.taxonomy.defaults import default_areas
from klyngekart.taxonomy.nace import nace_codes


@cache
def area_names() -> dict[str, dict[str, str]]:
    """The default taxonomy's area code -> {"nb": ..., "en": ...}."""
    return {area["code"]: area["name"] for area in default_areas()}


def area_codes() -> list[str]:
    return list(area_names())


def tag_name(kind: str, code: str) -> str:
    if kind == TagKind.CATEGORY:
        return str(CATEGORIES.get(code, code))
    if kind == TagKind.EMERGING:
        return str(EMERGING.get(code, code))
    if kind == TagKind.NACE:
        nace = nace_codes().get(code)
        return f"NACE {code} {nace.name}" if nace else f"NACE {code}"
    if kind in (TagKind.AREA, TagKind.NEED):
        names = area_names().get(code)
        if not names:
            return code
        return names.get((get_language() or "nb")[:2], names.get("en", code))
    return code


@cache
def tag_search_words(kind: str, code: str) -> tuple[str, ...]:
    """A tag's names in both languages, so a search in either finds the profile. Cached: the
    names are fixed for the life of the process, and the demo and scale data ask thousands of times."""
    words = []
    for language in ("nb", "en"):
        with override(language):
            words.append(tag_name(kind, code))
    return tuple(dict.fromkeys(words))
