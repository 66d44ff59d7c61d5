"""API: the collaboration pipeline (issue 15, item 5). The same door, selectors and services as the
pages: the cluster team and its advisors create and change opportunities, the board reads them,
a company role reads those its company is involved in (its own company only among the members,
and no history). Partners are directory ids (GET /landscape/clusters), members org numbers,
the responsible person an email address of a manager, staff member or advisor of the cluster."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts.access import ClusterAccess
from klyngekart.api.clusters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, cluster_scope, page_of
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.collaborations import selectors, services
from klyngekart.collaborations.access import access_opportunity
from klyngekart.collaborations.models import Opportunity
from klyngekart.landscape.models import ClusterProfile
from klyngekart.members.models import Membership
from klyngekart.members.validators import normalise_org_number

router = Router(tags=["collaborations"])

Stage_ = Literal["idea", "contacted", "meeting", "joint_project", "completed", "dropped"]
BASE = "/clusters/{slug}/collaborations"
ONE = BASE + "/{opportunity_id}"


class CollaborationPartnerOut(Schema):
    id: int = Field(description="The cluster's id in the landscape (GET /landscape/clusters/{id}).")
    name: str
    country: str


class CollaborationMemberOut(Schema):
    org_number: str | None
    name: str = Field(description="The name this cluster records for the company.")


class CollaborationPersonOut(Schema):
    name: str
    email: str


class CollaborationEventOut(Schema):
    kind: Literal["created", "stage", "next_step", "note", "edited", "reminded"]
    at: dt.datetime
    by: str | None = Field(description="Who did it; null for the system (a reminder).")
    from_stage: Stage_ | None
    to_stage: Stage_ | None
    text: str = Field(description="A note's text, the next step as set, or whom a reminder went to.")
    on: dt.date | None = Field(description="The next step's date, as set or reminded.")
    fields: list[str] = Field(description="For an edit: the fields that changed.")


class CollaborationOut(Schema):
    id: int
    title: str
    description: str
    stage: Stage_
    partners: list[CollaborationPartnerOut]
    members: list[CollaborationMemberOut] = Field(
        description="The involved member companies; for a company role its own company only."
    )
    next_step: str
    next_step_on: dt.date | None
    overdue: bool = Field(description="The next step's date has passed and the opportunity is open.")
    responsible: CollaborationPersonOut | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CollaborationDetailOut(CollaborationOut):
    history: list[CollaborationEventOut] = Field(
        description="Every change, the newest first; empty for a company role (the notes are the team's)."
    )


class CollaborationPage(Schema):
    items: list[CollaborationOut]
    count: int
    page: int
    page_size: int


class CollaborationFilters(Schema):
    stage: Stage_ | Literal[""] = ""
    country: str = Field("", description="A partner's country (ISO code).", max_length=2)
    overdue: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CollaborationIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    partners: list[int] = Field(description="Landscape ids, at least one.")
    members: list[str] = Field(default_factory=list, description="Org numbers of current member companies.")
    stage: Stage_ = "idea"
    next_step: str = Field("", max_length=300)
    next_step_on: dt.date | None = None
    responsible: str | None = Field(None, description="Email of a manager, staff member or advisor.")


class CollaborationPatch(Schema):
    """Fields left out stay as they are; null clears the next step, its date and the responsible
    person. ``note`` adds a note to the history."""

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    partners: list[int] | None = None
    members: list[str] | None = None
    stage: Stage_ | None = None
    next_step: str | None = Field(None, max_length=300)
    next_step_on: dt.date | None = None
    responsible: str | None = None
    note: str | None = Field(None, max_length=5000)


def _refuse(field: str, message: str) -> ApiValidationError:
    return ApiValidationError(ValidationError({field: message}), payload_loc)


def _resolve(access: ClusterAccess, data: dict[str, Any]) -> dict[str, Any]:
    """The request's ids, org numbers and address as the objects the services take; anything
    unknown (or another cluster's) is a 422 on its field."""
    if "partners" in data:
        ids = list(dict.fromkeys(data["partners"] or []))
        profiles = list(ClusterProfile.objects.filter(pk__in=ids))
        if len(profiles) != len(ids):
            raise _refuse("partners", "No such cluster in the landscape.")
        data["partners"] = profiles
    if "members" in data:
        numbers = [normalise_org_number(value) or value for value in data["members"] or []]
        found = {
            m.company.org_number: m
            for m in Membership.objects.filter(
                cluster=access.cluster, company__org_number__in=numbers
            ).select_related("company")
        }
        if any(number not in found for number in numbers):
            raise _refuse("members", "No member company of this cluster has this org number.")
        data["members"] = [found[number] for number in numbers]
    if "responsible" in data and data["responsible"] is not None:
        person = (
            services.responsible_candidates(access.cluster).filter(email__iexact=data["responsible"]).first()
        )
        if person is None:
            raise _refuse(
                "responsible", "No manager, staff member or advisor of this cluster has this address."
            )
        data["responsible"] = person
    return data


def _item(access: ClusterAccess, opportunity: Opportunity) -> dict[str, Any]:
    # Prefetched by the list's selector; a single read prefetches the same way (_one).
    members = [
        m
        for m in opportunity.members.all()
        if not access.is_company_role or m.company_id in access.company_ids
    ]
    responsible = opportunity.responsible
    return {
        "id": opportunity.pk,
        "title": opportunity.title,
        "description": opportunity.description,
        "stage": opportunity.stage,
        "partners": [{"id": p.pk, "name": p.name, "country": p.country} for p in opportunity.partners.all()],
        "members": [{"org_number": m.company.org_number, "name": m.name} for m in members],
        "next_step": opportunity.next_step,
        "next_step_on": opportunity.next_step_on,
        "overdue": opportunity.overdue,
        "responsible": {"name": responsible.full_name or responsible.email, "email": responsible.email}
        if responsible
        else None,
        "created_at": opportunity.created_at,
        "updated_at": opportunity.updated_at,
    }


def _one(access: ClusterAccess, opportunity_id: int) -> dict[str, Any]:
    opportunity = access_opportunity(access, opportunity_id)
    listed = selectors.opportunity_list(access).get(pk=opportunity.pk)
    history = (
        []
        if access.is_company_role
        else [
            {
                "kind": event.kind,
                "at": event.created_at,
                "by": (event.actor.full_name or event.actor.email) if event.actor else None,
                "from_stage": event.from_stage or None,
                "to_stage": event.to_stage or None,
                "text": event.text,
                "on": event.on,
                "fields": list(event.fields or []),
            }
            for event in selectors.history(opportunity)
        ]
    )
    return {**_item(access, listed), "history": history}


@router.get(
    BASE,
    response={200: CollaborationPage, **ERROR_RESPONSES},
    summary="The collaboration pipeline",
    description=(
        "The opportunities the role may see, 50 a page: the open ones first, the nearest next step "
        "first. Filters as on the page: `stage`, `country` (a partner's), `overdue`."
    ),
)
def collaboration_list(
    request: HttpRequest, slug: str, filters: Query[CollaborationFilters]
) -> dict[str, Any]:
    with cluster_scope(request, slug, "collaborations.view") as access:
        chosen = selectors.Filters(
            stage=filters.stage, country=filters.country.upper(), overdue=filters.overdue
        )
        queryset = selectors.opportunity_list(access, chosen)
        rows, count = page_of(queryset, page=filters.page, page_size=filters.page_size)
        return {
            "items": [_item(access, row) for row in rows],
            "count": count,
            "page": filters.page,
            "page_size": filters.page_size,
        }


@router.post(
    BASE,
    response={201: CollaborationDetailOut, **ERROR_RESPONSES},
    summary="Add a collaboration opportunity",
    description=(
        "For managers, staff and advisors. At least one partner; members must be current members "
        "of the cluster; a next step's date needs the step and cannot be in the past."
    ),
)
def collaboration_create(request: HttpRequest, slug: str, payload: CollaborationIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "collaborations.manage") as access:
        data = _resolve(access, payload.model_dump())
        try:
            opportunity = services.opportunity_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                data=data,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _one(access, opportunity.pk))


@router.get(
    ONE,
    response={200: CollaborationDetailOut, **ERROR_RESPONSES},
    summary="A collaboration opportunity with its history",
)
def collaboration_get(request: HttpRequest, slug: str, opportunity_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "collaborations.view") as access:
        return _one(access, opportunity_id)


@router.patch(
    ONE,
    response={200: CollaborationDetailOut, **ERROR_RESPONSES},
    summary="Change a collaboration opportunity",
    description=(
        "For managers, staff and advisors. Only the fields sent change, and each kind of change "
        "(stage, next step, other fields, a note) is an entry in the history. Moving to completed "
        "or dropped clears the next step."
    ),
)
def collaboration_patch(
    request: HttpRequest, slug: str, opportunity_id: int, payload: CollaborationPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "collaborations.manage") as access:
        opportunity = access_opportunity(access, opportunity_id)
        data = _resolve(access, payload.model_dump(exclude_unset=True))
        for name in ("title", "stage"):
            if name in data and data[name] is None:
                raise _refuse(name, "This field cannot be empty.")
        try:
            services.opportunity_update(
                opportunity=opportunity,
                actor=request.auth,  # type: ignore[attr-defined]
                data=data,
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return _one(access, opportunity.pk)
