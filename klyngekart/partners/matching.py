"""Partner matching (issue 15, item 4): every profile of the directory scored against a cluster
(or a member company), the best first, each with the four parts of ``scoring`` and its reasons.

The cost does not grow with queries per profile. The directory is read as an index once per
change (``directory_index``: every profile's columns and its sets of sectors, needs and areas, in
three queries) and kept in the process; a request asks one aggregate query whether the directory
changed, then scores every candidate with set arithmetic in Python. Only the page's few best are
read again as profiles with their tags, for the reasons (two queries). Over 3,300 profiles that
answers well under 50 ms (docs/performance.md, ``make bench``)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.landscape.models import ClusterProfile, Label, ProfileTag, TagKind
from klyngekart.landscape.reference import country_name
from klyngekart.landscape.selectors import SECTOR_KINDS
from klyngekart.landscape.vocabulary import tag_name
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.partners import scoring
from klyngekart.partners.models import ClusterStrength, CompanyStrength, Depth

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


@dataclass(frozen=True)
class Seeker:
    """Who looks for partners: the needs (area -> depth, deepest first), sectors, place and the
    geography preferred. ``exclude_cluster``: the seeker's own cluster, whose profile is not a
    partner of itself."""

    needs: dict[str, float]
    need_names: dict[str, str]
    sectors: frozenset[tuple[str, str]] = frozenset()
    country: str = ""
    region: str = ""
    nuts: str = ""
    preference: str = scoring.ANY
    exclude_cluster: int | None = None
    weights: dict[str, float] = field(default_factory=lambda: dict(scoring.WEIGHTS))

    @property
    def deepest(self) -> str | None:
        return max(self.needs, key=lambda code: (self.needs[code], code)) if self.needs else None


@dataclass(frozen=True)
class Match:
    profile_id: int
    parts: scoring.Parts
    score: float
    met: tuple[tuple[str, int], ...]  # our needs they are strong in, deepest first, with their depth
    country: str
    same_region: bool
    label_state: str
    live: bool
    profile: ClusterProfile | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchFilters:
    country: str = ""
    label: str = ""
    min_score: float = 0.0


@dataclass(frozen=True)
class DirectoryIndex:
    """The directory as matching reads it, one list entry per profile (by position), with inverted
    indexes from an area, a sector or a need to the profiles that have it: a seeker's few needs
    and sectors then touch only the profiles that share them, and every other profile's score is
    the arithmetic of its fixed parts (label and maturity, geography)."""

    stamp: tuple[Any, ...]
    ids: list[int]
    country: list[str]
    region: list[str]
    nuts: list[str]
    source: list[int | None]
    state: list[str]  # the label as it stands on the day the index was built
    maturity: list[float]
    sector_count: list[int]
    need_count: list[int]
    by_area: dict[str, list[tuple[int, int]]]  # area -> [(position, depth)]
    by_sector: dict[tuple[str, str], list[int]]
    by_need: dict[str, list[int]]
    by_maturity: list[int]  # positions, the most mature first
    # Profiles (with their tags) read for the reasons while this index stands: the stamp says the
    # directory has not changed since, so a partner shown again costs no query.
    profiles: dict[int, ClusterProfile] = field(default_factory=dict)


_INDEX: dict[str, DirectoryIndex] = {}
_TAG_KINDS = (*SECTOR_KINDS, TagKind.NEED, TagKind.AREA)


def _stamp(today: date) -> tuple[Any, ...]:
    """The directory as it stands: every write of a profile or its tags saves the profile (its
    ``updated_at``), a new one raises the largest id, a deleted one lowers the count. A published
    profile is saved again whenever its cluster's strengths change, so their depths are covered.
    The day is part of it: labels expire and clusters age."""
    found = ClusterProfile.objects.aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (found["count"], found["last"], found["top"], today)


def directory_index(today: date | None = None) -> DirectoryIndex:
    """The index, read in four queries when the directory has changed and otherwise kept in the
    process (each request still asks the database whether it changed, so several app servers
    never disagree for longer than one request)."""
    today = today or timezone.localdate()
    stamp = _stamp(today)
    index = _INDEX.get("directory")
    if index is not None and index.stamp == stamp:
        return index
    rows = list(ClusterProfile.objects.order_by("id").values_list(*CANDIDATE_COLUMNS))
    position = {row[0]: number for number, row in enumerate(rows)}
    with scopes_disabled():
        declared: dict[int, dict[str, int]] = defaultdict(dict)
        for cluster_id, code, depth in ClusterStrength.objects.filter(
            cluster__published_profile__isnull=False
        ).values_list("cluster_id", "area_code", "depth"):
            declared[cluster_id][code] = depth
    sources = [row[8] for row in rows]
    by_area: dict[str, list[tuple[int, int]]] = defaultdict(list)
    by_sector: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_need: dict[str, list[int]] = defaultdict(list)
    sector_count = [0] * len(rows)
    need_count = [0] * len(rows)
    for profile_id, kind, code in ProfileTag.objects.filter(kind__in=_TAG_KINDS).values_list(
        "profile_id", "kind", "code"
    ):
        at = position.get(profile_id)
        if at is None:
            continue  # a profile saved after the rows were read: the next request sees it
        if kind == TagKind.AREA:
            source = sources[at]
            depth = (
                declared.get(source, {}).get(code, scoring.DIRECTORY_DEPTH)
                if source
                else scoring.DIRECTORY_DEPTH
            )
            by_area[code].append((at, depth))
        elif kind == TagKind.NEED:
            by_need[code].append(at)
            need_count[at] += 1
        else:
            by_sector[(kind, code)].append(at)
            sector_count[at] += 1
    states = [scoring.label_state(row[4], row[5], today) for row in rows]
    maturity = [
        scoring.maturity(state, row[6], row[7], today) for state, row in zip(states, rows, strict=True)
    ]
    index = DirectoryIndex(
        stamp=stamp,
        ids=[row[0] for row in rows],
        country=[row[1] for row in rows],
        region=[row[2].casefold() for row in rows],
        nuts=[scoring.nuts2(row[3]) for row in rows],
        source=sources,
        state=states,
        maturity=maturity,
        sector_count=sector_count,
        need_count=need_count,
        by_area=dict(by_area),
        by_sector=dict(by_sector),
        by_need=dict(by_need),
        by_maturity=sorted(range(len(rows)), key=lambda at: (-maturity[at], rows[at][0])),
    )
    _INDEX["directory"] = index
    return index


CANDIDATE_COLUMNS = (
    "id",
    "country",
    "region",
    "nuts",
    "label",
    "label_valid_until",
    "founded",
    "management_fte",
    "source_cluster_id",
)


def rank(
    seeker: Seeker,
    *,
    filters: MatchFilters | None = None,
    limit: int = DEFAULT_LIMIT,
    today: date | None = None,
    require_met: bool = False,
) -> list[Match]:
    """The ``limit`` best partners of the directory for ``seeker`` (by score, then by how much of
    our needs they meet, then by id), without reasons or profiles (``explain`` adds them)."""
    filters = filters or MatchFilters()
    index = directory_index(today)
    weights = seeker.weights
    w_comp = weights.get(scoring.COMPLEMENTARITY, 0.0)
    w_sim = weights.get(scoring.SIMILARITY, 0.0)
    w_mat = weights.get(scoring.MATURITY, 0.0)
    w_geo = weights.get(scoring.GEOGRAPHY, 0.0)
    # Complementarity, similarity: only the profiles that share an area, a sector or a need.
    total_depth = sum(seeker.needs.values())
    comp: dict[int, float] = defaultdict(float)
    met: dict[int, list[tuple[str, int]]] = defaultdict(list)
    deepest_first = sorted(seeker.needs, key=lambda code: (-seeker.needs[code], code))
    for code in deepest_first:
        depth = seeker.needs[code]
        for at, theirs in index.by_area.get(code, ()):
            comp[at] += depth * min(theirs, scoring.MAX_DEPTH) / scoring.MAX_DEPTH / total_depth
            met[at].append((code, theirs))
    shared_sectors = Counter(chain.from_iterable(index.by_sector.get(kind, ()) for kind in seeker.sectors))
    shared_needs = Counter(chain.from_iterable(index.by_need.get(code, ()) for code in seeker.needs))
    ours_sectors, ours_needs = len(seeker.sectors), len(seeker.needs)
    # Geography: the same for every profile in one of three classes (same region, same country,
    # abroad), so it is worked out three times, not per profile.
    region_key, nuts_key = seeker.region.casefold(), scoring.nuts2(seeker.nuts)
    geo = {
        (same, region): scoring.geography(seeker.preference, same, region)
        for same in (True, False)
        for region in (True, False)
    }
    country_filter, label_filter, exclude = filters.country.upper(), filters.label, seeker.exclude_cluster
    # The best ``limit`` so far, as a min-heap of (total, complementarity, -id, position,
    # similarity, same region); the total is rounded only for the page, so equal shown scores may
    # come in either order of their unrounded totals. This loop runs for thousands of profiles per
    # request, so the parts are worked out inline (``scoring.similarity`` and
    # ``scoring.geography`` are the same arithmetic, and the tests hold the two equal).
    best: list[tuple[float, float, int, int, float, bool]] = []
    floor = filters.min_score / 100 - 0.0005 if filters.min_score else float("-inf")
    ids, countries, sources, states, maturity = (
        index.ids,
        index.country,
        index.source,
        index.state,
        index.maturity,
    )
    regions, nuts, sector_count, need_count = index.region, index.nuts, index.sector_count, index.need_count
    our_country = seeker.country
    geo_abroad, geo_country, geo_region = geo[(False, False)], geo[(True, False)], geo[(True, True)]
    screened = bool(country_filter or label_filter or exclude is not None)
    push, replace_least = heapq.heappush, heapq.heapreplace

    def consider(at: int, complementarity: float, similarity: float) -> None:
        if screened:
            if exclude is not None and sources[at] == exclude:
                return
            if country_filter and countries[at] != country_filter:
                return
            if label_filter and states[at] != label_filter:
                return
        region = False
        if countries[at] != our_country:
            place = geo_abroad
        else:
            region = (bool(nuts_key) and nuts[at] == nuts_key) or (
                bool(region_key) and regions[at] == region_key
            )
            place = geo_region if region else geo_country
        total = w_comp * complementarity + w_sim * similarity + w_mat * maturity[at] + w_geo * place
        if total < floor or (len(best) >= limit and total < best[0][0]):
            return
        entry = (total, complementarity, -ids[at], at, similarity, region)
        if len(best) < limit:
            push(best, entry)
        elif entry > best[0]:
            replace_least(best, entry)

    def similarity_of(at: int) -> float:
        common = shared_sectors.get(at, 0)
        union = ours_sectors + sector_count[at] - common
        similarity = common / union if union > 0 else 0.0
        theirs_needs = need_count[at]
        if theirs_needs and ours_needs:
            common = shared_needs.get(at, 0)
            union = ours_needs + theirs_needs - common
            similarity = (similarity + (common / union if union > 0 else 0.0)) / 2
        return similarity

    # First every profile strong in one of our needs ...
    for at, complementarity in comp.items():
        consider(at, complementarity, similarity_of(at))
    # ... then the others, whose score is similarity (at most 1), maturity and geography: the most
    # mature first, until even full similarity and the best geography could not lift the next one
    # into the list. Most of the directory shares a broad sector with most clusters, so this bound,
    # not the shared sectors, is what keeps the loop short.
    if not require_met:
        ceiling = w_sim + w_geo * max(geo.values())
        for at in index.by_maturity:
            if len(best) >= limit and w_mat * maturity[at] + ceiling < best[0][0]:
                break
            if at in comp:
                continue
            shared = at in shared_sectors or at in shared_needs
            consider(at, 0.0, similarity_of(at) if shared else 0.0)
    matches = []
    for total, complementarity, _negative_id, at, similarity, region in sorted(best, reverse=True):
        same = index.country[at] == seeker.country
        matches.append(
            Match(
                profile_id=index.ids[at],
                parts=scoring.Parts(complementarity, similarity, index.maturity[at], geo[(same, region)]),
                score=round(100 * total, 1),
                met=tuple(met.get(at, ())),
                country=index.country[at],
                same_region=region,
                label_state=index.state[at],
                live=index.source[at] is not None,
            )
        )
    return matches


def score_profile(
    seeker: Seeker,
    profile: ClusterProfile,
    tags: Iterable[tuple[str, str]],
    depths: dict[str, int],
    today: date,
) -> scoring.Parts:
    """One profile's four parts worked out on their own, from its row, its (kind, code) tags and
    the depths its cluster declares (a published profile; {} for a directory record): the
    definition ``rank`` must agree with (its tests) and the benchmark's baseline."""
    tags = list(tags)
    strengths = {
        code: depths.get(code, scoring.DIRECTORY_DEPTH)
        for kind, code in tags
        if kind == TagKind.AREA and code in seeker.needs
    }
    sectors = {tag for tag in tags if tag[0] in SECTOR_KINDS}
    needs = {code for kind, code in tags if kind == TagKind.NEED}
    state = scoring.label_state(profile.label, profile.label_valid_until, today)
    same = profile.country == seeker.country
    return scoring.Parts(
        scoring.complementarity(seeker.needs, strengths),
        scoring.similarity(
            (len(sectors & seeker.sectors), len(seeker.sectors), len(sectors)),
            (len(needs & set(seeker.needs)), len(seeker.needs), len(needs)) if needs else None,
        ),
        scoring.maturity(state, profile.founded, profile.management_fte, today),
        scoring.geography(
            seeker.preference,
            same,
            same and scoring.same_region((seeker.region, seeker.nuts), (profile.region, profile.nuts)),
        ),
    )


def _number(value: float | Decimal, places: int = 1) -> str:
    """Rounded half up, as the templates' floatformat does, so a gap reads the same in the list of
    needs and in a reason (1.25 is 1.3 in both)."""
    step = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True)


def _names(tags: Iterable[tuple[str, str]]) -> str:
    return ", ".join(tag_name(kind, code) for kind, code in tags)


def reasons_for(seeker: Seeker, match: Match, profile: ClusterProfile) -> list[str]:
    """The match's reasons in words, one part at a time, in the active language."""
    out: list[str] = []
    deepest = seeker.deepest
    depth_names = dict(Depth.choices)
    for code, depth in match.met:
        strength = tag_name(TagKind.AREA, code)
        gap = _number(seeker.needs[code])
        declared = ""
        if match.live:
            declared = " " + _("(they declare it: %(depth)s)") % {
                "depth": str(depth_names.get(depth, "")).lower()
            }
        if code == deepest:
            out.append(
                _("Their strength %(area)s meets your deepest need (gap %(gap)s).")
                % {"area": strength, "gap": gap}
                + declared
            )
        else:
            out.append(
                _("Their strength %(area)s meets one of your top needs (gap %(gap)s).")
                % {"area": strength, "gap": gap}
                + declared
            )
    if seeker.needs and match.met:
        out.append(
            _("They cover %(met)s of your %(total)s top needs.")
            % {"met": len(match.met), "total": len(seeker.needs)}
        )
    tags = [(tag.kind, tag.code) for tag in profile.tags.all()]
    shared_sectors = [tag for tag in tags if tag[0] in SECTOR_KINDS and tag in seeker.sectors]
    if shared_sectors:
        out.append(_("You share sectors: %(names)s.") % {"names": _names(shared_sectors[:4])})
    shared_needs = [(kind, code) for kind, code in tags if kind == TagKind.NEED and code in seeker.needs]
    if shared_needs:
        out.append(
            _("They need %(names)s too: a joint measure could serve both clusters.")
            % {"names": _names(shared_needs[:3])}
        )
    label_names = dict(Label.choices)
    if match.label_state == "expired":
        out.append(_("Their ESCA label has expired."))
    elif match.label_state != Label.NONE:
        out.append(_("ESCA label: %(label)s.") % {"label": str(label_names[match.label_state]).lower()})
    if profile.founded:
        out.append(_("Founded in %(year)s.") % {"year": profile.founded})
    if profile.management_fte:
        out.append(
            _("%(fte)s full-time equivalents in the cluster management.")
            % {"fte": _number(profile.management_fte)}
        )
    country = country_name(match.country)
    if seeker.preference == scoring.NEARBY:
        if match.same_region:
            out.append(_("Nearby: in your region, %(country)s.") % {"country": country})
        elif match.country == seeker.country:
            out.append(_("Nearby: in %(country)s, like you.") % {"country": country})
        else:
            out.append(
                _("Not nearby: in %(country)s, and you prefer partners nearby.") % {"country": country}
            )
    elif seeker.preference == scoring.CROSS_BORDER:
        if match.country != seeker.country:
            out.append(_("Across the border: in %(country)s.") % {"country": country})
        else:
            out.append(_("In your own country, and you prefer partners across borders."))
    if match.live and profile.record_date:
        out.append(
            _("A Klyngekart cluster: live data from %(date)s.")
            % {"date": date_format(profile.record_date, "SHORT_DATE_FORMAT")}
        )
    return out


def explain(seeker: Seeker, matches: list[Match]) -> list[Match]:
    """The matches with their profiles (and tags) and reasons. The profiles come from the index
    that ranked them, read once (two queries) while the directory stands as it did."""
    index = _INDEX.get("directory")
    known = index.profiles if index is not None else {}
    missing = [match.profile_id for match in matches if match.profile_id not in known]
    if missing:
        read = ClusterProfile.objects.prefetch_related("tags").in_bulk(missing)
        if index is not None:
            known.update(read)
        else:
            known = read
    out = []
    for match in matches:
        profile = known.get(match.profile_id)
        if profile is None:
            continue
        out.append(replace(match, profile=profile, reasons=tuple(reasons_for(seeker, match, profile))))
    return out


# --- member companies ---------------------------------------------------------------------------

COMPANY_WEIGHTS = {scoring.COMPLEMENTARITY: 1.0}


@dataclass(frozen=True)
class CompanyMatch:
    membership_id: int
    name: str
    cluster_name: str
    website: str
    score: float
    met: tuple[str, ...]
    reasons: tuple[str, ...]


def companies(
    seeker: Seeker, *, company_id: int, cluster: Cluster, limit: int = DEFAULT_LIMIT
) -> list[CompanyMatch]:
    """Member companies of *other* clusters whose contact opted in and declared strengths among
    the seeker's needs, best first. Only opted-in companies are read across clusters, and only
    what their contacts published: the name their cluster records, that cluster's name, the
    website and the declared areas."""
    if not seeker.needs:
        return []
    with scopes_disabled():
        rows = list(
            CompanyStrength.objects.filter(
                area_code__in=list(seeker.needs),
                membership__partnering__opted_in=True,
                membership__status=MembershipStatus.ACTIVE,
                membership__cluster__is_active=True,
            )
            .exclude(cluster=cluster)
            .exclude(membership__company_id=company_id)
            .values_list(
                "membership_id",
                "membership__name",
                "membership__cluster__name",
                "membership__website",
                "area_code",
            )
        )
    found: dict[int, dict[str, Any]] = {}
    for membership_id, name, cluster_name, website, code in rows:
        entry = found.setdefault(
            membership_id, {"name": name, "cluster": cluster_name, "website": website, "codes": {}}
        )
        entry["codes"][code] = scoring.MAX_DEPTH
    deepest_first = sorted(seeker.needs, key=lambda code: (-seeker.needs[code], code))
    matches = []
    for membership_id, entry in found.items():
        score = round(100 * scoring.complementarity(seeker.needs, entry["codes"]), 1)
        met = tuple(code for code in deepest_first if code in entry["codes"])
        reasons = tuple(
            _("Their strength %(area)s meets your company's need for %(need)s.")
            % {
                "area": tag_name(TagKind.AREA, code),
                "need": seeker.need_names.get(code, tag_name(TagKind.AREA, code)),
            }
            for code in met
        )
        matches.append(
            CompanyMatch(
                membership_id, entry["name"], entry["cluster"], entry["website"], score, met, reasons
            )
        )
    matches.sort(key=lambda match: (-match.score, match.name, match.membership_id))
    return matches[:limit]


def active_membership(cluster: Cluster, company_ids: Iterable[int]) -> Membership | None:
    """The company role's own membership in ``cluster`` (the first of its companies)."""
    return (
        Membership.objects.filter(
            cluster=cluster, company_id__in=list(company_ids), status=MembershipStatus.ACTIVE
        )
        .order_by("name", "pk")
        .first()
    )
