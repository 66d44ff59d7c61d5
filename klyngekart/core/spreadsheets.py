"""Spreadsheets are untrusted in both directions; the checks every reader and writer shares.

In: an XLSX file is a zip archive. Its size on upload says little about what parsing it costs:
a 1 MB workbook can hold a 321 MB ``sharedStrings.xml``, which openpyxl loads whole (42 s and
773 MB on one import). ``check_xlsx_archive`` reads only the archive's directory and refuses an
archive whose members unpack too large or too tightly, before any XML is parsed. Python's zipfile
stops a member at the size its directory declares, so a directory that lies cannot smuggle more.

Out: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel and LibreOffice, so text a person typed could run as one on the reader's machine
(``=HYPERLINK(...)``, DDE). Every CSV and XLSX the project writes puts its text through
``csv_text`` or ``xlsx_cell``."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 1000
# A small member may compress by any ratio (an empty sheet does); it cannot cost much to parse.
RATIO_FLOOR_BYTES = 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ArchiveRefused(ValueError):
    """The archive is too large or too tightly packed to parse; the message is for the user."""


def check_xlsx_archive(content: bytes) -> None:
    """Raise ArchiveRefused for a zip whose members would unpack beyond the limits (settings
    KLYNGEKART_XLSX_MAX_UNPACKED_BYTES, KLYNGEKART_XLSX_MAX_RATIO). An archive that cannot be
    opened passes: the reader that follows says in its own words that the file is unreadable."""
    max_unpacked = int(getattr(settings, "KLYNGEKART_XLSX_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))
    max_ratio = int(getattr(settings, "KLYNGEKART_XLSX_MAX_RATIO", MAX_RATIO))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(members) > MAX_MEMBERS:
        raise ArchiveRefused(
            _(
                "The workbook has %(count)s parts inside; at most %(max)s can be read. "
                "Save it again from Excel."
            )
            % {"count": len(members), "max": MAX_MEMBERS}
        )
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise ArchiveRefused(
                _(
                    "The workbook is packed unusually tightly (a part of it unpacks to %(ratio)s times "
                    "its size), so it is not read. Copy the rows you need into a new workbook."
                )
                % {"ratio": member.file_size // max(member.compress_size, 1)}
            )
    total = sum(member.file_size for member in members)
    if total > max_unpacked:
        raise ArchiveRefused(
            _(
                "The workbook unpacks to %(size)s MB, more than the %(max)s MB that can be read. "
                "Remove other sheets, pictures and unused rows, or copy the rows you need into a new "
                "workbook."
            )
            % {"size": -(-total // (1024 * 1024)), "max": max_unpacked // (1024 * 1024)}
        )


def csv_text(text: str) -> str:
    """Text for a CSV cell: one that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice), which Excel and LibreOffice show as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only openpyxl cell for ``value``. openpyxl stores a str that starts with "=" as
    a formula; every str is typed as a string instead, which keeps it inert without changing a
    character of it (so an exported XLSForm imports back to the same texts)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
