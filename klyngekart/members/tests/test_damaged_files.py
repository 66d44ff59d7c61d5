"""Damaged text files on the member import page: a clear message, never a 500 (the API's door is
tested in api/tests/test_import.py, the invitation list's in surveys/tests/test_damaged_uploads.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klyngekart.members.filereader import FileProblem, decode_text, read_rows

pytestmark = pytest.mark.django_db

_HEADER = "Organisasjonsnummer;Navn\r\n".encode("utf-16-le")
# Excel's "Unicode text" is UTF-16 with a BOM; these are damaged ways of it.
DAMAGED_UTF16 = {
    "a lone high surrogate": b"\xff\xfe" + _HEADER + b"\x00\xd8" + "x;y\r\n".encode("utf-16-le"),
    "a lone low surrogate": b"\xff\xfe" + _HEADER + b"\x00\xdc" + "x;y\r\n".encode("utf-16-le"),
    "a cut-off last character": b"\xff\xfe" + _HEADER + b"A",
    "big-endian with a lone surrogate": b"\xfe\xff" + "Navn\r\n".encode("utf-16-be") + b"\xd8\x00",
}


@pytest.mark.parametrize("content", DAMAGED_UTF16.values(), ids=DAMAGED_UTF16.keys())
def test_damaged_utf16_is_a_file_problem(english, content: bytes) -> None:
    with pytest.raises(FileProblem, match="damaged near character"):
        decode_text(content)
    with pytest.raises(FileProblem, match="Save it again as CSV UTF-8"):
        read_rows(filename="medlemmer.csv", content=content, max_rows=10)


def test_sound_utf16_is_still_read() -> None:
    content = b"\xff\xfe" + "Navn;Sted\r\nØrsta Båt AS;Ørsta\r\n".encode("utf-16-le")
    assert read_rows(filename="m.txt", content=content, max_rows=10) == [
        ["Navn", "Sted"],
        ["Ørsta Båt AS", "Ørsta"],
    ]


@pytest.mark.parametrize("content", DAMAGED_UTF16.values(), ids=DAMAGED_UTF16.keys())
def test_the_import_page_says_the_file_is_damaged(world, login, english, content: bytes) -> None:
    client = login(world.users["manager"])
    response = client.post(
        f"/c/{world.cluster.slug}/members/import/", {"file": SimpleUploadedFile("medlemmer.csv", content)}
    )
    assert response.status_code == 200
    assert "damaged near character" in response.content.decode()


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(world, login, english, monkeypatch) -> None:
    """A 1 MB workbook whose sharedStrings.xml unpacks to hundreds of MB took 42 s and 773 MB."""
    import openpyxl

    from klyngekart.core.tests.test_spreadsheets import bomb

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    content = bomb(40 * 1024 * 1024)
    with pytest.raises(FileProblem, match="packed unusually tightly"):
        read_rows(filename="medlemmer.xlsx", content=content, max_rows=10)
    response = login(world.users["manager"]).post(
        f"/c/{world.cluster.slug}/members/import/", {"file": SimpleUploadedFile("medlemmer.xlsx", content)}
    )
    assert response.status_code == 200
    assert "packed unusually tightly" in response.content.decode()
