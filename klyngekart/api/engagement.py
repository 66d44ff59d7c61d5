"""API: each member company's engagement score with its parts, read from the kept table (the same
selectors and permission as the page). The parts come from registrations, check-ins, interests,
strategies and round counters, never from survey answers. The settings are the weights and targets
the page shows and the manager's weights page changes (engagement.services, audited)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from klyngekart.api.clusters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, cluster_scope, page_of
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.engagement import selectors, services
from klyngekart.engagement.models import EngagementScore, EngagementSettings

router = Router(tags=["engagement"])


class PartsOut(Schema):
    strategy: float = Field(description="1 with a submitted strategy for this year or last year, else 0.")
    response: float | None = Field(
        description="Response rate in the mapping rounds of the period (null: no such round)."
    )
    registered: float
    attended: float
    feedback: float
    measures: float


class CountsOut(Schema):
    invited: int = Field(description="Personal invitations to the period's mapping rounds.")
    completed: int = Field(description="Answers completed in those rounds (the rounds' counters).")
    registered: int
    attended: int
    feedback: int
    measures: int


class EngagementOut(Schema):
    org_number: str | None
    name: str
    score: int = Field(description="0 to 100 over the last twelve months.")
    score_six_months_ago: int | None
    parts: PartsOut = Field(description="Each part from 0 to 1, before the weights.")
    counts: CountsOut
    at_risk: bool
    champion: bool
    last_participation: str | None


class EngagementPage(Schema):
    items: list[EngagementOut]
    count: int
    page: int
    page_size: int


class EngagementFilters(Schema):
    show: Literal["all", "at_risk", "champions"] = "all"
    size_class: Literal["", "micro", "small", "medium", "large"] = ""
    sort: Literal["-score", "score", "name", "-name"] = "-score"
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _item(row: EngagementScore, cutoff: int | None) -> dict[str, Any]:
    return {
        "org_number": row.membership.company.org_number,
        "name": row.name,
        "score": row.score,
        "score_six_months_ago": row.score_before,
        "parts": row.parts,
        "counts": {
            "invited": row.invited,
            "completed": row.completed,
            "registered": row.registered,
            "attended": row.attended,
            "feedback": row.feedback,
            "measures": row.measures,
        },
        "at_risk": row.at_risk,
        "champion": cutoff is not None and row.score >= cutoff,
        "last_participation": row.last_participation.isoformat() if row.last_participation else None,
    }


@router.get(
    "/clusters/{slug}/engagement",
    response={200: EngagementPage, **ERROR_RESPONSES},
    summary="Engagement per member company",
    description=(
        "The score (0–100) of each active member over the last twelve months with its parts, "
        "whether the member is at risk (no participation for six months, or a fall larger than the "
        "cluster's threshold) and whether it is a champion (the top tenth, score 70 or more)."
    ),
)
def engagement_list(request: HttpRequest, slug: str, filters: Query[EngagementFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "engagement.view") as access:
        cutoff = selectors.champion_cutoff(access.cluster)
        queryset = selectors.score_list(
            access.cluster, show=filters.show, size_class=filters.size_class, sort=filters.sort, cutoff=cutoff
        )
        rows, count = page_of(
            queryset.select_related("membership__company"), page=filters.page, page_size=filters.page_size
        )
        return {
            "items": [_item(row, cutoff) for row in rows],
            "count": count,
            "page": filters.page,
            "page_size": filters.page_size,
        }


class EngagementSettingsOut(Schema):
    weight_strategy: int = Field(
        description="How much each part counts (0-100); the score divides by their sum."
    )
    weight_response: int
    weight_registered: int
    weight_attended: int
    weight_feedback: int
    weight_measures: int
    target_registered: int = Field(description="How many give the full part (1-50).")
    target_attended: int
    target_feedback: int
    target_measures: int
    falling_points: int = Field(description="A fall larger than this (1-100) puts a member at risk.")


class EngagementSettingsIn(Schema):
    """Fields left out stay as they are."""

    weight_strategy: int | None = None
    weight_response: int | None = None
    weight_registered: int | None = None
    weight_attended: int | None = None
    weight_feedback: int | None = None
    weight_measures: int | None = None
    target_registered: int | None = None
    target_attended: int | None = None
    target_feedback: int | None = None
    target_measures: int | None = None
    falling_points: int | None = None


def _settings_out(item: EngagementSettings) -> dict[str, Any]:
    return {name: getattr(item, name) for name in services.SETTINGS_FIELDS}


@router.get(
    "/clusters/{slug}/engagement/settings",
    response={200: EngagementSettingsOut, **ERROR_RESPONSES},
    summary="The weights and targets of the engagement score",
    description="As the engagement page shows them (the defaults until the manager changes them).",
)
def engagement_settings_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "engagement.view") as access:
        return _settings_out(selectors.settings_of(access.cluster))


@router.patch(
    "/clusters/{slug}/engagement/settings",
    response={200: EngagementSettingsOut, **ERROR_RESPONSES},
    summary="Change the weights and targets of the engagement score",
    description=(
        "For the manager, as the weights page. Only the fields given change; at least one weight must "
        "stay above zero. The change is audited and every score is worked out again."
    ),
)
def engagement_settings_patch(
    request: HttpRequest, slug: str, payload: EngagementSettingsIn
) -> dict[str, Any]:
    with cluster_scope(request, slug, "engagement.settings") as access:
        try:
            item = services.engagement_settings_update(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=payload.model_dump(exclude_unset=True),
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _settings_out(item)
