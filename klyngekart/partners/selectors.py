"""Reads for the partner pages and the API: who is looking (a cluster or a member company), what
it needs, and its matches (``matching``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

from klyngekart.core.models import Cluster
from klyngekart.core.privacy import k_threshold
from klyngekart.landscape.models import TagKind
from klyngekart.landscape.vocabulary import tag_name
from klyngekart.members.models import Membership
from klyngekart.needs.models import MembershipStrategy, StrategyStatus
from klyngekart.partners import scoring
from klyngekart.partners.matching import COMPANY_WEIGHTS, Seeker
from klyngekart.partners.models import CompanyPartnering, CompanyStrength
from klyngekart.partners.publication import (
    Need,
    latest_released_round,
    member_divisions,
    published_profile,
    release_stamp,
    sectors_from_divisions,
    settings_of,
    strengths_of,
    top_needs,
)
from klyngekart.surveys import results as res
from klyngekart.surveys.models import Round
from klyngekart.taxonomy.selectors import area_names as taxonomy_area_names
from klyngekart.taxonomy.services import taxonomy_current


def area_names(cluster: Cluster) -> dict[str, str]:
    """The cluster's own names of its competence areas, in the reader's language."""
    version = taxonomy_current(cluster=cluster)
    return taxonomy_area_names(version=version, language=get_language() or "nb")


def cluster_sectors(cluster: Cluster) -> frozenset[tuple[str, str]]:
    """The sectors the cluster's published profile has (or would have): its members' NACE
    divisions and their categories."""
    return frozenset(sectors_from_divisions(member_divisions(cluster)))


def released_needs(cluster: Cluster) -> tuple[int, list[Need]]:
    """The cluster's latest released mapping round (its id, 0 for none) and its top needs
    (``publication.top_needs``), remembered under the releases as they stand and the cluster's k:
    one small query when nothing was released since."""
    key = f"kk:partners:released-needs:{cluster.pk}:{release_stamp(cluster)}:{k_threshold(cluster)}"
    found = cache.get(key)
    if found is None:
        round_ = latest_released_round(cluster)
        found = (round_.pk if round_ is not None else 0, top_needs(cluster, round_=round_))
        cache.set(key, found, res.CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


class ClusterLook:
    """What the cluster's partner page knows of the cluster itself. The seeker is all that ranking
    needs (settings, the latest release's top needs, the members' sectors: five small reads); the
    names of the needs and the published profile are read only when a page asks for them, so the
    API's ranking does not pay for them."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.options = settings_of(cluster)
        self._round_id, self.needs = released_needs(cluster)
        self.preference: str = self.options.geography
        self.seeker = Seeker(
            needs={need.code: float(need.depth) for need in self.needs},
            need_names={},
            sectors=cluster_sectors(cluster),
            country=cluster.country,
            region=self.options.region,
            nuts=self.options.nuts,
            preference=self.options.geography,
            exclude_cluster=cluster.pk,
        )

    @cached_property
    def round(self) -> Round | None:
        """The released round the needs come from (the page names it)."""
        if not self._round_id:
            return None
        return Round.objects.select_related("cluster").filter(pk=self._round_id, cluster=self.cluster).first()

    @cached_property
    def names(self) -> dict[str, str]:
        return area_names(self.cluster)

    @cached_property
    def published(self) -> Any:
        return published_profile(self.cluster)

    def need_name(self, code: str) -> str:
        return self.names.get(code) or tag_name(TagKind.AREA, code)


def cluster_seeker(cluster: Cluster) -> ClusterLook:
    """The cluster as it looks for partners (call inside its scope): its top needs from released
    rounds (k rule, ``publication.top_needs``), its sectors, place and preference."""
    return ClusterLook(cluster)


# The source of a company's needs.
FROM_RESULTS = "results"
FROM_STRATEGY = "strategy"


@dataclass(frozen=True)
class CompanyLook:
    membership: Membership
    seeker: Seeker
    source: str  # FROM_RESULTS, FROM_STRATEGY or ""
    too_few: bool = False
    opted_in: bool = False
    strengths: list[str] = field(default_factory=list)


def company_needs(membership: Membership) -> tuple[list[str], str, bool]:
    """The company's needs, most important first: from its own latest released mapping round
    (its respondents and each area reach k; the read side's ``suggested_areas``), else from the
    priority areas of its latest submitted membership strategy. (codes, source, too few answers)."""
    suggestion = res.suggested_areas(membership_id=membership.pk)
    if suggestion.codes:
        return suggestion.codes, FROM_RESULTS, False
    strategy = (
        MembershipStrategy.objects.filter(membership=membership, status=StrategyStatus.SUBMITTED)
        .order_by("-year")
        .values_list("priority_areas", flat=True)
        .first()
    )
    if strategy:
        return list(dict.fromkeys(strategy)), FROM_STRATEGY, suggestion.too_few
    return [], "", suggestion.too_few


def company_seeker(cluster: Cluster, membership: Membership) -> CompanyLook:
    codes, source, too_few = company_needs(membership)
    names = area_names(cluster)
    # The first need weighs most: n, n-1, ... 1 (the company's own figures are not published).
    needs = {code: float(len(codes) - index) for index, code in enumerate(codes)}
    seeker = Seeker(
        needs=needs,
        need_names={code: names.get(code) or tag_name(TagKind.AREA, code) for code in codes},
        country=cluster.country,
        preference=scoring.ANY,
        weights=dict(COMPANY_WEIGHTS),
    )
    partnering = CompanyPartnering.objects.filter(membership=membership).first()
    strengths = list(
        CompanyStrength.objects.filter(membership=membership).values_list("area_code", flat=True)
    )
    return CompanyLook(
        membership=membership,
        seeker=seeker,
        source=source,
        too_few=too_few,
        opted_in=bool(partnering and partnering.opted_in),
        strengths=strengths,
    )


def declared_strengths(cluster: Cluster) -> list[dict[str, Any]]:
    names = area_names(cluster)
    return [
        {
            "area": strength.area_code,
            "name": names.get(strength.area_code) or tag_name(TagKind.AREA, strength.area_code),
            "depth": strength.depth,
        }
        for strength in strengths_of(cluster)
    ]
