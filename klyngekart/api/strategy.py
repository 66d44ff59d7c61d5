"""API: a member company's membership strategy for a year. The same access functions, services
and rules as the pages: a company contact reads and writes its own company's strategy; the
cluster team (and advisors) may read any member's. See klyngekart/api/api.py for conventions."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts.access import ClusterAccess
from klyngekart.activities.access import own_memberships
from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, ErrorOut
from klyngekart.members.access import access_membership_by_org_number
from klyngekart.members.models import Membership
from klyngekart.needs import selectors, services
from klyngekart.needs.models import MembershipStrategy, StrategyStatus

router = Router(tags=["strategy"])

GoalCode = Literal[
    "competence", "network", "rd_innovation", "market_access", "international", "recruitment", "visibility"
]
PATH = "/clusters/{slug}/members/{org_number}/strategy/{year}"


class StrategyOut(Schema):
    org_number: str
    company: str
    year: int
    exists: bool = Field(
        description="False for a strategy not written yet (only its company's contact sees it)."
    )
    status: Literal["draft", "submitted"]
    locked: bool = Field(description="The cluster has locked the year: the strategy can no longer change.")
    submitted_at: datetime.datetime | None
    goal_categories: list[str]
    goals_text: str
    expectations: str
    priority_areas: list[str] = Field(description="Competence area codes of the cluster's taxonomy.")
    involved: str
    review_goals_reached: Literal["", "yes", "partly", "no"]
    review_value: int | None = Field(description="Value of the membership, 1 to 5.")
    review_text: str


class StrategyIn(Schema):
    """Fields left out stay as they are. ``status: "submitted"`` submits the strategy."""

    goal_categories: list[GoalCode] | None = None
    goals_text: str | None = None
    expectations: str | None = None
    priority_areas: list[str] | None = Field(None, description="Area codes, see GET .../taxonomy.")
    involved: str | None = None
    review_goals_reached: Literal["", "yes", "partly", "no"] | None = None
    review_value: int | None = Field(None, ge=1, le=5)
    review_text: str | None = None
    status: Literal["draft", "submitted"] | None = None


class StrategyFilters(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100, description="Left out: this year.")
    status: Literal["submitted", "draft", "missing"] | None = None


class StrategyItemOut(Schema):
    org_number: str
    company: str
    year: int
    status: Literal["submitted", "draft", "missing"] = Field(description="missing: not written yet.")
    locked: bool
    submitted_at: datetime.datetime | None
    goal_categories: list[str]
    priority_areas: list[str]


class StrategyPage(Schema):
    items: list[StrategyItemOut]
    count: int
    page: int
    page_size: int


def _item(membership: Membership, year: int, strategy: MembershipStrategy | None, locked: bool) -> dict:
    return {
        "org_number": membership.company.org_number or "",
        "company": membership.name,
        "year": year,
        "status": strategy.status if strategy else "missing",
        "locked": locked,
        "submitted_at": strategy.submitted_at if strategy else None,
        "goal_categories": list(strategy.goal_categories) if strategy else [],
        "priority_areas": list(strategy.priority_areas) if strategy else [],
    }


@router.get(
    "/clusters/{slug}/strategies",
    response={200: StrategyPage, **ERROR_RESPONSES},
    summary="The membership strategies of a year",
    description=(
        "For the cluster team, advisors and the board, the strategy overview: every active member "
        "(and any other with a strategy that year) with its strategy's status, goals and priority "
        "areas. A company contact gets its own companies only. `status` is submitted, draft or "
        "missing (not written yet)."
    ),
)
def strategy_list(request: HttpRequest, slug: str, filters: Query[StrategyFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "strategy.home") as access:
        year = filters.year or timezone.localdate().year
        if not services.year_is_valid(year):
            raise ApiValidationError(
                ValidationError({"year": _("Choose a year the strategies can be written for.")}),
                lambda key: ["query", key],
            )
        locked = services.year_is_locked(cluster=access.cluster, year=year)
        if access.can("strategy.view"):
            pairs = [
                (row.membership, row.strategy)
                for row in selectors.strategy_overview(cluster=access.cluster, year=year).rows
            ]
        else:
            # A company contact: its own companies, as its strategy page lists them.
            pairs = [
                (membership, selectors.strategy_for(membership=membership, year=year))
                for membership in own_memberships(access)
            ]
        rows = [
            (membership, strategy)
            for membership, strategy in pairs
            if not filters.status or (strategy.status if strategy else "missing") == filters.status
        ]
        return paged(rows, filters, lambda pair: _item(pair[0], year, pair[1], locked))


def _out(
    access: ClusterAccess, membership: Membership, year: int, strategy: MembershipStrategy | None
) -> dict:
    empty = MembershipStrategy(membership=membership, year=year)
    shown = strategy or empty
    return {
        "org_number": membership.company.org_number or "",
        "company": membership.name,
        "year": year,
        "exists": strategy is not None,
        "status": shown.status,
        "locked": services.year_is_locked(cluster=access.cluster, year=year),
        "submitted_at": shown.submitted_at,
        "goal_categories": list(shown.goal_categories),
        "goals_text": shown.goals_text,
        "expectations": shown.expectations,
        "priority_areas": list(shown.priority_areas),
        "involved": shown.involved,
        "review_goals_reached": shown.review_goals_reached,
        "review_value": shown.review_value,
        "review_text": shown.review_text,
    }


def _loc(key: str) -> list[str | int]:
    if key == "year":
        return ["path", "year"]
    return ["body", "payload"] if key == NON_FIELD_ERRORS else ["body", "payload", key]


class StrategyYearOut(Schema):
    year: int
    locked: bool = Field(description="The strategies of the year can no longer change.")


def _year_or_422(year: int) -> None:
    """The years the page's lock and unlock offer (2000 to next year)."""
    if not services.year_is_valid(year):
        error = ValidationError(
            {
                "year": _("Choose a year from %(first)s to %(last)s.")
                % {"first": services.MIN_YEAR, "last": services.max_year()}
            }
        )
        raise ApiValidationError(error, _loc)


@router.post(
    "/clusters/{slug}/strategies/{year}/lock",
    response={200: StrategyYearOut, **ERROR_RESPONSES},
    summary="Lock a year's membership strategies",
    description=(
        "For the cluster team, as the lock on the strategy overview: no company can change its strategy "
        "for the year any more (a write is then 409). Locking a locked year changes nothing. Audited."
    ),
)
def strategy_year_lock(request: HttpRequest, slug: str, year: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "strategy.lock") as access:
        _year_or_422(year)
        services.strategy_year_lock(cluster=access.cluster, year=year, actor=request.auth)  # type: ignore[attr-defined]
        return {"year": year, "locked": services.year_is_locked(cluster=access.cluster, year=year)}


@router.post(
    "/clusters/{slug}/strategies/{year}/unlock",
    response={200: StrategyYearOut, **ERROR_RESPONSES},
    summary="Open a locked year's membership strategies again",
    description=(
        "For the cluster team, as on the strategy overview: the companies can change their strategies "
        "for the year again. Opening an open year changes nothing. Audited."
    ),
)
def strategy_year_unlock(request: HttpRequest, slug: str, year: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "strategy.lock") as access:
        _year_or_422(year)
        services.strategy_year_unlock(cluster=access.cluster, year=year, actor=request.auth)  # type: ignore[attr-defined]
        return {"year": year, "locked": services.year_is_locked(cluster=access.cluster, year=year)}


@router.get(
    PATH,
    response={200: StrategyOut, **ERROR_RESPONSES},
    summary="A member company's membership strategy for a year",
    description=(
        "A company contact reads its own company's strategy; for a year not written yet it gets an "
        "empty draft (`exists: false`). The cluster team and advisors read any member's; a strategy "
        "that does not exist is then 404."
    ),
)
def strategy_get(request: HttpRequest, slug: str, org_number: str, year: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "strategy.view_own") as access:
        membership = access_membership_by_org_number(access, org_number, "strategy.view_own")
        if not services.year_is_valid(year):
            raise Http404("No such year")
        strategy = selectors.strategy_for(membership=membership, year=year)
        if strategy is None and not access.can("strategy.edit_own"):
            raise Http404("No strategy")
        return _out(access, membership, year, strategy)


@router.put(
    PATH,
    response={200: StrategyOut, 409: ErrorOut, **ERROR_RESPONSES},
    summary="Write a member company's membership strategy for a year",
    description=(
        "For the company's contact. Creates the strategy as a draft if there is none, changes the "
        'fields given, and submits it with `"status": "submitted"` (at least one goal is needed). '
        "A submitted strategy stays editable until the cluster locks the year; then the answer is "
        "409."
    ),
)
def strategy_put(
    request: HttpRequest, slug: str, org_number: str, year: int, payload: StrategyIn
) -> Status[dict[str, Any]] | dict[str, Any]:
    with cluster_scope(request, slug, "strategy.edit_own") as access:
        membership = access_membership_by_org_number(access, org_number, "strategy.edit_own")
        data = payload.model_dump(exclude_unset=True)
        status = data.pop("status", None)
        existing = selectors.strategy_for(membership=membership, year=year)
        if status == StrategyStatus.DRAFT and existing and existing.status == StrategyStatus.SUBMITTED:
            error = ValidationError({"status": _("A submitted strategy cannot go back to being a draft.")})
            raise ApiValidationError(error, _loc)
        codes = [area.code for area in selectors.current_areas(access.cluster)]
        try:
            strategy = services.strategy_save(
                membership=membership,
                year=year,
                actor=request.auth,  # type: ignore[attr-defined]
                data=data,
                area_codes=codes,
                submit=status == StrategyStatus.SUBMITTED,
            )
        except services.StrategyLocked as error:
            return Status(409, {"detail": " ".join(error.messages)})
        except ValidationError as error:
            raise ApiValidationError(error, _loc) from error
        return _out(access, membership, year, strategy)
