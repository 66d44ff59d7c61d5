"""Reading a list of email addresses as people paste it: from Outlook's To field, an Excel column
or rows, a CSV, or typed by hand.

Accepted, in any mix, one or many per line:

- ``ola@bedrift.no``, ``<ola@bedrift.no>``, ``mailto:ola@bedrift.no``
- ``Ola Nordmann <ola@bedrift.no>``, ``"Nordmann, Ola" <ola@bedrift.no>``, ``'Ola' <ola@…>``,
  ``“Ola” <ola@…>``, ``ola@bedrift.no (Ola Nordmann)``
- separated by new lines, commas, semicolons or tabs (Outlook uses ``; ``, Excel rows tabs);
  separators inside quotes, angle brackets or parentheses are part of the name.

Cells without an address on a line that has one are names or other columns (Excel's "Navn" column,
or an unquoted "Nordmann, Ola <ola@…>") and are skipped. A line without any address is a problem,
unless it is the first line and a column heading ("E-post", "Navn"). Addresses are compared without
case, and each is kept once, as first written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

SEPARATORS = frozenset(",;\t\n")
OPENING = {'"': '"', "“": "”", "”": "”", "«": "»", "<": ">", "(": ")", "'": "'", "‘": "’"}
# A first line of only these (no address) is a column heading, not a problem.
HEADINGS = frozenset(
    {
        "email", "e-mail", "epost", "e-post", "e-postadresse", "e-mail address", "mail", "address",
        "adresse", "name", "navn", "fornavn", "etternavn", "first name", "last name", "full name",
        "fullt navn", "ansatt", "employee",
    }
)  # fmt: skip
ANGLE = re.compile(r"<\s*([^<>]*?)\s*>")
# Name-like text: letters (any script), spaces and the punctuation of names.
NAME = re.compile(r"^[\w\s.'’\-\"“”«»()]+$")
MAX_TEXT = 200
# The most lines, and addresses, one list may hold: the page's form and the API refuse more.
MAX_INVITATIONS: Final = 5000


@dataclass(frozen=True)
class Entry:
    """One piece of the list: where it was (``line`` counts from 1), what was written, and the
    address read from it (lower case), or the problem with it."""

    line: int
    text: str
    address: str = ""
    problem: str = ""


@dataclass
class AddressList:
    addresses: list[Entry] = field(default_factory=list)
    problems: list[Entry] = field(default_factory=list)
    # Entries whose address an earlier entry of the list already gave: kept once, as first written.
    repeats: list[Entry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def duplicates(self) -> int:
        return len(self.repeats)


def too_many(lines: list[str], parsed: AddressList) -> bool:
    """More lines or addresses than one list may hold (``MAX_INVITATIONS``)."""
    return len(lines) > MAX_INVITATIONS or len(parsed.addresses) > MAX_INVITATIONS


def _split(line: str, *, quoting: bool = True) -> list[str]:
    """The cells of one line: split on the separators that are not inside quotes or brackets. A
    quote or bracket left open would swallow the rest of the line, so then the line is split
    on every separator instead."""
    cells: list[str] = []
    current: list[str] = []
    closing: str | None = None
    for char in line:
        if closing is not None:
            current.append(char)
            if char == closing:
                closing = None
        elif char in SEPARATORS:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
            # A quote opens only at the start of a word, so "O'Brien" is not an open quote.
            previous = current[-2] if len(current) > 1 else " "
            if quoting and char in OPENING and (char not in "'‘" or not previous.isalnum()):
                closing = OPENING[char]
    if closing is not None:
        return _split(line, quoting=False)
    cells.append("".join(current))
    return [cell.strip() for cell in cells if cell.strip()]


def _is_name(cell: str) -> bool:
    """A name or another column of the row ("Ola J. Nordmann", "Nordmann", "1234"), not an address
    missing its "@" ("ola.bedrift.no")."""
    return bool(NAME.match(cell)) and ("." not in cell or " " in cell.strip())


def _address_of(cell: str) -> str:
    """The address a cell names (not yet validated), or "" when it has no "@"."""
    inside = ANGLE.search(cell)
    candidate = inside.group(1) if inside else re.sub(r"\([^()]*\)", " ", cell)
    candidate = candidate.strip().strip("\"'“”‘’«»").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    candidate = candidate.split("?", 1)[0].strip().strip(".,;")
    return candidate if "@" in candidate else ""


def _is_heading(cells: list[str]) -> bool:
    return bool(cells) and all(cell.strip(" :\"'").lower() in HEADINGS for cell in cells)


def parse_addresses(lines: list[str]) -> AddressList:
    """Read ``lines`` (the pasted text's lines, or a file's rows joined with tabs) into addresses
    and problems; nothing is dropped without being counted or named."""
    result = AddressList()
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        cells = _split(line or "")
        if not cells or (number == 1 and _is_heading(cells)):
            continue
        found = [(cell, _address_of(cell)) for cell in cells]
        if not any(address for _cell, address in found):
            message = _("No email address on this line.")
            result.problems.append(Entry(number, line.strip()[:MAX_TEXT], problem=message))
            continue
        for cell, address in found:
            if not address:
                if _is_name(cell):
                    continue  # a name, or another column of the row
                message = _("This is not an email address.")
                result.problems.append(Entry(number, cell[:MAX_TEXT], problem=message))
                continue
            try:
                validate_email(address)
            except ValidationError:
                message = _("“%(address)s” is not a valid email address.") % {"address": address[:MAX_TEXT]}
                result.problems.append(Entry(number, cell[:MAX_TEXT], problem=message))
                continue
            key = address.lower()
            if key in seen:
                result.repeats.append(Entry(number, cell[:MAX_TEXT], address=key))
                continue
            seen.add(key)
            result.addresses.append(Entry(number, cell[:MAX_TEXT], address=key))
    return result
