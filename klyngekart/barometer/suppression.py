"""Which barometer figures may be shown: the k rule on companies and clusters, and differencing.

Pure functions over plain rows, so the property tests (tests/test_suppression_properties.py) can
try thousands of made-up installations. For one year and one competence area the reachable views
are everyone (the total) and each single sector, county or size class: one dimension at a time.
Combining two filters is not offered, because in a sparse cross-table two one-way figures and the
total subtract into their crossing (A + B - total = A∩B when A and B together cover everyone).

A view's population is a set of facts: one company's answers in one cluster. A view is shown when:

1. it rests on at least k companies, k clusters and k answers (``passes``);
2. for any two shown views where one's population lies inside the other's, what the larger has
   beyond the smaller is empty or itself passes the k rule (``_subset_violations``): so
   "everyone minus 10–49" and "sector C minus county 46" (when every company of county 46 is in C)
   never reveal a small group;
3. per dimension, what the shown values leave over from the shown total (the hidden values
   together) is empty or passes the k rule (``_leftover_violations``), the parent-and-rest rule of
   PRODUCT.md;
4. across editions (``history_allows``): a view's clusters and rounds are either what they were
   whenever it was shown before, or differ from each such earlier figure by at least k clusters
   on each side (added and removed); so a cluster that joins, leaves or releases a new round of
   the same year cannot be read off as the difference of two reads;
5. across editions and views (``cross_view_allows``): against every other view shown before,
   whose signature says it may contain this one (or lie inside it), the part between is nothing
   or at least k clusters and k companies.

Hiding a view can only make rule 3 stricter, so the loop hides the smallest offender and runs
again until nothing changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TOTAL_VIEW = ("", "")
DIMENSIONS = ("sector", "region", "size")

View = tuple[str, str]  # (dimension, value); ("", "") is everyone


@dataclass(frozen=True)
class Fact:
    """One company's answers in one area, in one cluster's round."""

    cluster_id: int
    round_id: int
    company_id: int
    sector: str
    region: str
    size: str
    n: int
    sum_gap: int

    def value(self, dimension: str) -> str:
        return str(getattr(self, dimension))


@dataclass(frozen=True)
class Group:
    companies: int
    clusters: int
    answers: int


def group_of(facts: Iterable[Fact]) -> Group:
    facts = list(facts)
    return Group(
        companies=len({fact.company_id for fact in facts}),
        clusters=len({fact.cluster_id for fact in facts}),
        answers=sum(fact.n for fact in facts),
    )


def failing_reason(group: Group, k: int) -> str:
    """ "" when the group passes the k rule, else the first rule it fails (a HiddenReason)."""
    if group.companies < k:
        return "companies"
    if group.clusters < k:
        return "clusters"
    if group.answers < k:
        return "answers"
    return ""


def passes(facts: Iterable[Fact], k: int) -> bool:
    """Whether the group passes the k rule; stops reading as soon as it does (a large group is
    known to pass after a few dozen facts, which keeps the differences of large views cheap)."""
    companies: set[int] = set()
    clusters: set[int] = set()
    answers = 0
    for fact in facts:
        companies.add(fact.company_id)
        clusters.add(fact.cluster_id)
        answers += fact.n
        if len(companies) >= k and len(clusters) >= k and answers >= k:
            return True
    return False


def views_of(facts: Sequence[Fact]) -> dict[View, frozenset[int]]:
    """Every reachable view with data, as the indexes of its facts."""
    views: dict[View, set[int]] = defaultdict(set)
    for index, fact in enumerate(facts):
        views[TOTAL_VIEW].add(index)
        for dimension in DIMENSIONS:
            views[(dimension, fact.value(dimension))].add(index)
    return {view: frozenset(members) for view, members in views.items()}


def _size(facts: Sequence[Fact], members: Iterable[int]) -> tuple[int, int]:
    group = group_of(facts[index] for index in members)
    return (group.companies, group.answers)


def _subset_violations(
    facts: Sequence[Fact], views: Mapping[View, frozenset[int]], shown: set[View], k: int
) -> list[View]:
    """Shown views that a larger shown view contains with a small group beyond them."""
    found = []
    ordered = sorted(shown)
    for inner in ordered:
        inner_members = views[inner]
        for outer in ordered:
            if outer == inner or outer[0] == inner[0] != "":
                continue  # two values of one dimension never overlap
            outer_members = views[outer]
            if len(outer_members) <= len(inner_members) or not inner_members <= outer_members:
                continue
            if not passes((facts[index] for index in outer_members - inner_members), k):
                found.append(inner)
                break
    return found


def _leftover_violations(
    facts: Sequence[Fact], views: Mapping[View, frozenset[int]], shown: set[View], k: int
) -> list[View]:
    """Per dimension, the smallest shown value when the hidden values together are a small group."""
    if TOTAL_VIEW not in shown:
        return []
    found = []
    for dimension in DIMENSIONS:
        values = [view for view in shown if view[0] == dimension]
        covered: set[int] = set()
        for view in values:
            covered |= views[view]
        rest = views[TOTAL_VIEW] - covered
        if rest and not passes((facts[index] for index in rest), k) and values:
            found.append(min(values, key=lambda view: (_size(facts, views[view]), view)))
    return found


def decide(
    facts: Sequence[Fact], k: int, views: Mapping[View, frozenset[int]] | None = None
) -> dict[View, str]:
    """Per reachable view, "" (shown) or why it is hidden (rules 1 to 3 of the module doc).
    ``views``: ``views_of(facts)`` when the caller has it already."""
    views = views_of(facts) if views is None else views
    reasons = {
        view: failing_reason(group_of(facts[i] for i in members), k) for view, members in views.items()
    }
    shown = {view for view, reason in reasons.items() if not reason}
    while True:
        offenders = _subset_violations(facts, views, shown, k) or _leftover_violations(facts, views, shown, k)
        if not offenders:
            return reasons
        # One at a time, smallest first: hiding one may settle the others.
        victim = min(offenders, key=lambda view: (_size(facts, views[view]), view))
        shown.discard(victim)
        reasons[victim] = "difference"


# --- across editions -----------------------------------------------------------------------------

Signature = dict[str, int]  # "cluster:round" -> companies of that cluster in the view


def signature_of(facts: Iterable[Fact]) -> Signature:
    companies: dict[str, set[int]] = defaultdict(set)
    for fact in facts:
        companies[f"{fact.cluster_id}:{fact.round_id}"].add(fact.company_id)
    return {key: len(ids) for key, ids in sorted(companies.items())}


def _side_ok(keys: set[str], signature: Signature, k: int) -> bool:
    if not keys:
        return True
    clusters = {key.split(":", 1)[0] for key in keys}
    return len(clusters) >= k and sum(signature[key] for key in keys) >= k


def history_allows(new: Signature, earlier: Iterable[Signature], k: int) -> bool:
    """Rule 4: the new figure is the same population as each earlier one, or differs from it by at
    least k clusters (and k companies) on each side."""
    for old in earlier:
        if new == old:
            continue
        added, removed = set(new) - set(old), set(old) - set(new)
        # The same cluster and round with another company count (its members' records changed)
        # is a change of that cluster too.
        changed = {key for key in set(new) & set(old) if new[key] != old[key]}
        if not (_side_ok(added | changed, new, k) and _side_ok(removed | changed, old, k)):
            return False
    return True


def _difference(outer: Signature, inner: Signature) -> tuple[int, int] | None:
    """(clusters, companies) that ``outer`` holds beyond ``inner`` when every cluster round of
    ``inner`` is in ``outer`` with no more companies (the populations may nest), else None."""
    if any(key not in outer or inner[key] > outer[key] for key in inner):
        return None
    extra = {key: outer[key] - inner.get(key, 0) for key in outer}
    changed = {key: count for key, count in extra.items() if count > 0}
    return len({key.split(":", 1)[0] for key in changed}), sum(changed.values())


def cross_view_allows(new: Signature, others: Iterable[Signature], k: int) -> bool:
    """Rule 5: against the figures of *other* views of the same year and area shown in earlier
    editions, whose populations are gone, the signatures tell whether one may lie inside the
    other; if so, what lies between must be nothing or at least k clusters and k companies. So
    "everyone, before a cluster left" minus "10-49 now" cannot isolate the cluster that left.
    Conservative: two signatures that merely look nested count as nested."""
    for old in others:
        for outer, inner in ((old, new), (new, old)):
            gap = _difference(outer, inner)
            if gap is not None and gap != (0, 0) and (gap[0] < k or gap[1] < k):
                return False
    return True
