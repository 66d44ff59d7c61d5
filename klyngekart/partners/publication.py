"""The profile a cluster publishes in the directory, derived from its own data (issue 15, item 3).

- members by type: the benchmark's member mix (``benchmark.indicators.PlatformFigures.types``,
  which classifies each active membership by ``members.member_types.member_type``);
- sectors: the NACE divisions of the active members (the most common first) and the sector
  categories those divisions belong to (``landscape.reference.NACE_CATEGORY``);
- top competence needs: from the latest *released* mapping round only, through the needs page's
  own ranking (``needs.analysis.ranking`` over ``surveys.results.company_cells``): an area is
  published only where that page shows its depth (k answers or more) and, further, only where
  at least k respondents and at least k member companies answered for it, since the directory is
  read far beyond the cluster. Areas only, never a figure: the directory says *that* it is a top
  need, not how deep;
- strengths: the areas the manager declares (``ClusterStrength``) and the free text.

Everything here runs on a release (``signals``), on the manager's save (``services``) and nightly
(``tasks``); no request reads a round to draw the directory."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from klyngekart.benchmark.indicators import PlatformFigures
from klyngekart.benchmark.selectors import manual_values, profile_of
from klyngekart.collaborations.models import Opportunity
from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.core.privacy import k_threshold
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.landscape.models import ClusterProfile, Label, TagKind, website_key
from klyngekart.landscape.reference import COUNTRY_BY_CODE, NACE_CATEGORY
from klyngekart.landscape.services import Tag, profile_save
from klyngekart.members.member_types import LARGE, PUBLIC, RESEARCH, SME
from klyngekart.members.models import Membership, MembershipStatus
from klyngekart.needs.analysis import ranking, round_area_pairs
from klyngekart.partners.models import ClusterStrength, PartnerSettings
from klyngekart.surveys import results as res
from klyngekart.surveys.models import ReleaseStatus, Round, RoundRelease
from klyngekart.surveys.models.responses import ALL

TOP_NEEDS = 5
SECTOR_DIVISIONS = 8
SOURCE = "Klyngekart"


@dataclass(frozen=True)
class Need:
    """One of the cluster's top competence needs, as its needs page shows it."""

    code: str
    depth: Decimal  # the mean gap
    priority: Decimal  # share of companies with the need x depth
    respondents: int
    companies: int


def release_stamp(cluster: Cluster) -> str:
    """The cluster's ready releases as they stand, for cache keys: their number, the latest's
    time and the sum of their rounds' aggregate revisions (which ``rebuild_aggregates --fix``
    moves). A new release, a withdrawn one or a repaired one changes it. One small query."""
    found = RoundRelease.objects.filter(cluster=cluster, status=ReleaseStatus.READY).aggregate(
        count=Count("id"), last=Max("finished_at"), revisions=Sum("round__aggregates_revision")
    )
    last = found["last"].timestamp() if found["last"] else 0
    return f"{found['count']}:{last}:{found['revisions'] or 0}"


def latest_released_round(cluster: Cluster) -> Round | None:
    """The cluster's newest mapping round whose results are released (call inside its scope).
    Remembered under the cluster's releases as they stand (``release_stamp``), so the partner
    page asks one small query instead of the mapping rounds' join each time."""
    key = f"kk:partners:latest-round:{cluster.pk}:{release_stamp(cluster)}"
    round_id = cache.get(key)
    if round_id is None:
        rounds = res.mapping_rounds(cluster)
        round_id = rounds[-1].pk if rounds else 0
        cache.set(key, round_id, res.CACHE_SECONDS)
    if not round_id:
        return None
    return Round.objects.select_related("cluster").filter(pk=round_id, cluster=cluster).first()


def top_needs(cluster: Cluster, *, limit: int = TOP_NEEDS, round_: Round | None = None) -> list[Need]:
    """The cluster's top needs by priority from its latest released mapping round (``round_``, when
    the caller has looked it up), each shown by the needs page (k answers) and resting on at least
    k respondents and k companies; [] while no round is released. Cached by the release's name,
    like the needs page."""
    round_ = round_ or latest_released_round(cluster)
    if round_ is None:
        return []
    k = k_threshold(cluster)
    key = res.round_cache_key("partners-needs", round_, res.release_version(round_), k, limit)
    found = cache.get(key)
    if found is None:
        # The needs page's own ranking (needs.analysis.ranking over the read side's company cells,
        # as needs_figures computes it), from one read of the release that also counts, per area,
        # the companies whose people answered for it.
        areas = round_area_pairs(round_)
        cells = res.company_cells(round_, [code for code, _name in areas], k)
        rows = [
            row
            for row in ranking(cells, areas)
            if row.depth is not None
            and row.priority is not None
            and row.priority > 0
            and (row.respondents or 0) >= k
        ]
        companies = {
            row.code: sum(1 for n in cells.data.area_ns(ALL, row.code).values() if n > 0) for row in rows
        }
        found = [
            Need(row.code, row.depth, row.priority, row.respondents or 0, companies.get(row.code, 0))  # type: ignore[arg-type]
            for row in rows
            if companies.get(row.code, 0) >= k
        ][:limit]
        cache.set(key, found, res.CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


def settings_of(cluster: Cluster) -> PartnerSettings:
    """The cluster's partner settings, unsaved and off when the manager has chosen nothing."""
    return PartnerSettings.objects.filter(cluster=cluster).first() or PartnerSettings(cluster=cluster)


def strengths_of(cluster: Cluster) -> list[ClusterStrength]:
    return list(ClusterStrength.objects.filter(cluster=cluster).order_by("-depth", "area_code"))


def member_divisions(cluster: Cluster) -> Counter[str]:
    """How many active members are in each NACE division (call inside the cluster's scope)."""
    codes = Membership.objects.filter(cluster=cluster, status=MembershipStatus.ACTIVE).values_list(
        "nace_code", flat=True
    )
    return Counter(code[:2] for code in codes if code[:2].isdigit())


def sectors_from_divisions(divisions: Counter[str]) -> list[Tag]:
    chosen = [code for code, _count in sorted(divisions.items(), key=lambda item: (-item[1], item[0]))]
    chosen = chosen[:SECTOR_DIVISIONS]
    tags: list[Tag] = [(TagKind.NACE, code) for code in chosen]
    tags += [(TagKind.CATEGORY, NACE_CATEGORY[code]) for code in chosen if code in NACE_CATEGORY]
    return tags


def _label(cluster: Cluster) -> tuple[str, Any]:
    """The ESCA label as the benchmarking self-assessment records it (one place for the label)."""
    record = profile_of(cluster)
    if not record.label:
        return Label.NONE, None
    return record.label, record.label_valid_until


def profile_fields_and_tags(cluster: Cluster) -> tuple[dict[str, Any], list[Tag]]:
    """What the cluster's published profile says (call inside its scope)."""
    options = settings_of(cluster)
    figures = PlatformFigures(cluster)
    types = figures.types()
    divisions = member_divisions(cluster)
    label, valid_until = _label(cluster)
    fte = manual_values().get("management_fte")
    description = "\n\n".join(
        text for text in (cluster.description.strip(), options.strengths_text.strip()) if text
    )
    fields = {
        "name": cluster.name,
        "acronym": cluster.short_name,
        "country": cluster.country if cluster.country in COUNTRY_BY_CODE else "NO",
        "region": options.region,
        "nuts": options.nuts,
        "city": cluster.city,
        "website": cluster.website,
        "founded": options.founded,
        "programme": options.programme,
        "programme_level": options.programme_level,
        "label": label,
        "label_valid_until": valid_until,
        "members_sme": types[SME],
        "members_large": types[LARGE],
        "members_research": types[RESEARCH],
        "members_public": types[PUBLIC],
        "management_fte": fte,
        "description": description,
        "source": SOURCE,
        "record_date": timezone.localdate(),
        "fictional": False,
    }
    tags = sectors_from_divisions(divisions)
    tags += [(TagKind.AREA, strength.area_code) for strength in strengths_of(cluster)]
    tags += [(TagKind.NEED, need.code) for need in top_needs(cluster)]
    return fields, tags


def published_profile(cluster: Cluster) -> ClusterProfile | None:
    return ClusterProfile.objects.filter(source_cluster=cluster).defer("search_document").first()


def _withdraw(cluster: Cluster, profile: ClusterProfile, actor: Any) -> None:
    """Take the published profile out of the directory. Where a cluster's collaboration pipeline
    names it as a partner, the row stays as a plain record of the cluster's own (its name and
    address, which are public), without what the platform derived (members, needs, strengths,
    sectors): deleting it would drop the partner from those opportunities without a word."""
    with scopes_disabled():
        named = Opportunity.partners.through.objects.filter(clusterprofile_id=profile.pk).exists()
    if not named:
        profile.delete()
        return
    for field in ("members_sme", "members_large", "members_research", "members_public", "management_fte"):
        setattr(profile, field, None)
    profile.description = ""
    profile.source_cluster = None
    profile.owner_cluster = cluster
    profile.record_date = timezone.localdate()
    profile_save(profile=profile, tags=[])
    audit_log(
        cluster=cluster,
        actor=actor,
        action="partners.profile.kept_as_record",
        target=profile,
        data={"profile": profile.pk, "name": profile.name},
    )


def profile_refresh(cluster: Cluster, *, actor: Any = None) -> ClusterProfile | None:
    """Write the cluster's published profile from its data now, or take it out of the directory
    when the cluster does not publish. Returns the profile (None when not published).

    A directory record that already carries the cluster's website describes the cluster: the
    publication takes it over (the website is the directory's unique key), and the change log
    says so."""
    with scope(cluster), transaction.atomic():
        options = settings_of(cluster)
        profile = published_profile(cluster)
        if not options.published:
            if profile is not None:
                _withdraw(cluster, profile, actor)
            return None
        fields, tags = profile_fields_and_tags(cluster)
        if profile is None:
            site = website_key(fields["website"])
            existing = ClusterProfile.objects.filter(website_key=site).first() if site else None
            if existing is not None and existing.source_cluster_id is None:
                profile = existing
                audit_log(
                    cluster=cluster,
                    actor=actor,
                    action="partners.profile.adopted",
                    target=existing,
                    data={"profile": existing.pk, "name": existing.name},
                )
            elif existing is not None:
                fields["website"] = ""  # another cluster here publishes that address
            profile = profile or ClusterProfile()
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.source_cluster = cluster
        profile.owner_cluster = None
        profile_save(profile=profile, tags=tags)
        return profile
