"""Reads of the competence taxonomy, for the pages, the API and the survey engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from klyngekart.core.models import Cluster
from klyngekart.taxonomy.defaults import esco_label
from klyngekart.taxonomy.models import CompetenceArea, CompetenceGroup, TaxonomyVersion


def visible_areas(*, version: TaxonomyVersion) -> QuerySet[CompetenceArea]:
    """The areas a new survey asks about and the API lists, in the cluster's order."""
    return CompetenceArea.objects.filter(version=version, hidden=False).order_by("position", "code")


def area_names(*, version: TaxonomyVersion, language: str) -> dict[str, str]:
    """Code -> name in ``language`` ("nb" or "en"), hidden areas included: old answers about an
    area hidden since must still be named."""
    column = "name_en" if language.startswith("en") else "name_nb"
    return dict(CompetenceArea.objects.filter(version=version).values_list("code", column))


def position_in_group(*, version: TaxonomyVersion, area: CompetenceArea) -> int:
    """Where the area (by code) stands among its group's areas in ``version``, 0-based."""
    group = (
        CompetenceArea.objects.filter(version=version, code=area.code).values_list("group", flat=True).first()
    )
    codes = list(
        CompetenceArea.objects.filter(version=version, group=group or area.group)
        .order_by("position", "code")
        .values_list("code", flat=True)
    )
    return codes.index(area.code) if area.code in codes else 0


@dataclass
class GroupOfAreas:
    group: str
    label: str
    areas: list[CompetenceArea] = field(default_factory=list)


def areas_by_group(*, version: TaxonomyVersion) -> list[GroupOfAreas]:
    """Every area of the version (hidden ones too) under its group, groups in their fixed order.
    Each area gets ``esco_concepts``: (uri, English label) pairs for the page."""
    groups = {value: GroupOfAreas(group=value, label=str(label)) for value, label in CompetenceGroup.choices}
    for area in CompetenceArea.objects.filter(version=version).order_by("position", "code"):
        area.esco_concepts = [(uri, esco_label(uri)) for uri in area.esco]  # type: ignore[attr-defined]
        groups[area.group].areas.append(area)
    return [group for group in groups.values() if group.areas]


def version_history(*, cluster: Cluster) -> list[TaxonomyVersion]:
    """The cluster's versions, newest first, each with ``pinned_rounds`` (the rounds that use it)."""
    # The rounds come through the reverse side of surveys' foreign key: taxonomy sits below surveys
    # and names no surveys model.
    round_model = TaxonomyVersion._meta.get_field("rounds").related_model
    rounds = round_model._default_manager.order_by("opens_on", "pk").only(  # type: ignore[union-attr]
        "pk", "title", "opens_on", "status", "taxonomy_version"
    )
    return list(
        TaxonomyVersion.objects.filter(cluster=cluster)
        .order_by("-number")
        .prefetch_related(Prefetch("rounds", queryset=rounds, to_attr="pinned_rounds"))
    )
