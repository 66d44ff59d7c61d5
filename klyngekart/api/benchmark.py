"""API: the benchmarking self-assessment, as its page shows it (indicators by area with value,
source and the peers' median and quartiles, and the label readiness checklist), and the manager's
entries (PUT: the manual values and the checklist's facts; the platform's are computed)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.benchmark import selectors, services

router = Router(tags=["benchmarking"])
PATH = "/clusters/{slug}/benchmark"


class PeersOut(Schema):
    count: int = Field(description="Peers with a value (at least five, or the figures are null).")
    q1: float
    median: float
    q3: float


class IndicatorOut(Schema):
    key: str
    name: str
    definition: str
    unit: Literal["count", "percent", "fte", "years", "nok", "score"]
    source: Literal["platform", "manual"]
    value: float | None = Field(description="null: not entered, not measurable yet, or hidden below k.")
    peers: PeersOut | None = Field(description="null with fewer than five peers with a value.")


class BenchmarkAreaOut(Schema):
    key: Literal["structure", "management", "financing", "services", "cooperation", "achievements"]
    name: str
    indicators: list[IndicatorOut]


class CheckOut(Schema):
    key: str
    label: str
    status: Literal["met", "not_met", "unknown", "soon"]
    detail: str


class ProfileOut(Schema):
    eccp_listed: bool
    measurable_goals: bool
    annual_plan: bool
    label: Literal["", "bronze", "silver", "gold"]
    label_valid_until: datetime.date | None


class BenchmarkOut(Schema):
    areas: list[BenchmarkAreaOut]
    checklist: list[CheckOut]
    profile: ProfileOut
    peer_count: int = Field(description="Other clusters on the installation with a snapshot.")


class BenchmarkIn(Schema):
    values: dict[str, float | None] = Field(
        default_factory=dict,
        description="{manual indicator key: value, or null to clear}; others are refused.",
    )
    eccp_listed: bool | None = None
    measurable_goals: bool | None = None
    annual_plan: bool | None = None
    label: Literal["", "bronze", "silver", "gold"] | None = None
    label_valid_until: datetime.date | None = None


def _loc(key: str) -> list[str | int]:
    if key == NON_FIELD_ERRORS:
        return ["body", "payload"]
    if key in services.PROFILE_FIELDS:
        return ["body", "payload", key]
    return ["body", "payload", "values", key]


@router.get(PATH, response={200: BenchmarkOut, **ERROR_RESPONSES}, summary="The benchmarking self-assessment")
def benchmark_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "benchmark.view") as access:
        services.snapshot_refresh(access.cluster)
        return selectors.as_json(selectors.assessment(access.cluster))


@router.put(
    PATH,
    response={200: BenchmarkOut, **ERROR_RESPONSES},
    summary="Enter the self-assessment's values and checklist facts",
    description="Only the fields given change. A label needs its valid-until date.",
)
def benchmark_put(request: HttpRequest, slug: str, payload: BenchmarkIn) -> dict[str, Any]:
    with cluster_scope(request, slug, "benchmark.change") as access:
        given = payload.model_dump(exclude_unset=True)
        profile = {key: given[key] for key in services.PROFILE_FIELDS if key in given}
        try:
            services.assessment_save(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                values=given.get("values", {}),
                profile=profile,
            )
        except ValidationError as error:
            raise ApiValidationError(error, _loc) from error
        return selectors.as_json(selectors.assessment(access.cluster))
