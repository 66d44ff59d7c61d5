"""Export the member list as CSV (for Norwegian Excel) or XLSX, with the list page's filters.

The headers are ones the importer recognises, so an export can be edited and imported elsewhere."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from klyngekart.core.spreadsheets import csv_text, xlsx_cell
from klyngekart.members.models import Contact, Membership
from klyngekart.taxonomy.regions import region_name


def headers() -> list[str]:
    return [
        _("Organisation number"),
        _("Name"),
        _("NACE code"),
        _("Employees"),
        _("Size class"),
        _("County"),
        _("Municipality"),
        _("Website"),
        _("Status"),
        _("Member since"),
        _("Left on"),
        _("Tier"),
        _("Annual fee"),
        _("Contact name"),
        _("Contact email"),
        _("Contact phone"),
    ]


def export_queryset(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """The list's queryset plus the main contacts, in one extra query rather than one per row."""
    return memberships.prefetch_related(
        Prefetch(
            "contacts", queryset=Contact.objects.order_by("-is_primary", "name"), to_attr="sorted_contacts"
        )
    )


def rows(memberships: Iterable[Membership]) -> Iterator[list[Any]]:
    for membership in memberships:
        company = membership.company
        contacts = getattr(membership, "sorted_contacts", [])
        contact = contacts[0] if contacts else None
        # The identity is the company's; every fact is this cluster's own record of it.
        yield [
            company.org_number or company.identifier,
            membership.name,
            membership.nace_code,
            membership.employees,
            membership.get_size_class_display() if membership.size_class else "",
            region_name(membership.region),
            membership.municipality,
            membership.website,
            membership.get_status_display(),
            membership.joined_on,
            membership.left_on,
            membership.tier,
            membership.annual_fee,
            contact.name if contact else "",
            contact.email if contact else "",
            contact.phone if contact else "",
        ]


def safe_csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        # Norwegian Excel reads a decimal comma as a number, a decimal point as text.
        return f"{value:.2f}".replace(".", ",")
    # A company name like "=HYPERLINK(...)" must not run as a formula when the CSV is opened.
    return csv_text(str(value))


def export_csv(memberships: Iterable[Membership]) -> bytes:
    """UTF-8 with a BOM and semicolons: what Excel set to Norwegian opens without an import wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in rows(memberships):
        writer.writerow([safe_csv_cell(value) for value in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def export_xlsx(memberships: Iterable[Membership]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Members"))
    bold = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = xlsx_cell(sheet, title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows(memberships):
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                value = float(value)
            # A hostile company name stays inert text (see core.spreadsheets).
            cell = xlsx_cell(sheet, value)
            if isinstance(value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
