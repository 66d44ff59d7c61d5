"""Partner matching (issue 15, item 4): every profile of the directory scored against a cluster
(or a member company), the best first, each with the four parts of ``scoring`` and its reasons.

The cost does not grow with queries per profile: one query reads every candidate's columns, one
counts each candidate's sectors and needs and those it shares with us (a GROUP BY over the tag
table), one reads the candidates' strengths among our needs (the (kind, code) index), and one the
declared depths of the clusters here that publish; the scores are arithmetic in Python over those
rows. Only the page's few best are then read as profiles with their tags, for the reasons. Over
3,300 profiles that answers in well under 50 ms (docs/performance.md, ``make bench``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
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
    founded: int | None
    fte: Decimal | None
    live: bool
    profile: ClusterProfile | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchFilters:
    country: str = ""
    label: str = ""
    min_score: float = 0.0


def _sector_q(sectors: Iterable[tuple[str, str]]) -> Q | None:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, code in sectors:
        by_kind[kind].append(code)
    found: Q | None = None
    for kind, codes in by_kind.items():
        term = Q(kind=kind, code__in=codes)
        found = term if found is None else found | term
    return found


def _tag_counts(seeker: Seeker) -> dict[int, tuple[int, int, int, int]]:
    """Per profile with sectors or needs: (sectors, sectors shared, needs, needs shared)."""
    sector_q = _sector_q(seeker.sectors)
    need_codes = list(seeker.needs)
    rows = (
        ProfileTag.objects.filter(kind__in=[*SECTOR_KINDS, TagKind.NEED])
        .values("profile_id")
        .annotate(
            sectors=Count("id", filter=Q(kind__in=SECTOR_KINDS)),
            sectors_shared=Count("id", filter=sector_q)
            if sector_q is not None
            else Count("id", filter=Q(pk=None)),
            needs=Count("id", filter=Q(kind=TagKind.NEED)),
            needs_shared=Count("id", filter=Q(kind=TagKind.NEED, code__in=need_codes)),
        )
        .order_by()
        .values_list("profile_id", "sectors", "sectors_shared", "needs", "needs_shared")
    )
    return {profile_id: (a, b, c, d) for profile_id, a, b, c, d in rows}


def _strengths(seeker: Seeker) -> dict[int, dict[str, int]]:
    """Per profile, its technology and competence areas among our needs, with the depth its
    cluster declares (published with its profile), or "solid" for a directory record."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if not seeker.needs:
        return found
    rows = ProfileTag.objects.filter(kind=TagKind.AREA, code__in=list(seeker.needs)).values_list(
        "profile_id", "code", "profile__source_cluster_id"
    )
    declared_for: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for profile_id, code, source in rows:
        found[profile_id][code] = scoring.DIRECTORY_DEPTH
        if source is not None:
            declared_for[source].append((profile_id, code))
    if declared_for:
        with scopes_disabled():
            depths = ClusterStrength.objects.filter(
                cluster_id__in=list(declared_for), area_code__in=list(seeker.needs)
            ).values_list("cluster_id", "area_code", "depth")
            declared = {(cluster_id, code): depth for cluster_id, code, depth in depths}
        for source, pairs in declared_for.items():
            for profile_id, code in pairs:
                found[profile_id][code] = declared.get((source, code), scoring.DIRECTORY_DEPTH)
    return found


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


def _candidates(seeker: Seeker, filters: MatchFilters) -> Iterable[tuple[Any, ...]]:
    queryset = ClusterProfile.objects.all()
    if seeker.exclude_cluster is not None:
        queryset = queryset.exclude(source_cluster_id=seeker.exclude_cluster)
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    return queryset.order_by().values_list(*CANDIDATE_COLUMNS)


def rank(
    seeker: Seeker,
    *,
    filters: MatchFilters | None = None,
    limit: int = DEFAULT_LIMIT,
    today: date | None = None,
    require_met: bool = False,
) -> list[Match]:
    """The ``limit`` best partners of the directory for ``seeker`` (score, then name order of
    ids for equal scores), without reasons or profiles (``explain`` adds them)."""
    filters = filters or MatchFilters()
    today = today or timezone.localdate()
    counts = _tag_counts(seeker) if seeker.weights.get(scoring.SIMILARITY) else {}
    strengths = _strengths(seeker)
    our_sectors = len(seeker.sectors)
    our_needs = len(seeker.needs)
    deepest_first = sorted(seeker.needs, key=lambda code: (-seeker.needs[code], code))
    weights = seeker.weights
    matches: list[Match] = []
    for pid, country, region, nuts, label, valid_until, founded, fte, source in _candidates(seeker, filters):
        state = scoring.label_state(label, valid_until, today)
        if filters.label and state != filters.label:
            continue
        theirs = strengths.get(pid, {})
        if require_met and not theirs:
            continue
        sectors, sectors_shared, needs, needs_shared = counts.get(pid, (0, 0, 0, 0))
        same_country = country == seeker.country
        region_too = same_country and scoring.same_region((seeker.region, seeker.nuts), (region, nuts))
        parts = scoring.Parts(
            complementarity=scoring.complementarity(seeker.needs, theirs),
            similarity=scoring.similarity(
                (sectors_shared, our_sectors, sectors), (needs_shared, our_needs, needs) if needs else None
            ),
            maturity=scoring.maturity(state, founded, fte, today),
            geography=scoring.geography(seeker.preference, same_country, region_too),
        )
        score = round(100 * sum(weight * getattr(parts, part) for part, weight in weights.items()), 1)
        if score < filters.min_score:
            continue
        matches.append(
            Match(
                profile_id=pid,
                parts=parts,
                score=score,
                met=tuple((code, theirs[code]) for code in deepest_first if code in theirs),
                country=country,
                same_region=region_too,
                label_state=state,
                founded=founded,
                fte=fte,
                live=source is not None,
            )
        )
    matches.sort(key=lambda match: (-match.score, -match.parts.complementarity, match.profile_id))
    return matches[:limit]


def _number(value: float | Decimal, places: int = 1) -> str:
    return number_format(round(float(value), places), decimal_pos=places, use_l10n=True)


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
    if match.founded:
        out.append(_("Founded in %(year)s.") % {"year": match.founded})
    if match.fte:
        out.append(
            _("%(fte)s full-time equivalents in the cluster management.") % {"fte": _number(match.fte)}
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
    """The matches with their profiles (and tags) and reasons: two queries for the page."""
    profiles = ClusterProfile.objects.prefetch_related("tags").in_bulk(
        [match.profile_id for match in matches]
    )
    out = []
    for match in matches:
        profile = profiles.get(match.profile_id)
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
