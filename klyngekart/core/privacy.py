"""The anonymity rules, in one place. Every figure derived from anonymous answers passes here.

PRODUCT.md, "Privacy: what may be shown":
- a number from anonymous answers is shown only for a group of at least k respondents, where k is
  the cluster's threshold (default 5, never below settings.KLYNGEKART_MIN_ANONYMITY_THRESHOLD);
- a segment (say, the production staff of one company) is shown only if it AND the rest of its
  parent group both reach k, so that subtracting the segment from the whole reveals no small group;
- free text needs k answers and is shown in random order, so the order reveals no one;
- in cross-company views, companies below k are pooled; the pool itself must reach k, and if it
  does not, it is suppressed too, together with the smallest shown company if that is what it
  takes to stop "total minus the shown companies" from revealing the pool.

Callers get ``Cell`` values that carry either the figures or ``suppressed=True`` and nothing else,
so a template or a serializer cannot print a suppressed number by mistake.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


def k_threshold(cluster: Any) -> int:
    """The cluster's k, never below the installation's floor."""
    floor = int(getattr(settings, "KLYNGEKART_MIN_ANONYMITY_THRESHOLD", 3))
    return max(int(getattr(cluster, "anonymity_threshold", 5) or 5), floor)


def group_visible(n: int, k: int) -> bool:
    return n >= k


def segment_visible(n_segment: int, n_parent: int, k: int) -> bool:
    """A segment is shown only if it and the rest of its parent both reach k (no differencing)."""
    return n_segment >= k and (n_parent - n_segment) >= k


@dataclass(frozen=True)
class Moments:
    """Running sums for one variable: count, sum and sum of squares (what aggregates store)."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        variance = (self.total_sq - self.total * self.total / self.n) / (self.n - 1)
        return math.sqrt(max(variance, 0.0))


@dataclass(frozen=True)
class Cell(Generic[T]):
    """A figure that may be shown, or the fact that it may not. ``value`` is None when suppressed."""

    suppressed: bool
    value: T | None = None
    n: int | None = None

    @classmethod
    def hidden(cls) -> Cell[T]:
        return cls(suppressed=True)


def cell(value: T, n: int, k: int) -> Cell[T]:
    if not group_visible(n, k):
        return Cell.hidden()
    return Cell(suppressed=False, value=value, n=n)


@dataclass
class Group(Generic[T]):
    key: str
    n: int
    data: T


@dataclass
class PooledGroups(Generic[T]):
    """The result of pooling small groups in a cross-group view."""

    shown: list[Group[T]] = field(default_factory=list)
    pooled: list[Group[T]] = field(default_factory=list)  # shown together as one group
    suppressed: list[Group[T]] = field(default_factory=list)  # not shown at all

    @property
    def pool_n(self) -> int:
        return sum(g.n for g in self.pooled)


def pool_small_groups(groups: Sequence[Group[T]], k: int) -> PooledGroups[T]:
    """Companies (or other groups) below k go into one pool; the pool must reach k itself.

    If the small groups together stay below k, they cannot be shown at all. Then, because a view
    that also shows the total could reveal them as "total minus the shown groups", the smallest
    shown group joins the suppressed ones whenever exactly that difference would be exposed.
    """
    big = sorted((g for g in groups if g.n >= k), key=lambda g: (g.n, g.key))
    small = [g for g in groups if g.n < k]
    result: PooledGroups[T] = PooledGroups()
    if not small:
        result.shown = sorted(big, key=lambda g: g.key)
        return result
    if sum(g.n for g in small) >= k:
        result.shown = sorted(big, key=lambda g: g.key)
        result.pooled = small
        return result
    # The pool is too small. Add the smallest shown groups to it until it reaches k, so that
    # "total minus everything shown" is itself a group of at least k.
    pool = list(small)
    while big and sum(g.n for g in pool) < k:
        pool.append(big.pop(0))
    if sum(g.n for g in pool) >= k:
        result.shown = sorted(big, key=lambda g: g.key)
        result.pooled = pool
    else:
        result.suppressed = pool
    return result


def shuffled_texts(texts: Iterable[str], k: int, *, rng: random.Random | None = None) -> list[str]:
    """Free-text answers: none unless there are at least k, and then in random order."""
    items = [t.strip() for t in texts if t and t.strip()]
    if len(items) < k:
        return []
    (rng or random.SystemRandom()).shuffle(items)
    return items
