"""API: the cluster's people and roles, for its managers, as the people page shows and changes
them: the cluster team's roles, the roles this cluster granted in its member companies, and the
open invitations. A person is one user, with at most one role in the cluster team and any number
of company roles. The accounts app's services do every change (audited), with the page's rules:
the last manager stays a manager, and a company role is this cluster's only."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.accounts import selectors, services
from klyngekart.accounts.membership import company_name
from klyngekart.accounts.models import ClusterRole, CompanyRole
from klyngekart.api.clusters import PageQuery, cluster_scope, paged
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError
from klyngekart.core.models import Cluster
from klyngekart.members import roles
from klyngekart.members.validators import normalise_org_number

router = Router(tags=["people"])
PEOPLE = "/clusters/{slug}/people"
PERSON = PEOPLE + "/{person_id}"
INVITATIONS = "/clusters/{slug}/invitations"
TeamRole = Literal["manager", "staff", "advisor", "board"]
CompanyRoleName = Literal["contact", "member"]


class PersonCompanyRoleOut(Schema):
    org_number: str
    company: str = Field(description="The company's name as this cluster records it.")
    role: CompanyRoleName


class PersonOut(Schema):
    id: int
    name: str
    email: str
    role: TeamRole | None = Field(description="The person's role in the cluster team, if any.")
    companies: list[PersonCompanyRoleOut] = Field(
        description="Roles this cluster granted in its member companies."
    )


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    page: int
    page_size: int


class PeopleFilters(PageQuery):
    q: str = Field("", max_length=200, description="Matches name or email address.")
    role: TeamRole | CompanyRoleName | None = None


class PersonPatch(Schema):
    role: TeamRole = Field(description="The new role in the cluster team.")


class RoleInvitationOut(Schema):
    id: int
    email: str
    role: TeamRole | CompanyRoleName
    org_number: str | None
    company: str | None
    expires_at: datetime.datetime
    expired: bool
    created_at: datetime.datetime


class RoleInvitationPage(Schema):
    items: list[RoleInvitationOut]
    count: int
    page: int
    page_size: int


class RoleInvitationIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    role: TeamRole | CompanyRoleName
    org_number: str | None = Field(None, description="Only for a company role: the member company.")


def _loc(key: str) -> list[str | int]:
    renamed = {"company": "org_number"}
    return ["body", "payload"] if key == NON_FIELD_ERRORS else ["body", "payload", renamed.get(key, key)]


def _people(cluster: Cluster) -> dict[int, dict[str, Any]]:
    """Everyone with a role in the cluster, by user id, in the page's order (team first)."""
    people: dict[int, dict[str, Any]] = {}

    def person(user: Any) -> dict[str, Any]:
        return people.setdefault(
            user.pk,
            {"id": user.pk, "name": user.full_name, "email": user.email, "role": None, "companies": []},
        )

    for team_role in selectors.cluster_roles(cluster=cluster):
        person(team_role.user)["role"] = team_role.role
    for company_role in roles.company_roles(cluster=cluster):
        person(company_role.user)["companies"].append(
            {
                "org_number": company_role.company.org_number or company_role.company.identifier,
                "company": company_role.company_name,  # type: ignore[attr-defined]
                "role": company_role.role,
            }
        )
    return people


def _person(cluster: Cluster, person_id: int) -> dict[str, Any]:
    found = _people(cluster).get(person_id)
    if found is None:
        raise Http404("No such person")
    return found


def _team_role(cluster: Cluster, person_id: int) -> ClusterRole:
    role = selectors.cluster_roles(cluster=cluster).filter(user_id=person_id).first()
    if role is None:
        raise Http404("No such role")
    return role


def _company_role(cluster: Cluster, person_id: int, org_number: str) -> CompanyRole:
    digits = normalise_org_number(org_number)
    role = (
        roles.company_roles(cluster=cluster).filter(user_id=person_id, company__org_number=digits).first()
        if digits
        else None
    )
    if role is None:
        raise Http404("No such role")
    return role


@router.get(
    PEOPLE,
    response={200: PersonPage, **ERROR_RESPONSES},
    summary="The cluster's people and their roles",
    description=(
        "The cluster team and the people of member companies with a role this cluster granted. "
        "`role` keeps those with that role (in the team or in a company); `q` matches name or email."
    ),
)
def people_list(request: HttpRequest, slug: str, filters: Query[PeopleFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "people.manage") as access:
        needle = filters.q.strip().lower()
        rows = [
            person
            for person in _people(access.cluster).values()
            if (not needle or needle in person["name"].lower() or needle in person["email"].lower())
            and (
                filters.role is None
                or person["role"] == filters.role
                or any(company["role"] == filters.role for company in person["companies"])
            )
        ]
        return paged(rows, filters, lambda person: person)


@router.get(PERSON, response={200: PersonOut, **ERROR_RESPONSES}, summary="A person and their roles")
def person_get(request: HttpRequest, slug: str, person_id: int) -> dict[str, Any]:
    with cluster_scope(request, slug, "people.manage") as access:
        return _person(access.cluster, person_id)


@router.patch(
    PERSON,
    response={200: PersonOut, **ERROR_RESPONSES},
    summary="Change a person's role in the cluster team",
    description=(
        "For someone in the cluster team; anyone else is invited (`POST .../invitations`). The "
        "cluster's only manager stays manager until someone else is (422). Audited."
    ),
)
def person_patch(request: HttpRequest, slug: str, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    with cluster_scope(request, slug, "people.manage") as access:
        _person(access.cluster, person_id)
        role = selectors.cluster_roles(cluster=access.cluster).filter(user_id=person_id).first()
        if role is None:
            error = ValidationError(
                {"role": _("This person is not in the cluster team. Invite them to give them a role.")}
            )
            raise ApiValidationError(error, _loc)
        try:
            services.cluster_role_change(role=role, new_role=payload.role, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, _loc) from error
        return _person(access.cluster, person_id)


@router.delete(
    PERSON + "/team-role",
    response={204: None, **ERROR_RESPONSES},
    summary="Remove a person from the cluster team",
    description="The cluster's only manager cannot be removed (422). Audited.",
)
def team_role_remove(request: HttpRequest, slug: str, person_id: int) -> Status[None]:
    with cluster_scope(request, slug, "people.manage") as access:
        role = _team_role(access.cluster, person_id)
        try:
            services.cluster_role_remove(role=role, actor=request.auth)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "person_id"]) from error
        return Status(204, None)


@router.delete(
    PERSON + "/companies/{org_number}",
    response={204: None, **ERROR_RESPONSES},
    summary="Remove a person's role in a member company",
    description=(
        "Ends the role this cluster granted; a role the person holds for the same company in "
        "another cluster stays. Audited."
    ),
)
def company_role_remove(request: HttpRequest, slug: str, person_id: int, org_number: str) -> Status[None]:
    with cluster_scope(request, slug, "people.manage") as access:
        role = _company_role(access.cluster, person_id, org_number)
        services.company_role_remove(company_role=role, actor=request.auth)  # type: ignore[attr-defined]
        return Status(204, None)


def _invitation(invitation: Any) -> dict[str, Any]:
    company = invitation.company
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "role": invitation.role,
        "org_number": (company.org_number or company.identifier) if company else None,
        # The list carries the name this cluster records (open_invitations); one invitation asks.
        "company": (
            getattr(invitation, "company_name", None)
            or company_name(invitation.cluster_id, company.pk, company.identifier)
        )
        if company
        else None,
        "expires_at": invitation.expires_at,
        "expired": not invitation.is_open,
        "created_at": invitation.created_at,
    }


@router.get(
    INVITATIONS,
    response={200: RoleInvitationPage, **ERROR_RESPONSES},
    summary="Open invitations",
    description="Not yet accepted or withdrawn, newest first; expired ones too, so they can be sent again.",
)
def invitation_list(request: HttpRequest, slug: str, query: Query[PageQuery]) -> dict[str, Any]:
    with cluster_scope(request, slug, "people.manage") as access:
        return paged(roles.open_invitations(cluster=access.cluster), query, _invitation)


@router.post(
    INVITATIONS,
    response={201: RoleInvitationOut, **ERROR_RESPONSES},
    summary="Invite someone to a role",
    description=(
        "Mails a link that is valid for 14 days. A company role (contact, member) needs the org "
        "number of an active member company; a cluster team role none. Audited."
    ),
)
def invitation_create(request: HttpRequest, slug: str, payload: RoleInvitationIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "people.manage") as access:
        company = None
        if payload.org_number:
            digits = normalise_org_number(payload.org_number)
            company = (
                roles.member_companies(cluster=access.cluster).filter(org_number=digits).first()
                if digits
                else None
            )
            if company is None:
                error = ValidationError(
                    {"company": _("The company is not an active member of this cluster.")}
                )
                raise ApiValidationError(error, _loc)
        try:
            invitation, _secret = services.invitation_create(
                cluster=access.cluster,
                email=payload.email,
                role=payload.role,
                company=company,
                invited_by=request.auth,  # type: ignore[attr-defined]
            )
        except ValidationError as error:
            raise ApiValidationError(error, _loc) from error
        return Status(201, _invitation(invitation))


def _invitation_action(
    request: HttpRequest, slug: str, role_invitation_id: int, *, revoke: bool
) -> dict[str, Any]:
    with cluster_scope(request, slug, "people.manage") as access:
        invitation = selectors.access_invitation(cluster=access.cluster, pk=role_invitation_id)
        actor = request.auth  # type: ignore[attr-defined]
        try:
            if revoke:
                services.invitation_revoke(invitation=invitation, actor=actor)
            else:
                services.invitation_resend(invitation=invitation, actor=actor)
        except ValidationError as error:
            raise ApiValidationError(error, lambda _key: ["path", "role_invitation_id"]) from error
        return _invitation(invitation)


@router.post(
    INVITATIONS + "/{role_invitation_id}/revoke",
    response={200: RoleInvitationOut, **ERROR_RESPONSES},
    summary="Withdraw an invitation",
    description=(
        "Its link stops working. Withdrawing again changes nothing; an accepted invitation cannot "
        "be withdrawn (422). Audited."
    ),
)
def invitation_revoke(request: HttpRequest, slug: str, role_invitation_id: int) -> dict[str, Any]:
    return _invitation_action(request, slug, role_invitation_id, revoke=True)


@router.post(
    INVITATIONS + "/{role_invitation_id}/resend",
    response={200: RoleInvitationOut, **ERROR_RESPONSES},
    summary="Send an invitation again",
    description=(
        "With a new link and a fresh 14 days; the old link stops working. Only an open invitation "
        "(expired included) can be sent again (422). Audited."
    ),
)
def invitation_resend(request: HttpRequest, slug: str, role_invitation_id: int) -> dict[str, Any]:
    return _invitation_action(request, slug, role_invitation_id, revoke=False)
