"""API: the cluster's member services and the member survey's importance–performance map. The
same access, services and selectors as the pages; the map's figures come from the results' read
side, and a figure that may not be shown leaves as ``"suppressed": true`` with no value."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.memberservices import selectors, services
from klyngekart.memberservices.access import access_service
from klyngekart.memberservices.models import MemberService

router = Router(tags=["member services"])

Category = Literal[
    "meeting_places", "competence", "projects", "matchmaking", "information", "international", "other"
]
Quadrant = Literal["concentrate_here", "keep_up", "low_priority", "possible_overkill"]
BASE = "/clusters/{slug}/services"
ONE = BASE + "/{service_id}"


class ServiceOut(Schema):
    id: int
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    category: Category
    active: bool
    order: int


class ServiceIn(Schema):
    name_nb: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    description_nb: str = ""
    description_en: str = ""
    category: Category = "other"
    active: bool = True
    order: int = Field(0, ge=0, le=10000)


class ServicePatch(Schema):
    """Fields left out stay as they are."""

    name_nb: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    description_nb: str | None = None
    description_en: str | None = None
    category: Category | None = None
    active: bool | None = None
    order: int | None = Field(None, ge=0, le=10000)


class FigureOut(Schema):
    suppressed: bool
    mean: float | None = Field(None, description="Mean on the 1–5 scale; null when suppressed.")
    n: int | None = Field(None, description="Answers; null when suppressed.")


class MapServiceOut(Schema):
    service_id: int
    name: str
    importance: FigureOut
    satisfaction: FigureOut
    quadrant: Quadrant | None = Field(description="null while either figure is suppressed.")


class NpsOut(Schema):
    suppressed: bool
    score: int | None = Field(
        None, description="% promoters (9–10) − % detractors (0–6); null when suppressed."
    )
    promoters: int | None = None
    passives: int | None = None
    detractors: int | None = None
    n: int | None = Field(None, description="Answers; null when suppressed.")


class MapOut(Schema):
    round_id: int
    segment: str = Field(description='"" for the whole round, else the segment value.')
    importance_split: float | None
    satisfaction_split: float | None
    services: list[MapServiceOut]
    nps: NpsOut | None = Field(
        description="The group's NPS; null when the survey asks no recommendation question."
    )


def _out(service: MemberService) -> dict[str, Any]:
    return {
        "id": service.pk,
        "name_nb": service.name_nb,
        "name_en": service.name_en,
        "description_nb": service.description_nb,
        "description_en": service.description_en,
        "category": service.category,
        "active": service.active,
        "order": service.order,
    }


class ServiceFilters(PageQuery):
    active_only: bool = Field(False, description="Only the services offered now.")


class ServicePage(Schema):
    items: list[ServiceOut]
    count: int
    page: int
    page_size: int


@router.get(BASE, response={200: ServicePage, **ERROR_RESPONSES}, summary="The cluster's member services")
def service_list(request: HttpRequest, slug: str, filters: Query[ServiceFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "services.view"):
        return paged(selectors.service_list(active_only=filters.active_only), filters, _out)


@router.post(BASE, response={201: ServiceOut, **ERROR_RESPONSES}, summary="Add a member service")
def service_create(request: HttpRequest, slug: str, payload: ServiceIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "services.change") as access:
        try:
            service = services.service_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=payload.model_dump(),
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _out(service))


@router.get(ONE, response={200: ServiceOut, **ERROR_RESPONSES}, summary="A member service")
def service_get(request: HttpRequest, slug: str, service_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "services.view") as access:
        return _out(access_service(access, service_id))


@router.patch(ONE, response={200: ServiceOut, **ERROR_RESPONSES}, summary="Change a member service")
def service_patch(request: HttpRequest, slug: str, service_id: int, payload: ServicePatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "services.change") as access:
        service = access_service(access, service_id)
        data = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        try:
            services.service_update(
                service=service,
                actor=request.auth,  # type: ignore[attr-defined]
                data=data,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _out(service)


def _nps(cell: Any) -> dict[str, Any] | None:
    if cell is None:
        return None
    if cell.value is None:
        return {"suppressed": True}
    figure = cell.value
    return {
        "suppressed": False,
        "score": figure.score,
        "promoters": figure.promoters,
        "passives": figure.passives,
        "detractors": figure.detractors,
        "n": figure.n,
    }


def _figure(cell: Any) -> dict[str, Any]:
    if cell.value is None:
        return {"suppressed": True, "mean": None, "n": None}
    return {"suppressed": False, "mean": cell.value.mean, "n": cell.value.n}


@router.get(
    "/clusters/{slug}/member-survey/{round_id}/services",
    response={200: list[MapOut], **ERROR_RESPONSES},
    summary="Importance, satisfaction and quadrant per service in a member survey round",
    description=(
        "A released member-survey round. The first map is the whole round; with `segment` (size, nace "
        "or region) one map per segment value follows, each with its group's NPS. Figures below the "
        "cluster's k are suppressed."
    ),
)
def member_survey_services(
    request: HttpRequest, slug: str, round_id: int, segment: Literal["", "size", "nace", "region"] = ""
) -> list[dict[str, Any]]:
    with cluster_scope(request, slug, "services.view") as access:
        round_ = selectors.access_member_survey_round(access, round_id)
        return [
            {
                "round_id": round_.pk,
                "segment": service_map.group,
                "importance_split": service_map.importance_split,
                "satisfaction_split": service_map.satisfaction_split,
                "services": [
                    {
                        "service_id": point.service_id,
                        "name": point.name,
                        "importance": _figure(point.importance),
                        "satisfaction": _figure(point.satisfaction),
                        "quadrant": point.quadrant,
                    }
                    for point in service_map.points
                ],
                "nps": _nps(service_map.nps),
            }
            for service_map in selectors.service_maps(round_, segment_kind=segment)
        ]
