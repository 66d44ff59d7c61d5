"""Reads of the directory: the filtered list, its facets with counts, one profile.

Every filter and count is one SQL query; nothing loops over profiles in Python. Each facet counts
the profiles that match every *other* filter, so choosing a country still shows the other
countries' counts (the filters keep each other, and one click changes one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klyngekart.landscape import search
from klyngekart.landscape.models import EXPIRED, ClusterProfile, Label, ProfileTag, TagKind
from klyngekart.landscape.reference import (
    country_name,
    parse_category,
    parse_emerging,
    parse_nace_division,
    programme_name,
)
from klyngekart.landscape.vocabulary import tag_name

SECTOR_KINDS = (TagKind.CATEGORY, TagKind.NACE, TagKind.SECTOR_TAG, TagKind.EMERGING)
FACET_LIMIT = 15
# By name without regard to case, so "Aarhus" comes before "AI Alliance" on SQLite too.
_NAME = Lower("name")
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (_NAME, "id"),
    "country": ("country", _NAME, "id"),
    "-founded": (F("founded").desc(nulls_last=True), _NAME, "id"),
    "founded": (F("founded").asc(nulls_last=True), _NAME, "id"),
    "-record_date": (F("record_date").desc(nulls_last=True), _NAME, "id"),
}
SORT_LABELS = {
    "relevance": _("Best match"),
    "name": _("Name"),
    "country": _("Country"),
    "-founded": _("Newest first"),
    "founded": _("Oldest first"),
    "-record_date": _("Recently recorded"),
}
LABEL_STATES = [*Label.values, EXPIRED]
LIVE = "live"


@dataclass(frozen=True)
class Filters:
    q: str = ""
    country: str = ""
    region: str = ""
    label: str = ""
    programme: str = ""
    sector: str = ""
    area: str = ""
    need: str = ""
    # "live": only the profiles clusters on this installation publish from their own data.
    source: str = ""
    sort: str = "name"

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.country,
                self.region,
                self.label,
                self.programme,
                self.sector,
                self.area,
                self.need,
                self.source,
            )
        )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def label_state_expression(today: date) -> Case:
    """The label as it stands today, in SQL: a label past its valid-until date is "expired"."""
    return Case(
        When(label=Label.NONE, then=Value(Label.NONE)),
        When(label_valid_until__lt=today, then=Value(EXPIRED)),
        default=F("label"),
        output_field=CharField(),
    )


def sector_tag(value: str) -> tuple[str, str] | None:
    """The (kind, code) a sector filter means: a category, a NACE division, an emerging
    industry, else a free-text sector as written."""
    text = value.strip()
    if not text:
        return None
    if ":" in text:
        kind, _sep, code = text.partition(":")
        if kind in TagKind.values:
            return kind, code
    if category := parse_category(text):
        return TagKind.CATEGORY, category
    if division := parse_nace_division(text):
        return TagKind.NACE, division
    if emerging := parse_emerging(text):
        return TagKind.EMERGING, emerging
    return TagKind.SECTOR_TAG, text


def _label_q(state: str, today: date) -> Q:
    if state == EXPIRED:
        return ~Q(label=Label.NONE) & Q(label_valid_until__lt=today)
    if state == Label.NONE:
        return Q(label=Label.NONE)
    return Q(label=state) & (Q(label_valid_until__isnull=True) | Q(label_valid_until__gte=today))


def _filtered(filters: Filters, today: date, *, without: str = "") -> QuerySet[ClusterProfile]:
    queryset = ClusterProfile.objects.all()
    queryset = search.filter_text(queryset, filters.q)
    if filters.country and without != "country":
        queryset = queryset.filter(country=filters.country.upper())
    if filters.region and without != "region":
        queryset = queryset.filter(region=filters.region)
    if filters.programme and without != "programme":
        queryset = queryset.filter(programme=filters.programme)
    if filters.label and without != "label":
        queryset = queryset.filter(_label_q(filters.label, today))
    if filters.sector and without != "sector" and (tag := sector_tag(filters.sector)):
        queryset = queryset.filter(
            id__in=ProfileTag.objects.filter(kind=tag[0], code=tag[1]).values("profile_id")
        )
    if filters.need and without != "need":
        queryset = queryset.filter(
            id__in=ProfileTag.objects.filter(kind=TagKind.NEED, code=filters.need).values("profile_id")
        )
    if filters.source == LIVE and without != "source":
        queryset = queryset.filter(source_cluster__isnull=False)
    if filters.area and without != "area":
        queryset = queryset.filter(
            id__in=ProfileTag.objects.filter(kind=TagKind.AREA, code=filters.area).values("profile_id")
        )
    return queryset


def profile_list(filters: Filters, today: date | None = None) -> QuerySet[ClusterProfile]:
    today = today or timezone.localdate()
    if filters.sort == "relevance" and (best := search.rank(filters.q)) is not None:
        return _filtered(filters, today).order_by(best, *SORTS["name"])
    order = SORTS.get(filters.sort, SORTS["name"])
    return _filtered(filters, today).order_by(*order)


def _column_facet(filters: Filters, today: date, column: str, selected: str) -> list[FacetValue]:
    rows = (
        _filtered(filters, today, without=column)
        .exclude(**{column: ""})
        .values(column)
        .annotate(count=Count("id"))
        .order_by("-count", column)[:FACET_LIMIT]
    )
    names: dict[str, Callable[[str], str]] = {
        "country": country_name,
        "programme": programme_name,
        "region": str,
    }
    return [
        FacetValue(row[column], names[column](row[column]), row["count"], row[column] == selected)
        for row in rows
    ]


def _label_facet(filters: Filters, today: date) -> list[FacetValue]:
    rows = (
        _filtered(filters, today, without="label")
        .annotate(state=label_state_expression(today))
        .values("state")
        .annotate(count=Count("id"))
    )
    counts = {row["state"]: row["count"] for row in rows}
    names = dict(Label.choices) | {EXPIRED: _("Expired label")}
    return [
        FacetValue(state, str(names[state]), counts[state], state == filters.label)
        for state in LABEL_STATES
        if counts.get(state)
    ]


def _tag_facet(filters: Filters, today: date, facet: str, kinds: tuple[str, ...]) -> list[FacetValue]:
    profiles = _filtered(filters, today, without=facet).values("id")
    rows = (
        ProfileTag.objects.filter(kind__in=kinds, profile_id__in=profiles)
        .values("kind", "code")
        .annotate(count=Count("profile_id"))
        .order_by("-count", "kind", "code")[:FACET_LIMIT]
    )
    if facet == "sector":
        chosen = sector_tag(filters.sector)
        return [
            FacetValue(
                f"{row['kind']}:{row['code']}",
                tag_name(row["kind"], row["code"]),
                row["count"],
                chosen == (row["kind"], row["code"]),
            )
            for row in rows
        ]
    chosen_code = filters.need if facet == "need" else filters.area
    return [
        FacetValue(row["code"], tag_name(row["kind"], row["code"]), row["count"], row["code"] == chosen_code)
        for row in rows
    ]


def _source_facet(filters: Filters, today: date) -> list[FacetValue]:
    count = _filtered(filters, today, without="source").filter(source_cluster__isnull=False).count()
    if not count:
        return []
    return [FacetValue(LIVE, str(_("Klyngekart clusters (live data)")), count, filters.source == LIVE)]


def facets(filters: Filters, today: date | None = None) -> dict[str, list[FacetValue]]:
    """Each facet's values with the number of profiles that match every other filter."""
    today = today or timezone.localdate()
    return {
        "country": _column_facet(filters, today, "country", filters.country.upper()),
        "region": _column_facet(filters, today, "region", filters.region),
        "label": _label_facet(filters, today),
        "programme": _column_facet(filters, today, "programme", filters.programme),
        "sector": _tag_facet(filters, today, "sector", SECTOR_KINDS),
        "area": _tag_facet(filters, today, "area", (TagKind.AREA,)),
        "need": _tag_facet(filters, today, "need", (TagKind.NEED,)),
        "source": _source_facet(filters, today),
    }


def country_counts(filters: Filters, today: date | None = None) -> dict[str, int]:
    """Profiles per country under every filter but the country, for the map."""
    today = today or timezone.localdate()
    rows = _filtered(filters, today, without="country").values("country").annotate(count=Count("id"))
    return {row["country"]: row["count"] for row in rows}


def profile_detail(pk: int) -> ClusterProfile | None:
    return ClusterProfile.objects.prefetch_related("tags").filter(pk=pk).first()


def tags_by_kind(profile: ClusterProfile) -> dict[str, list[dict[str, Any]]]:
    """The profile's tags in words, grouped: sectors (all sector kinds), emerging, areas, and the
    competence needs a cluster on this installation publishes."""
    groups: dict[str, list[dict[str, Any]]] = {"sectors": [], "emerging": [], "areas": [], "needs": []}
    for tag in profile.tags.all():
        key = {TagKind.EMERGING: "emerging", TagKind.AREA: "areas", TagKind.NEED: "needs"}.get(
            tag.kind, "sectors"
        )  # type: ignore[call-overload]
        groups[key].append({"kind": tag.kind, "code": tag.code, "name": tag_name(tag.kind, tag.code)})
    return groups


def with_filter(filters: Filters, **changes: str) -> Filters:
    return replace(filters, **changes)
