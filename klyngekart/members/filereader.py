"""Turn an uploaded spreadsheet into rows of cells, whatever Excel or Brønnøysund made of it.

The file is untrusted: it is size-checked before it is parsed, never executed, and anything that
is not recognisably CSV or XLSX is refused with a message the user can act on."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _

from klyngekart.core.spreadsheets import ArchiveRefused, check_xlsx_archive

# Magic numbers of files that people rename to .csv by mistake.
_BINARY_SIGNATURES = {
    b"\x89PNG": "PNG",
    b"%PDF": "PDF",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\xd0\xcf\x11\xe0": "XLS",
    b"PK\x03\x04": "ZIP",
}
_DELIMITERS = ";,\t"


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def _signature(content: bytes) -> str | None:
    for magic, kind in _BINARY_SIGNATURES.items():
        if content.startswith(magic):
            return kind
    return None


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252.

    Windows-1252 is the fallback because Norwegian Excel on Windows saves "CSV (semicolon)" in it,
    and any byte sequence that is not valid UTF-8 is far more likely that than anything else."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            # A lone surrogate or a cut-off last character: refused rather than replaced, since
            # UTF-16 from Excel is never damaged like this and a half-read list is worse than none.
            raise FileProblem(
                _(
                    "This file says it is Unicode text (UTF-16) but is damaged near character "
                    "%(position)s. Save it again as CSV UTF-8."
                )
                % {"position": error.start // 2}
            ) from error
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _looks_like_text(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return "\x00" not in sample and control <= len(sample) // 100


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # The sniffer gives up on files with one column or ragged rows; the header line decides.
        header = lines[0] if lines else ""
        return max(_DELIMITERS, key=header.count)


def read_csv(content: bytes, max_rows: int) -> list[list[Any]]:
    text = decode_text(content)
    if not _looks_like_text(text):
        raise FileProblem(_("This file is not a CSV or Excel file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[Any]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > max_rows:
                break
    except csv.Error as error:
        raise FileProblem(
            _("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}
        ) from error
    return rows


def read_xlsx(content: bytes, max_rows: int) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        # Before openpyxl opens it: it loads the shared strings whole, whatever max_rows says.
        check_xlsx_archive(content)
    except ArchiveRefused as refused:
        raise FileProblem(str(refused)) from refused
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileProblem(_("This Excel file could not be read. Save it again as .xlsx or CSV.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        rows: list[list[Any]] = []
        # Stop early: a sheet may claim a million rows.
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > max_rows:
                break
        return rows
    finally:
        workbook.close()


def read_rows(*, filename: str, content: bytes, max_rows: int) -> list[list[Any]]:
    """Rows of cells from a CSV or XLSX file; raises FileProblem for anything else.

    Reads at most ``max_rows + 1`` rows so the caller can tell that a file is too long."""
    if not content.strip():
        raise FileProblem(_("The file is empty."))
    kind = _signature(content)
    name = filename.lower()
    if kind == "ZIP" or name.endswith((".xlsx", ".xlsm")):
        if kind != "ZIP":
            raise FileProblem(_("This file is called .xlsx but is not an Excel workbook."))
        return read_xlsx(content, max_rows)
    if kind == "XLS":
        raise FileProblem(_("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or CSV."))
    if kind is not None:
        raise FileProblem(
            _("This is a %(kind)s file, not a CSV or Excel file. Export the member list as CSV or .xlsx.")
            % {"kind": kind}
        )
    return read_csv(content, max_rows)
