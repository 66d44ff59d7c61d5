"""API: the national competence barometer (klyngekart/barometer/). Open to everyone when the
platform admin has made the barometer public, else to any valid API token. The same figures,
suppression and filters as the page; no cluster scope, since the figures are the installation's.
A cluster's manager reads and sets its participation (the cluster's barometer settings page), and
the platform admin the installation's public switch; both always need a token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from klyngekart.api.auth import ApiTokenAuth
from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.barometer import selectors, services
from klyngekart.barometer.export import write_csv


def _public(request: HttpRequest) -> bool | None:
    """Lets the request through without a token when the barometer is public."""
    return True if selectors.is_public() else None


router = Router(tags=["barometer"], auth=[ApiTokenAuth(), _public])


class BarometerFigureOut(Schema):
    year: int
    area: str = Field(description="The competence area's code (the shipped default taxonomy).")
    area_name: str
    dimension: str = Field(
        description="`all`, or the one filter the figures are split by: `sector`, `region`, `size`."
    )
    value: str = Field(description="The sector (NACE section), county number or size class; empty for `all`.")
    value_name: str
    shown: bool
    hidden_reason: str = Field(description="Why a hidden figure is hidden; empty when shown.")
    answers: int | None
    companies: int | None
    clusters: int | None
    mean_gap: float | None = Field(description="Mean of importance minus level (each 1 to 5).")
    need_share: float | None = Field(
        description="Share of companies (with at least k answers in the area) whose mean gap is 1 or more."
    )


class BarometerOut(Schema):
    k: int | None = Field(
        description="The smallest group of companies, clusters and answers a figure may rest on."
    )
    clusters: int = Field(description="Clusters taking part.")
    companies: int = Field(description="Companies with answers in the figures.")
    year: int | None
    years: list[int]
    figures: list[BarometerFigureOut]
    trend: list[BarometerFigureOut] = Field(description="The same filter for every year.")


DESCRIPTION = (
    "Competence needs across every cluster on the installation that takes part, from released mapping "
    "rounds only. Filter by `area` (code), and by at most one of `sector` (NACE section, e.g. `C`), "
    "`region` (county number, e.g. `46`) and `size` (`micro`, `small`, `medium`, `large`); two at once "
    "are refused (422), because combined filters could be subtracted into small groups. `year` "
    "defaults to the latest. A figure rests on at least `k` companies, `k` clusters and `k` answers, "
    "and is hidden (with the reason) where another reachable figure minus it, or the same figure "
    "before a cluster joined or left, would reveal a smaller group."
)


def _query(area: str, sector: str, region: str, size: str, year: str) -> selectors.Query:
    try:
        return selectors.parse_query(area=area, sector=sector, region=region, size=size, year=year)
    except selectors.FilterError as error:
        raise ApiValidationError(
            ValidationError({error.field: [str(error)]}, code="invalid"), lambda key: ["query", key]
        ) from error


@router.get(
    "/barometer",
    response={200: BarometerOut, 401: ERROR_RESPONSES[401], 422: ERROR_RESPONSES[422]},
    summary="The national competence barometer",
    description=DESCRIPTION,
)
def barometer(
    request: HttpRequest, area: str = "", sector: str = "", region: str = "", size: str = "", year: str = ""
) -> dict[str, Any]:
    result = selectors.barometer(_query(area, sector, region, size, year))
    edition = result.edition
    return {
        "k": result.k,
        "clusters": edition.clusters if edition else 0,
        "companies": edition.companies if edition else 0,
        "year": result.query.year,
        "years": result.years,
        "figures": [row.as_dict() for row in result.rows],
        "trend": [row.as_dict() for row in result.trend],
    }


@router.get(
    "/barometer.csv",
    response={200: str, 401: ERROR_RESPONSES[401], 422: ERROR_RESPONSES[422]},
    summary="The national competence barometer as CSV",
    description="The figures of `GET /barometer` for the same filters, one row each, as CSV.",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def barometer_csv(
    request: HttpRequest, area: str = "", sector: str = "", region: str = "", size: str = "", year: str = ""
) -> HttpResponse:
    result = selectors.barometer(_query(area, sector, region, size, year))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="barometer.csv"'
    write_csv(response, result.rows)
    return response


class BarometerParticipationOut(Schema):
    opted_in: bool = Field(
        description="The cluster's released mapping rounds count in the installation's national figures."
    )


class BarometerParticipationIn(Schema):
    opted_in: bool


@router.get(
    "/clusters/{slug}/barometer/settings",
    auth=ApiTokenAuth(),
    response={200: BarometerParticipationOut, **ERROR_RESPONSES},
    summary="Whether the cluster takes part in the national barometer",
    description="For the manager, as the cluster's barometer settings page.",
)
def barometer_participation_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "barometer.settings") as access:
        return {"opted_in": services.is_participating(access.cluster)}


@router.patch(
    "/clusters/{slug}/barometer/settings",
    auth=ApiTokenAuth(),
    response={200: BarometerParticipationOut, **ERROR_RESPONSES},
    summary="Join or leave the national barometer",
    description=(
        "For the manager. A change is audited (`barometer.joined`, `barometer.left`) and the "
        "national figures are worked out again without or with the cluster's rounds."
    ),
)
def barometer_participation_patch(
    request: HttpRequest, slug: str, payload: BarometerParticipationIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "barometer.settings") as access:
        services.participation_set(
            cluster=access.cluster,
            opted_in=payload.opted_in,
            actor=request.auth,  # type: ignore[attr-defined]
        )
        return {"opted_in": services.is_participating(access.cluster)}


class BarometerSiteOut(Schema):
    public: bool = Field(
        description="Anyone may read the barometer, on the page and here, without signing in."
    )


class BarometerSiteIn(Schema):
    public: bool


def _platform_admin(request: HttpRequest) -> None:
    """The switch is the platform admin's; anyone else gets a 404, as for the page's switch."""
    user = request.auth  # type: ignore[attr-defined]
    if not (user.is_superuser and user.is_active):
        raise Http404("No such page")


@router.get(
    "/barometer/settings",
    auth=ApiTokenAuth(),
    response={200: BarometerSiteOut, **ERROR_RESPONSES},
    summary="Whether the barometer is public",
    description="For the platform admin; 404 for anyone else.",
)
def barometer_site_get(request: HttpRequest) -> dict[str, Any]:
    _platform_admin(request)
    return {"public": selectors.is_public()}


@router.patch(
    "/barometer/settings",
    auth=ApiTokenAuth(),
    response={200: BarometerSiteOut, **ERROR_RESPONSES},
    summary="Open the barometer to everyone, or to signed-in users only",
    description="For the platform admin, as the switch on the barometer page; 404 for anyone else.",
)
def barometer_site_patch(request: HttpRequest, payload: BarometerSiteIn) -> dict[str, Any]:
    _platform_admin(request)
    site = services.site_set_public(public=payload.public, actor=request.auth)  # type: ignore[attr-defined]
    return {"public": site.public}
