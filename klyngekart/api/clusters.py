"""The API's door into a cluster: the same role check and scope as the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from klyngekart.accounts.access import ClusterAccess, access_cluster
from klyngekart.core.tenancy import scope

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


@contextmanager
def cluster_scope(request: HttpRequest, slug: str, permission: str) -> Iterator[ClusterAccess]:
    """Resolve the cluster for the token's user and run the block inside its scope.

    A missing cluster and one the user has no role in are the same 404 (see access_cluster);
    everything that reads cluster-owned rows, serialisation included, belongs inside the block.
    """
    access = access_cluster(request.auth, slug, permission)  # type: ignore[attr-defined]
    with scope(access.cluster):
        yield access


def page_of(queryset: QuerySet | Sequence[Any], *, page: int, page_size: int) -> tuple[list, int]:
    """One page of ``queryset`` (or of a list a selector built) and the total count. A page past
    the end is empty, not an error, so a client can loop until ``items`` is empty as well as by
    ``count``."""
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (page - 1) * page_size
    return list(queryset[start : start + page_size]), count


class PageQuery(Schema):
    """The query of every collection: ``page`` (from 1) and ``page_size``; a collection's filters
    extend it."""

    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def paged(rows: QuerySet | Sequence[Any], query: PageQuery, item: Callable[[Any], Any]) -> dict[str, Any]:
    """The one shape of every collection: ``{"items", "count", "page", "page_size"}``."""
    shown, count = page_of(rows, page=query.page, page_size=query.page_size)
    return {
        "items": [item(row) for row in shown],
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
    }
