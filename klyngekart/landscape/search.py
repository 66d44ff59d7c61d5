"""Full-text search in the database's own engine, never a loop over rows in Python.

PostgreSQL: the stored generated column ``search_vector`` (``to_tsvector('simple',
search_document)``) with a GIN index (migration 0002), queried with a prefix ``tsquery``. A stored
column rather than an index on the expression: the facets run the search once each, and a plan
that scans (small or freshly loaded tables) would otherwise compute every row's vector each time
(5 s for the search page over 3,300 profiles, against 0.4 s per query with the column). SQLite:
the FTS5 table ``landscape_profile_fts`` (external content, kept in step by triggers), queried
with ``MATCH``. The 'simple' configuration and FTS5's unicode61 tokenizer treat Norwegian, English
and German names alike: no stemming, case-insensitive, every word a prefix."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import OrderBy, RawSQL

MAX_TERMS = 8
POSTGRES_QUERY = (
    "SELECT id FROM landscape_clusterprofile WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)"
)
FTS_QUERY = "SELECT rowid FROM landscape_profile_fts WHERE landscape_profile_fts MATCH %s"
POSTGRES_RANK = "ts_rank(landscape_clusterprofile.search_vector, to_tsquery('simple'::regconfig, %s))"
FTS_RANK = (
    "(SELECT bm25(landscape_profile_fts) FROM landscape_profile_fts "
    "WHERE landscape_profile_fts MATCH %s AND rowid = landscape_clusterprofile.id)"
)


def document(*parts: object, tags: Iterable[str] = ()) -> str:
    """The text a profile is found by: its own fields and the names of its sectors and areas."""
    words = [str(part) for part in parts if part not in (None, "")]
    words += [str(tag) for tag in tags if tag]
    return " ".join(" ".join(words).split())


def terms(query: str) -> list[str]:
    """The words of a query: letters and digits only, so nothing reaches the engine's syntax."""
    return [term.casefold() for term in re.findall(r"\w+", query or "")][:MAX_TERMS]


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in words)


def _match(words: list[str]) -> str:
    return " ".join(f'"{word}"*' for word in words)


def rank(query: str) -> OrderBy | None:
    """Best match first: PostgreSQL's ts_rank (higher is better), FTS5's bm25 (lower is better),
    or None without search words."""
    words = terms(query)
    if not words:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(POSTGRES_RANK, [_tsquery(words)]).desc()  # noqa: S611 (a parameter)
    return RawSQL(FTS_RANK, [_match(words)]).asc()  # noqa: S611 (a parameter)


def filter_text(queryset: QuerySet, query: str) -> QuerySet:
    words = terms(query)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(id__in=RawSQL(POSTGRES_QUERY, [_tsquery(words)]))  # noqa: S611 (a parameter)
    match = _match(words)
    return queryset.filter(
        id__in=RawSQL(FTS_QUERY, [match])  # noqa: S611 (the match text is a parameter)
    )
