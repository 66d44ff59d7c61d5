"""Members of a cluster: list, read, create, import. Thin: the members app's selectors,
access functions and services do the work, with the same permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from klyngekart.api.clusters import cluster_scope, page_of
from klyngekart.api.errors import ERROR_RESPONSES, ApiValidationError, payload_loc
from klyngekart.api.member_schemas import (
    COMPANY_IN_FIELDS,
    FACT_PATCH_FIELDS,
    MEMBERSHIP_IN_FIELDS,
    MEMBERSHIP_PATCH_FIELDS,
    ContactIn,
    ContactOut,
    ContactPatch,
    ImportReportOut,
    MemberDetailOut,
    MemberFilters,
    MemberIn,
    MemberPage,
    MemberPatch,
    contact_item,
    member_item,
)
from klyngekart.members.access import access_contact, access_membership_by_org_number
from klyngekart.members.importing import import_members
from klyngekart.members.models import Contact
from klyngekart.members.selectors import membership_list
from klyngekart.members.services import (
    company_update_shared,
    contact_create,
    contact_delete,
    contact_update,
    membership_create,
    membership_end,
    membership_facts_update,
    membership_update,
)

router = Router(tags=["members"])


@router.get(
    "/clusters/{slug}/members",
    response={200: MemberPage, **ERROR_RESPONSES},
    summary="List the cluster's members",
)
def member_list(request: HttpRequest, slug: str, filters: Query[MemberFilters]) -> dict[str, Any]:
    with cluster_scope(request, slug, "members.view") as access:
        queryset = membership_list(
            cluster=access.cluster,
            q=filters.q,
            status=filters.status.value if filters.status else "",
            size_class=filters.size_class.value if filters.size_class else "",
            nace_section=filters.nace_section,
            region=filters.region,
            sort=filters.sort,
        )
        memberships, count = page_of(queryset, page=filters.page, page_size=filters.page_size)
        return {
            "items": [member_item(membership) for membership in memberships],
            "count": count,
            "page": filters.page,
            "page_size": filters.page_size,
        }


def _check_contacts(payload: MemberIn) -> None:
    """Validate the contacts before the service runs: its errors are keyed by model field, and a
    contact's ``name`` would otherwise be reported as the company's."""
    for index, data in enumerate(payload.contacts):
        try:
            Contact(**data.model_dump()).full_clean(exclude=["cluster", "membership"])
        except ValidationError as error:
            raise ApiValidationError(
                error,
                lambda key, i=index: (
                    ["body", "payload", "contacts", i]  # type: ignore[misc]
                    + ([] if key == NON_FIELD_ERRORS else [key])
                ),
            ) from error


@router.post(
    "/clusters/{slug}/members",
    response={201: MemberDetailOut, **ERROR_RESPONSES},
    summary="Add a member",
    description=(
        "Makes a company a member of the cluster. The facts given (name, industry, size, place, "
        "website) are this cluster's own record of the company. A company that is already a "
        "member of another cluster is linked by its org number, but nothing that cluster recorded "
        "is read or changed, and the answer carries only what this cluster gave."
    ),
)
def member_create(request: HttpRequest, slug: str, payload: MemberIn) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "members.change") as access:
        _check_contacts(payload)
        data = payload.model_dump(exclude_unset=True)
        membership_data = {key: value for key, value in data.items() if key in MEMBERSHIP_IN_FIELDS}
        try:
            membership = membership_create(
                cluster=access.cluster,
                actor=request.auth,  # type: ignore[attr-defined]
                company={key: value for key, value in data.items() if key in COMPANY_IN_FIELDS},
                membership=membership_data or None,
                contacts=[contact.model_dump() for contact in payload.contacts],
            )
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, _detail(membership))


# Declared before the detail route: "import" would otherwise match {org_number} there, and a POST
# to it would get that route's 405.
@router.post(
    "/clusters/{slug}/members/import",
    response={200: ImportReportOut, **ERROR_RESPONSES},
    summary="Import members from a CSV or XLSX file",
    description=(
        "Checks every row (org number, NACE code, duplicates, existing members) and writes all rows "
        "or none. With `dry_run=true` (the default) nothing is written; the report says what would "
        "be created and every row's problem. A file with any error writes nothing, whatever "
        "`dry_run` says; `ok` is then false. Row numbers are the spreadsheet's (header = row 1); "
        "problems with the file as a whole have row 0 and field `file`."
    ),
)
def member_import(
    request: HttpRequest, slug: str, file: File[UploadedFile], dry_run: bool = True
) -> dict[str, Any]:
    with cluster_scope(request, slug, "members.import") as access:
        # One byte past the limit is enough for the importer to refuse the file; reading no more
        # keeps a huge upload from being loaded into memory.
        content = file.read(settings.KLYNGEKART_IMPORT_MAX_BYTES + 1)
        report = import_members(
            cluster=access.cluster,
            actor=request.auth,  # type: ignore[attr-defined]
            filename=file.name or "",
            content=content,
            dry_run=dry_run,
        )
    return {
        "ok": report.ok,
        "created": report.created,
        "updated": report.updated,
        "errors": [
            {"row": error.row, "field": error.field, "message": error.message} for error in report.errors
        ],
    }


@router.get(
    "/clusters/{slug}/members/{org_number}",
    response={200: MemberDetailOut, **ERROR_RESPONSES},
    summary="One member, with its contacts",
    description="A company contact may read its own company's membership.",
)
def member_detail(request: HttpRequest, slug: str, org_number: str) -> dict[str, Any]:
    with cluster_scope(request, slug, "members.view_own") as access:
        membership = access_membership_by_org_number(access, org_number, "members.view_own")
        return _detail(membership)


def _detail(membership: Any) -> dict[str, Any]:
    contacts = membership.contacts.order_by("-is_primary", "name")
    return {**member_item(membership), "contacts": [contact_item(contact) for contact in contacts]}


@router.patch(
    "/clusters/{slug}/members/{org_number}",
    response={200: MemberDetailOut, **ERROR_RESPONSES},
    summary="Change a member, or end its membership",
    description=(
        "What the member's edit page changes. The cluster team changes this cluster's own record "
        "of the company (name, industry, size, place, website) and the membership (tier, fee, "
        "dates, notes), and sets `status` as the page that ends a membership does: `left` with "
        "the date in `status_on` ends it, `paused` pauses it, `active` takes it up again. A "
        "company contact states its own company's facts, which reach the clusters that appointed "
        "it contact; the membership fields and the status are then 403. All or nothing; audited."
    ),
)
def member_patch(request: HttpRequest, slug: str, org_number: str, payload: MemberPatch) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    with cluster_scope(request, slug, "members.change_own") as access:
        membership = access_membership_by_org_number(access, org_number, "members.change_own")
        data = payload.model_dump(exclude_unset=True)
        facts = {key: value for key, value in data.items() if key in FACT_PATCH_FIELDS}
        terms = {key: value for key, value in data.items() if key in MEMBERSHIP_PATCH_FIELDS}
        status = data.get("status")
        if (terms or status or "status_on" in data) and not access.can("members.change"):
            raise PermissionDenied(_("Only the cluster team changes the membership and its status."))
        if "status_on" in data and not status:
            error = ValidationError({"status_on": _("Give the new status that takes effect on this date.")})
            raise ApiValidationError(error, _patch_loc)
        try:
            with transaction.atomic():
                if facts and access.is_company_role:
                    company_update_shared(membership=membership, actor=actor, data=facts)
                elif facts:
                    membership_facts_update(membership=membership, actor=actor, data=facts)
                if terms:
                    membership_update(membership=membership, actor=actor, data=terms)
                if status:
                    membership_end(
                        membership=membership,
                        actor=actor,
                        left_on=data.get("status_on") or timezone.localdate(),
                        status=status,
                    )
        except ValidationError as error:
            raise ApiValidationError(error, _patch_loc) from error
        membership.refresh_from_db()
        return _detail(membership)


def _patch_loc(key: str) -> list[str | int]:
    renamed = {"left_on": "status_on"}
    return ["body", "payload"] if key == NON_FIELD_ERRORS else ["body", "payload", renamed.get(key, key)]


CONTACTS = "/clusters/{slug}/members/{org_number}/contacts"


@router.post(
    CONTACTS,
    response={201: ContactOut, **ERROR_RESPONSES},
    summary="Add a contact person to a member",
    description="For the cluster team. A new main contact (`is_primary`) replaces the previous one. Audited.",
)
def member_contact_create(
    request: HttpRequest, slug: str, org_number: str, payload: ContactIn
) -> Status[dict[str, Any]]:
    with cluster_scope(request, slug, "members.change") as access:
        membership = access_membership_by_org_number(access, org_number, "members.change")
        try:
            contact = contact_create(membership=membership, actor=request.auth, data=payload.model_dump())  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return Status(201, contact_item(contact))


@router.patch(
    CONTACTS + "/{contact_id}",
    response={200: ContactOut, **ERROR_RESPONSES},
    summary="Change a member's contact person",
    description="For the cluster team. Audited.",
)
def member_contact_patch(
    request: HttpRequest, slug: str, org_number: str, contact_id: int, payload: ContactPatch
) -> dict[str, Any]:
    with cluster_scope(request, slug, "members.change") as access:
        membership = access_membership_by_org_number(access, org_number, "members.change")
        contact = access_contact(membership, contact_id)
        data = {
            key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None
        }
        try:
            contact_update(contact=contact, actor=request.auth, data=data)  # type: ignore[attr-defined]
        except ValidationError as error:
            raise ApiValidationError(error, payload_loc) from error
        return contact_item(contact)


@router.delete(
    CONTACTS + "/{contact_id}",
    response={204: None, **ERROR_RESPONSES},
    summary="Remove a member's contact person",
    description="For the cluster team. Audited.",
)
def member_contact_delete(request: HttpRequest, slug: str, org_number: str, contact_id: int) -> Status[None]:
    with cluster_scope(request, slug, "members.change") as access:
        membership = access_membership_by_org_number(access, org_number, "members.change")
        contact_delete(contact=access_contact(membership, contact_id), actor=request.auth)  # type: ignore[attr-defined]
        return Status(204, None)
