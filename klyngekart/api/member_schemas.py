"""Request and response shapes for members. A member item is flat (company and membership
fields side by side), and a new member is posted in the same shape it is read back in."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from klyngekart.api.clusters import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from klyngekart.members.models import Contact, Membership, MembershipStatus, SizeClass
from klyngekart.members.selectors import DEFAULT_SORT, SORTS
from klyngekart.taxonomy.nace import sections
from klyngekart.taxonomy.regions import REGION_CHOICES

COMPANY_IN_FIELDS = frozenset(
    {
        "org_number",
        "foreign_id",
        "country",
        "name",
        "nace_code",
        "size_class",
        "employees",
        "municipality",
        "region",
        "website",
    }
)
MEMBERSHIP_IN_FIELDS = frozenset({"status", "tier", "annual_fee", "joined_on", "notes"})
# What PATCH changes: the cluster's record of the company, and the membership (the team only).
FACT_PATCH_FIELDS = frozenset(
    {"name", "nace_code", "size_class", "employees", "municipality", "region", "website"}
)
MEMBERSHIP_PATCH_FIELDS = frozenset({"tier", "annual_fee", "joined_on", "notes"})
# Fees always read back with two decimals, whether the row was just written or loaded.
CENTS = Decimal("0.01")


class MemberFilters(Schema):
    q: str = Field("", description="Matches name, municipality or org number.")
    status: MembershipStatus | None = None
    size_class: SizeClass | None = None
    nace_section: str = Field("", description="A NACE section letter, A to U.")
    region: str = Field("", description="A county number, or 99 for outside Norway.")
    sort: str = Field(DEFAULT_SORT, description="One of: " + ", ".join(SORTS))
    page: int = Field(1, ge=1)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("status", "size_class", mode="before")
    @classmethod
    def blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    # The selector quietly matches nothing for unknown values, which suits a hand-edited page
    # address; a program is better told about its typo.
    @field_validator("nace_section")
    @classmethod
    def known_section(cls, value: str) -> str:
        value = value.strip().upper()
        if value and value not in {section.code for section in sections()}:
            raise ValueError("unknown NACE section")
        return value

    @field_validator("region")
    @classmethod
    def known_region(cls, value: str) -> str:
        value = value.strip()
        if value and value not in dict(REGION_CHOICES):
            raise ValueError("unknown region")
        return value

    @field_validator("sort")
    @classmethod
    def known_sort(cls, value: str) -> str:
        if value not in SORTS:
            raise ValueError("unknown sort key; use one of " + ", ".join(SORTS))
        return value


class MemberOut(Schema):
    org_number: str | None
    foreign_id: str
    country: str
    name: str
    nace_code: str
    nace_section: str
    size_class: str
    employees: int | None
    municipality: str
    region: str
    website: str
    status: str
    tier: str
    annual_fee: str | None = Field(description='NOK as a decimal string, e.g. "25000.00".')
    joined_on: datetime.date | None
    left_on: datetime.date | None
    register_status: str = Field(
        "",
        description=(
            "The company's status in Enhetsregisteret at the last lookup: active, winding_up, "
            "forced_dissolution, bankrupt, deleted, or empty if never looked up."
        ),
    )
    register_status_on: datetime.date | None = None


class ContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    title: str
    is_primary: bool


class MemberDetailOut(MemberOut):
    contacts: list[ContactOut]


class MemberPage(Schema):
    items: list[MemberOut]
    count: int
    page: int
    page_size: int


class ContactIn(Schema):
    name: str
    email: str = ""
    phone: str = ""
    title: str = ""
    is_primary: bool = False


class ContactPatch(Schema):
    """Fields left out stay as they are."""

    name: str | None = Field(None, min_length=1)
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    is_primary: bool | None = None


class MemberIn(Schema):
    org_number: str | None = Field(None, description="Nine digits; required for a Norwegian company.")
    foreign_id: str = Field("", description="The identifier in the company's own registry, if foreign.")
    country: str = Field("NO", description="ISO 3166 alpha-2.")
    name: str
    nace_code: str = ""
    size_class: str = Field("", description="Derived from employees when that is given.")
    employees: int | None = Field(None, ge=0)
    municipality: str = ""
    region: str = ""
    website: str = ""
    status: str = MembershipStatus.ACTIVE.value
    tier: str = ""
    annual_fee: Decimal | None = Field(None, ge=0)
    joined_on: datetime.date | None = None
    notes: str = ""
    contacts: list[ContactIn] = []


class MemberPatch(Schema):
    """Fields left out stay as they are; null clears a field that may be empty."""

    name: str | None = Field(None, min_length=1, max_length=200)
    nace_code: str | None = None
    size_class: SizeClass | None = Field(None, description="Derived from employees when that is given.")
    employees: int | None = Field(None, ge=0)
    municipality: str | None = None
    region: str | None = None
    website: str | None = None
    tier: str | None = Field(None, description="The cluster team only, as are the fields below.")
    annual_fee: Decimal | None = Field(None, ge=0)
    joined_on: datetime.date | None = None
    notes: str | None = None
    status: MembershipStatus | None = Field(
        None,
        description=(
            "`left` ends the membership, `paused` pauses it, `active` takes it up again; dated by "
            "`status_on`. The company's people lose their roles in the cluster while it is not active."
        ),
    )
    status_on: datetime.date | None = Field(
        None, description="The date the new status takes effect (for `left`, the last day); left out: today."
    )


class ImportErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportReportOut(Schema):
    ok: bool
    created: int
    updated: int
    errors: list[ImportErrorOut]


def member_item(membership: Membership) -> dict[str, Any]:
    """The company's identity, and the facts as this cluster records them (its membership): never
    what another cluster of the same company recorded."""
    company = membership.company
    return {
        "org_number": company.org_number,
        "foreign_id": company.foreign_id,
        "country": company.country,
        "name": membership.name,
        "nace_code": membership.nace_code,
        "nace_section": membership.nace_section,
        "size_class": membership.size_class,
        "employees": membership.employees,
        "municipality": membership.municipality,
        "region": membership.region,
        "website": membership.website,
        "status": membership.status,
        "tier": membership.tier,
        "annual_fee": None if membership.annual_fee is None else str(membership.annual_fee.quantize(CENTS)),
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
        # The register's public standing of the company, the same in every cluster.
        "register_status": company.register_status,
        "register_status_on": company.register_status_on,
    }


def contact_item(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "title": contact.title,
        "is_primary": contact.is_primary,
    }
