"""API: joint competence measures, companies' interest and the cost sharing. The same access
function, services and rules as the pages: the cluster team creates and changes measures, a
company contact registers its own company's interest and sees only its own row of the costs.
Decimal is sent and returned as decimal strings in NOK. Costs leave rounded half up to øre by the
same function the pages and reports use to whole kroner (core.money.round_money)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts.access import ClusterAccess
from klyngekart.activities import impact as activity_impact
from klyngekart.activities.access import own_memberships
from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.core.money import ORE, round_money
from klyngekart.core.privacy import k_threshold
from klyngekart.measures import selectors, services
from klyngekart.measures.access import access_interest_membership, access_measure
from klyngekart.measures.models import MAX_CAPACITY, MAX_COST, Measure
from klyngekart.needs.selectors import current_areas

router = Router(tags=["measures"])

Format = Literal["course", "programme", "workshop", "study_trip", "e_learning"]
Status_ = Literal["idea", "proposed", "planned", "running", "completed", "dropped"]
BASE = "/clusters/{slug}/measures"
ONE = BASE + "/{measure_id}"


class MeasureOut(Schema):
    id: int
    title: str
    description: str
    areas: list[str] = Field(description="Competence area codes, see GET .../taxonomy.")
    format: Format
    provider: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    capacity: int | None = Field(description="Places in all; null for no upper limit.")
    status: Status_
    fixed_cost: Decimal = Field(description="NOK, as a decimal string.")
    cost_per_participant: Decimal = Field(description="NOK, as a decimal string.")
    funding_share: Decimal = Field(description="The share of the fixed cost paid by public funding, 0 to 1.")
    source_round: int | None
    participants: int = Field(description="Participants registered by all interested companies.")


class MeasureIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    areas: list[str] = Field(default_factory=list)
    format: Format = "course"
    provider: str = ""
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    status: Status_ = "idea"
    fixed_cost: Decimal = Field(Decimal("0"), ge=0, le=MAX_COST, decimal_places=2)
    cost_per_participant: Decimal = Field(Decimal("0"), ge=0, le=MAX_COST, decimal_places=2)
    funding_share: Decimal = Field(Decimal("0"), ge=0, le=1, decimal_places=4)
    source_round: int | None = None


class MeasurePatch(Schema):
    """Fields left out stay as they are. null clears description, provider, dates and capacity;
    the other fields cannot be empty (null is refused with 422)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    areas: list[str] | None = None
    format: Format | None = None
    provider: str | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    status: Status_ | None = None
    fixed_cost: Decimal | None = Field(None, ge=0, le=MAX_COST, decimal_places=2)
    cost_per_participant: Decimal | None = Field(None, ge=0, le=MAX_COST, decimal_places=2)
    funding_share: Decimal | None = Field(None, ge=0, le=1, decimal_places=4)


class MeasureFilters(PageQuery):
    status: Status_ | None = None
    round: int | None = Field(None, description="Measures proposed from this mapping round.")


class MeasurePage(Schema):
    items: list[MeasureOut]
    count: int
    page: int
    page_size: int


class InterestIn(Schema):
    org_number: str
    participants: int = Field(ge=1, le=MAX_CAPACITY)


class InterestOut(Schema):
    org_number: str
    participants: int


def _ore(amount: Decimal) -> Decimal:
    """Money leaves the API in kroner with two decimals (øre). The computation stays exact; a share
    of a fixed cost can be a fraction no decimal writes out, and a client wants a price, not 50 digits."""
    return round_money(amount, ORE)


class CostRowOut(Schema):
    org_number: str
    participants: int
    cost_shared: Decimal
    cost_alone: Decimal
    saving: Decimal


class CostTotalsOut(Schema):
    companies: int
    participants: int
    cost_shared: Decimal
    cost_alone: Decimal
    saving: Decimal
    sme_companies: int
    sme_saving: Decimal = Field(description="What the small and medium-sized companies save together.")


class CostsOut(Schema):
    rows: list[CostRowOut] = Field(description="Every company for the cluster team; a contact's own only.")
    totals: CostTotalsOut


def _out(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "title": measure.title,
        "description": measure.description,
        "areas": list(measure.areas),
        "format": measure.format,
        "provider": measure.provider,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "capacity": measure.capacity,
        "status": measure.status,
        "fixed_cost": measure.fixed_cost,
        "cost_per_participant": measure.cost_per_participant,
        "funding_share": measure.funding_share,
        "source_round": measure.source_round_id,
        "participants": selectors.reserved_places(measure),
    }


def _data(access: ClusterAccess, data: dict[str, Any]) -> dict[str, Any]:
    if "source_round" in data:
        round_id = data["source_round"]
        round_ = selectors.cluster_rounds(access.cluster).filter(pk=round_id).first() if round_id else None
        if round_id and round_ is None:
            raise ApiValidationError(ValidationError({"source_round": "No such mapping round."}), payload_loc)
        data["source_round"] = round_
    return data


@router.get(
    BASE,
    response={200: MeasurePage, **ERROR_RESPONSES},
    summary="The cluster's joint measures",
    description=(
        "As the measures page lists them, filtered by `status` and by the mapping `round` they came "
        "from. A company contact gets what its page shows: the proposed and planned measures that "
        "meet its companies' needs and those they have signed up for (never ideas); the filters "
        "narrow that list."
    ),
)
def measure_list(request: HttpRequest, slug: str, filters: Query[MeasureFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.view") as access:
        if access.is_company_role:
            seen: dict[int, Measure] = {}
            for membership in own_memberships(access):
                for measure in selectors.measures_for_company(membership=membership):
                    seen.setdefault(measure.pk, measure)
            rows: Any = [
                measure
                for measure in seen.values()
                if (not filters.status or measure.status == filters.status)
                and (filters.round is None or measure.source_round_id == filters.round)
            ]
        else:
            source_round = None
            if filters.round is not None:
                source_round = selectors.cluster_rounds(access.cluster).filter(pk=filters.round).first()
                if source_round is None:
                    raise ApiValidationError(
                        ValidationError({"round": _("No such mapping round.")}), lambda key: ["query", key]
                    )
            rows = selectors.measure_list(status=filters.status or "", source_round=source_round)
        return paged(rows, filters, _out)


@router.post(
    BASE,
    response={201: MeasureOut, **ERROR_RESPONSES},
    summary="Create a joint measure",
    description="For the cluster team. Costs in NOK (decimal strings or numbers), funding share 0 to 1.",
)
def measure_create(request: HttpRequest, slug: str, payload: MeasureIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "measures.change") as access:
        codes = [area.code for area in current_areas(access.cluster)]
        try:
            measure = services.measure_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=_data(access, payload.model_dump()),
                area_codes=codes,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _out(measure))


@router.get(ONE, response={200: MeasureOut, **ERROR_RESPONSES}, summary="A joint measure")
def measure_get(request: HttpRequest, slug: str, measure_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.view") as access:
        return _out(access_measure(access, measure_id))


@router.patch(
    ONE,
    response={200: MeasureOut, **ERROR_RESPONSES},
    summary="Change a joint measure",
    description="For the cluster team. Only the fields sent change; a status change is logged as such.",
)
def measure_patch(request: HttpRequest, slug: str, measure_id: int, payload: MeasurePatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.change") as access:
        measure = access_measure(access, measure_id)
        codes = [area.code for area in current_areas(access.cluster)] + list(measure.areas)
        try:
            services.measure_update(
                measure=measure,
                actor=request.auth,  # type: ignore[attr-defined]
                data=_data(access, payload.model_dump(exclude_unset=True)),
                area_codes=codes,
            )
        except ValidationError as error:
            # The measure object may hold the refused values; the stored row does not.
            raise ApiValidationError(error, payload_loc) from error
        return _out(measure)


@router.post(
    ONE + "/interest",
    response={200: InterestOut, **ERROR_RESPONSES},
    summary="Register a company's interest in a joint measure",
    description=(
        "A company contact registers for its own company only; the cluster team (manager, staff) "
        "for any member company, on its behalf (recorded so in the audit log). Registering again "
        "changes the number of participants. Refused (422) when the measure is completed or "
        "dropped, or the places run out."
    ),
)
def interest_register(
    request: HttpRequest, slug: str, measure_id: int, payload: InterestIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.interest") as access:
        measure = access_measure(access, measure_id)
        membership = access_interest_membership(access, org_number=payload.org_number)
        try:
            interest = services.interest_register(
                measure=measure,
                membership=membership,
                participants=payload.participants,
                actor=request.auth,  # type: ignore[attr-defined]
                on_behalf=access.is_cluster_team,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return {"org_number": membership.company.org_number or "", "participants": interest.participants}


@router.get(
    ONE + "/costs",
    response={200: CostsOut, **ERROR_RESPONSES},
    summary="The cost sharing of a joint measure",
    description=(
        "Per interested company: shared cost = F·(1−s)·p/P + v·p, alone = F + v·p, saving = alone − "
        "shared, exact (long decimals where a share does not divide evenly). A company contact gets "
        "the totals and only its own company's row."
    ),
)
def measure_costs(request: HttpRequest, slug: str, measure_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.view") as access:
        measure = access_measure(access, measure_id)
        costs = selectors.measure_costs(measure)
        rows = [
            {
                "org_number": interest.membership.company.org_number or "",
                "participants": row.participants,
                "cost_shared": _ore(row.shared),
                "cost_alone": _ore(row.alone),
                "saving": _ore(row.saving),
            }
            for interest, row in zip(costs.interests, costs.table.rows, strict=True)
            if not access.is_company_role or interest.membership.company_id in access.company_ids
        ]
        table = costs.table
        return {
            "rows": rows,
            "totals": {
                "companies": len(table.rows),
                "participants": table.participants,
                "cost_shared": _ore(table.shared),
                "cost_alone": _ore(table.alone),
                "saving": _ore(table.saving),
                "sme_companies": table.sme_companies,
                "sme_saving": _ore(table.sme_saving),
            },
        }


class GroupOut(Schema):
    companies: int = Field(description="Companies of the group with answers in the round.")
    respondents: int | None = Field(description="People who answered; null below k.")
    mean_gap: Decimal | None = Field(description="Mean gap (importance − level); null when hidden.")


class ImpactAreaOut(Schema):
    area: str
    before_participants: GroupOut
    after_participants: GroupOut
    before_others: GroupOut
    after_others: GroupOut
    difference_in_differences: Decimal | None = Field(
        description="(after − before) of the participants minus (after − before) of the others; "
        "null when hidden."
    )
    hidden_reason: str = Field(description="Why the figure is hidden; empty when it is shown.")


class MeasureImpactOut(Schema):
    measure: int
    title: str
    before_round: int | None
    after_round: int | None
    reason: str = Field(description="Why nothing can be measured yet; empty otherwise.")
    areas: list[ImpactAreaOut]


class ActivityImpactOut(Schema):
    activity: int
    title: str
    before_round: int | None
    after_round: int | None
    reason: str = Field(description="Why nothing can be measured yet; empty otherwise.")
    areas: list[ImpactAreaOut]


class ImpactOut(Schema):
    k: int | None = Field(description="The cluster's anonymity threshold.")
    measures: list[MeasureImpactOut]
    activities: list[ActivityImpactOut] = Field(
        description="Completed activities with competence areas: participants are the member "
        "companies with someone checked in."
    )


def _group(figure: Any) -> dict[str, Any]:
    return {
        "companies": figure.companies,
        "respondents": None if figure.respondents.suppressed else figure.respondents.value,
        "mean_gap": None if figure.gap.suppressed else figure.gap.value,
    }


@router.get(
    "/clusters/{slug}/impact",
    response={200: ImpactOut, **ERROR_RESPONSES},
    summary="The impact of the completed joint measures",
    description=(
        "Per completed measure and competence area (only ``area`` when given): the mean gap of the "
        "participating companies and of the other companies in the released mapping round before "
        "the measure and the first one after it, and the difference in differences; the same for "
        "completed activities (``activities``). A figure from fewer than k people, or one that "
        "beside the companies' own figures or another measure's or activity's would single out "
        "fewer than k, is null for the whole area, with the reason."
    ),
)
def impact(request: HttpRequest, slug: str, area: str = "") -> dict[str, Any]:
    with cluster_scope(request, slug, "measures.impact") as access:
        # Measures and activities together, each checked beside all the others (activities.impact).
        found = activity_impact.cluster_impact(access.cluster, area=area)
        return {
            "k": k_threshold(access.cluster),
            "measures": [{"measure": item.pk, **_impact(item)} for item in found if item.kind == "measure"],
            "activities": [
                {"activity": item.pk, **_impact(item)} for item in found if item.kind == "activity"
            ],
        }


def _impact(item: Any) -> dict[str, Any]:
    return {
        "title": item.title,
        "before_round": item.impact.before.pk if item.impact.before else None,
        "after_round": item.impact.after.pk if item.impact.after else None,
        "reason": item.impact.reason,
        "areas": [
            {
                "area": row.code,
                "before_participants": _group(row.before_participants),
                "after_participants": _group(row.after_participants),
                "before_others": _group(row.before_others),
                "after_others": _group(row.after_others),
                "difference_in_differences": None if row.did.suppressed else row.did.value,
                "hidden_reason": row.reason,
            }
            for row in item.impact.areas
        ],
    }
