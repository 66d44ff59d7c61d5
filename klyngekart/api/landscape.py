"""API: the cluster landscape (issue 15). The directory is the installation's: any user with a
token reads it. Importing is for platform admins and for cluster managers, whose records stay
their cluster's (landscape/importing.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from klyngekart.accounts.access import MANAGER, access_cluster, user_clusters
from klyngekart.api.clusters import PageQuery, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.api.member_schemas import ImportReportOut
from klyngekart.landscape import selectors
from klyngekart.landscape.importing import import_profiles
from klyngekart.landscape.models import ClusterProfile
from klyngekart.landscape.selectors import Filters

router = Router(tags=["landscape"])


class TagOut(Schema):
    kind: str
    code: str
    name: str


class ClusterProfileOut(Schema):
    id: int
    name: str
    acronym: str
    country: str
    region: str
    nuts: str
    city: str
    website: str
    founded: int | None
    programme: str
    programme_level: str
    label: str
    label_state: str
    label_valid_until: date | None
    fictional: bool
    live: bool = Field(
        description="Published by a cluster on this installation from its own data; record_date is when."
    )


class ClusterProfileDetailOut(ClusterProfileOut):
    members_sme: int | None
    members_large: int | None
    members_research: int | None
    members_public: int | None
    management_fte: Decimal | None
    description: str
    source: str
    record_date: date | None
    sectors: list[TagOut]
    emerging_industries: list[TagOut]
    technology_areas: list[TagOut]
    competence_needs: list[TagOut] = Field(
        description="Top needs a cluster here publishes from released rounds (k people and k companies each)."
    )


DETAIL_FIELDS = (
    "members_sme",
    "members_large",
    "members_research",
    "members_public",
    "management_fte",
    "description",
    "source",
    "record_date",
)


class ClusterProfilePage(Schema):
    items: list[ClusterProfileOut]
    count: int
    page: int
    page_size: int


class LandscapeFilters(PageQuery):
    q: str = ""
    country: str = ""
    region: str = ""
    label: str = ""
    sector: str = ""
    programme: str = ""
    area: str = ""


def _item(profile: ClusterProfile) -> dict[str, Any]:
    fields = ClusterProfileOut.model_fields
    return {name: getattr(profile, name) for name in fields if name != "label_state"} | {
        "label_state": profile.label_state()
    }


def profile_detail_json(profile: ClusterProfile) -> dict[str, Any]:
    """One profile as ``GET /landscape/clusters/{id}`` gives it (tags prefetched by the caller)."""
    tags = selectors.tags_by_kind(profile)
    details = {name: getattr(profile, name) for name in DETAIL_FIELDS}
    groups = {
        "sectors": tags["sectors"],
        "emerging_industries": tags["emerging"],
        "technology_areas": tags["areas"],
        "competence_needs": tags["needs"],
    }
    return _item(profile) | details | groups


@router.get(
    "/landscape/clusters",
    response={200: ClusterProfilePage, **ERROR_RESPONSES},
    summary="Search the cluster landscape",
    description=(
        "Cluster organisations in the directory, by name, `page_size` (50 unless asked) a page. "
        "`q` searches names, descriptions, places and sectors (every word, as a prefix). "
        "`country` is an ISO code; `label` is none, bronze, silver, gold or expired (a label "
        "past its valid-until date); "
        "`sector` is a sector code (`automotive`), a NACE division (`28`) or a sector as written; "
        "`area` a competence-area code. `label_state` is the label as it stands today."
    ),
)
def landscape_list(request: HttpRequest, filters: Query[LandscapeFilters]) -> dict[str, Any]:
    query = Filters(
        q=filters.q[:200],
        country=filters.country,
        region=filters.region,
        label=filters.label,
        sector=filters.sector,
        programme=filters.programme,
        area=filters.area,
    )
    return paged(selectors.profile_list(query), filters, _item)


@router.get(
    "/landscape/clusters/{profile_id}",
    response={200: ClusterProfileDetailOut, **ERROR_RESPONSES},
    summary="One cluster organisation",
)
def landscape_detail(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    profile = selectors.profile_detail(profile_id)
    if profile is None:
        raise Http404("Not found.")
    return profile_detail_json(profile)


@router.post(
    "/landscape/import",
    response={200: ImportReportOut, **ERROR_RESPONSES},
    summary="Import cluster organisations (CSV, XLSX or JSON)",
    description=(
        "Validates every row, then writes all rows or none; with `dry_run=true` (the default) "
        "nothing is written. Rows update the record with the same website, else the same name and "
        "country, and create the rest. A platform admin's import may update any record. A cluster "
        "manager imports for one cluster (`cluster`: its slug; it may be left out by a manager of "
        "only one cluster): what it creates stays that cluster's, and a row that would change "
        "another's record is an error. Columns: docs/landscape-import.md."
    ),
)
def landscape_import(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = True, cluster: str = ""
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    owner = None
    if cluster:
        owner = access_cluster(user, cluster, "landscape.import").cluster
    elif not user.is_superuser:
        managed = [access.cluster for access in user_clusters(user) if access.role == MANAGER]
        if len(managed) != 1:
            raise ApiValidationError(
                ValidationError({"cluster": "Name the cluster (its slug) you import for."}),
                lambda key: ["query", key],
            )
        owner = managed[0]
    content = file.read(settings.KLYNGEKART_IMPORT_MAX_BYTES + 1)
    report = import_profiles(
        actor=user, owner=owner, filename=file.name or "", content=content, dry_run=dry_run
    )
    return {
        "ok": report.ok,
        "created": report.created,
        "updated": report.updated,
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in report.errors],
    }
