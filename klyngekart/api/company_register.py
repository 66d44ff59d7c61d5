"""Enhetsregisteret through the API: look a company up by org number, and refresh a member from
it (the page's "Oppdater fra Enhetsregisteret", with ``dry_run`` as its confirm step). Thin: the
members app's register client, selectors and services do the work, with the pages' permissions."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from klyngekart.api.clusters import cluster_scope
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, ErrorOut
from klyngekart.api.member_schemas import MemberDetailOut, contact_item, member_item
from klyngekart.members import register
from klyngekart.members.access import access_membership_by_org_number
from klyngekart.members.selectors import register_differences
from klyngekart.members.services import company_register_refresh

router = Router(tags=["members"])

FactName = Literal["name", "nace_code", "employees", "municipality", "region", "website"]
REGISTER_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 503: ErrorOut}


class RegisterEntryOut(Schema):
    org_number: str
    status: str = Field(description="active, winding_up, forced_dissolution, bankrupt or deleted.")
    status_on: datetime.date | None = Field(description="The date of the deletion, bankruptcy or winding-up.")
    name: str
    legal_form: str
    nace_code: str = Field(description="Empty when the register's code is not in Klyngekart's NACE list.")
    nace_stated: str = Field(description="The register's own code and description.")
    address: str
    municipality: str
    region: str
    employees: int | None
    website: str


class RegisterDifferenceOut(Schema):
    field: str
    current: str
    in_register: str


class RegisterRefreshIn(Schema):
    fields: list[FactName] | None = Field(
        None, description="The facts to apply; by default every fact the register states."
    )
    dry_run: bool = Field(False, description="Only answer what would change; nothing is written.")


class RegisterRefreshOut(Schema):
    register_entry: RegisterEntryOut
    differences: list[RegisterDifferenceOut]
    applied: bool
    changed: dict[str, list[Any]]
    member: MemberDetailOut


def _entry_out(entry: register.RegisterEntry) -> dict[str, Any]:
    return {
        "org_number": entry.org_number,
        "status": entry.status,
        "status_on": entry.status_on,
        "name": entry.name,
        "legal_form": entry.legal_form,
        "nace_code": entry.nace_code,
        "nace_stated": entry.nace_stated,
        "address": entry.address,
        "municipality": entry.municipality,
        "region": entry.region,
        "employees": entry.employees,
        "website": entry.website,
    }


def _lookup(org_number: str, *, fresh: bool) -> register.RegisterEntry | Status[dict[str, Any]]:
    try:
        return register.lookup(org_number, fresh=fresh)
    except ValidationError as error:
        raise ApiValidationError(error, lambda _key: ["query", "org_number"]) from error
    except register.RegisterNotFound as error:
        return Status(404, {"detail": str(error)})
    except register.RegisterUnavailable as error:
        return Status(503, {"detail": str(error)})


@router.get(
    "/clusters/{slug}/company-register",
    response={200: RegisterEntryOut, **REGISTER_RESPONSES},
    summary="Look a company up in Enhetsregisteret",
    description=(
        "What Enhetsregisteret states about the company with this org number (a public lookup, "
        "whether or not the company is a member), in the shape of a member's facts, with its "
        "status (a deleted company answers with status `deleted` and its date). 404 when the "
        "register has no such company; 503 when the lookup is turned off or the register does "
        "not answer, and the facts must be given by hand."
    ),
)
def register_lookup(
    request: HttpRequest, slug: str, org_number: str = Query(..., description="Nine digits.")
) -> Any:
    with cluster_scope(request, slug, "members.change"):
        entry = _lookup(org_number, fresh=False)
        return entry if isinstance(entry, Status) else _entry_out(entry)


@router.post(
    "/clusters/{slug}/members/{org_number}/register-refresh",
    response={200: RegisterRefreshOut, **REGISTER_RESPONSES},
    summary="Update a member from Enhetsregisteret",
    description=(
        "Looks the member's company up and applies what the register states: its status "
        "(recorded on the company, never on the membership) and the chosen facts. The register "
        "is the source every cluster trusts, so the facts become the company's shared record and "
        "every cluster's own record of it, audited in each. With `dry_run` nothing is written: "
        "the answer lists the differences to confirm."
    ),
)
def register_refresh(request: HttpRequest, slug: str, org_number: str, payload: RegisterRefreshIn) -> Any:
    with cluster_scope(request, slug, "members.change") as access:
        membership = access_membership_by_org_number(access, org_number, "members.change")
        entry = _lookup(membership.company.org_number or "", fresh=payload.dry_run)
        if isinstance(entry, Status):
            return entry
        differences = register_differences(membership=membership, entry=entry)
        changed: dict[str, list[Any]] = {}
        if not payload.dry_run:
            changed = company_register_refresh(
                membership=membership,
                actor=request.auth,  # type: ignore[attr-defined]
                entry=entry,
                fields=payload.fields,
            )
        contacts = membership.contacts.order_by("-is_primary", "name")
        return {
            "register_entry": _entry_out(entry),
            "differences": [
                {"field": row.field, "current": row.ours, "in_register": row.theirs} for row in differences
            ],
            "applied": not payload.dry_run,
            "changed": changed,
            "member": {**member_item(membership), "contacts": [contact_item(c) for c in contacts]},
        }
