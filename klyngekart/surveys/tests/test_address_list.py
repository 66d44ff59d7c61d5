"""The pasted address list (surveys/rounds/addresses.py) in the shapes people paste it in."""

from __future__ import annotations

import pytest

from klyngekart.surveys.rounds.addresses import parse_addresses


def _read(text: str) -> tuple[list[str], list[tuple[int, str]], int]:
    parsed = parse_addresses(text.splitlines())
    return (
        [entry.address for entry in parsed.addresses],
        [(entry.line, entry.text) for entry in parsed.problems],
        parsed.duplicates,
    )


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        # Typed, one per line, with stray spaces and blank lines.
        ("ola@bedrift.no\n\n  kari@bedrift.no  \n", ["ola@bedrift.no", "kari@bedrift.no"]),
        # Outlook's To field: names, angle brackets, "; " and a trailing semicolon.
        (
            "Ola Nordmann <ola@bedrift.no>; Kari Nordmann <kari@bedrift.no>; ",
            ["ola@bedrift.no", "kari@bedrift.no"],
        ),
        # Exchange's "Surname, First name", quoted, so the comma is part of the name.
        (
            '"Nordmann, Ola" <ola@bedrift.no>; "Hansen, Per" <per@bedrift.no>',
            ["ola@bedrift.no", "per@bedrift.no"],
        ),
        # Single and typographic quotes, and an apostrophe inside a name.
        (
            "'Ola' <ola@bedrift.no>, “Kari Ås” <kari@bedrift.no>, D'Angelo <dangelo@bedrift.no>",
            ["ola@bedrift.no", "kari@bedrift.no", "dangelo@bedrift.no"],
        ),
        # Commas between plain addresses, and mixed separators.
        (
            "ola@bedrift.no, kari@bedrift.no;per@bedrift.no",
            ["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no"],
        ),
        # Excel: two columns (name, address) pasted as tab-separated rows, with a heading row.
        (
            "Navn\tE-post\nOla Nordmann\tola@bedrift.no\nKari Nordmann\tkari@bedrift.no",
            ["ola@bedrift.no", "kari@bedrift.no"],
        ),
        # Excel with the address first and an employee number column.
        ("ola@bedrift.no\t1001\tOla\nkari@bedrift.no\t1002\tKari", ["ola@bedrift.no", "kari@bedrift.no"]),
        # An unquoted "Surname, First name <address>": the surname alone is a name, skipped.
        ("Nordmann, Ola <ola@bedrift.no>", ["ola@bedrift.no"]),
        # mailto: links, a bare <address>, and an address with its name in parentheses.
        (
            "mailto:ola@bedrift.no\n<kari@bedrift.no>\nper@bedrift.no (Per Hansen)",
            ["ola@bedrift.no", "kari@bedrift.no", "per@bedrift.no"],
        ),
        # Upper case is the same address: kept once, as first written, in lower case.
        ("Ola@Bedrift.NO\nola@bedrift.no\nOLA <OLA@BEDRIFT.NO>", ["ola@bedrift.no"]),
        # Non-ASCII names, and plus addressing and subdomains in addresses.
        ("Åse Øverli <ase+kartlegging@post.bedrift.no>", ["ase+kartlegging@post.bedrift.no"]),
        # A first line that is only a heading is skipped.
        ("E-post\nola@bedrift.no", ["ola@bedrift.no"]),
        # Windows line ends and a trailing comma.
        ("ola@bedrift.no,\r\nkari@bedrift.no\r\n", ["ola@bedrift.no", "kari@bedrift.no"]),
    ],
)
def test_real_world_shapes(text: str, addresses: list[str]) -> None:
    found, problems, _duplicates = _read(text)
    assert found == addresses
    assert problems == []


def test_duplicates_are_counted_not_listed() -> None:
    found, problems, duplicates = _read(
        "ola@bedrift.no; OLA@bedrift.no\nOla <Ola@Bedrift.no>\nkari@bedrift.no"
    )
    assert found == ["ola@bedrift.no", "kari@bedrift.no"]
    assert problems == [] and duplicates == 2


def test_every_problem_is_named_with_its_line_and_text() -> None:
    text = "\n".join(
        [
            "ola@bedrift.no",
            "kari.bedrift.no",  # no "@": a line with no address at all
            "Per Hansen <per@bedrift>; lise@bedrift.no",  # no domain ending
            "anne@bedrift.no; jon.bedrift.no",  # an address without "@" next to a good one
            "Bare et navn",  # a name with no address
            "E-post",  # a heading is a heading only on the first line
            "ola@@bedrift.no",
        ]
    )
    parsed = parse_addresses(text.splitlines())
    assert [entry.address for entry in parsed.addresses] == [
        "ola@bedrift.no",
        "lise@bedrift.no",
        "anne@bedrift.no",
    ]
    assert [(entry.line, entry.text) for entry in parsed.problems] == [
        (2, "kari.bedrift.no"),
        (3, "Per Hansen <per@bedrift>"),
        (4, "jon.bedrift.no"),
        (5, "Bare et navn"),
        (6, "E-post"),
        (7, "ola@@bedrift.no"),
    ]
    assert all(entry.problem for entry in parsed.problems)
    assert "per@bedrift" in parsed.problems[1].problem
    assert not parsed.ok


def test_an_unclosed_quote_does_not_swallow_the_rest_of_the_line() -> None:
    found, problems, _duplicates = _read('"Ola <ola@bedrift.no>; kari@bedrift.no')
    assert found == ["ola@bedrift.no", "kari@bedrift.no"]
    assert problems == []


def test_separators_inside_brackets_and_quotes_stay_in_the_name() -> None:
    found, problems, _duplicates = _read('"Hansen; Per (HR, Oslo)" <per@bedrift.no>\tAvdeling, Oslo')
    assert found == ["per@bedrift.no"]
    assert problems == []


def test_nothing_pasted_is_nothing_found() -> None:
    assert _read("") == ([], [], 0)
    assert _read("\n ; , \t\n") == ([], [], 0)
