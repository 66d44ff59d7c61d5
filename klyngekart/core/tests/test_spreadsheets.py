"""The spreadsheet checks every reader and writer shares (core/spreadsheets.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from klyngekart.core.spreadsheets import ArchiveRefused, check_xlsx_archive, csv_text


def bomb(member_bytes: int, *, name: str = "xl/sharedStrings.xml") -> bytes:
    """A zip whose one member unpacks ``member_bytes`` of repeated text: what a 1 MB workbook
    with a 321 MB sharedStrings.xml is made of."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        string = "<si><t>aaaaaaaa</t></si>"
        archive.writestr(name, string * (member_bytes // len(string)))
    return out.getvalue()


def test_a_tightly_packed_member_is_refused_by_its_ratio(english) -> None:
    content = bomb(30 * 1024 * 1024)
    assert len(content) < 200 * 1024
    with pytest.raises(ArchiveRefused, match="packed unusually tightly"):
        check_xlsx_archive(content)


def test_an_archive_that_unpacks_too_large_is_refused(english, settings) -> None:
    settings.KLYNGEKART_XLSX_MAX_RATIO = 10_000
    settings.KLYNGEKART_XLSX_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    with pytest.raises(ArchiveRefused, match="unpacks to 3 MB, more than the 2 MB"):
        check_xlsx_archive(bomb(3 * 1024 * 1024 - 4096))


def test_an_archive_of_too_many_parts_is_refused(english) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(1001):
            archive.writestr(f"xl/part{number}.xml", "")
    with pytest.raises(ArchiveRefused, match="1001 parts"):
        check_xlsx_archive(out.getvalue())


def test_ordinary_workbooks_and_non_archives_pass() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for number in range(3000):
        workbook.active.append([f"Bedrift {number} AS", "923609016", number])
    out = io.BytesIO()
    workbook.save(out)
    check_xlsx_archive(out.getvalue())
    # Small parts may compress by any ratio (an empty sheet does).
    check_xlsx_archive(bomb(512 * 1024))
    # Not a zip: the reader after the check says so in its own words.
    check_xlsx_archive(b"Navn;Org.nr\n")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_text_defuses_every_formula_start(start: str) -> None:
    assert csv_text(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert csv_text(f"Bedrift {start} AS") == f"Bedrift {start} AS"
