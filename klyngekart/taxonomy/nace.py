"""NACE Rev. 2.1 / SN2025 industry codes, shipped with the app (never fetched).

English names and the hierarchy come from the ``naceconverter`` package's ``nacecodes.csv``
(5 levels, Norwegian 5-digit sub-classes included); Norwegian names for sections and
divisions are ours, in ``data/nace_nb.csv``. Codes without a Norwegian name fall back to English.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils.translation import get_language

_NB_FILE = Path(__file__).parent / "data" / "nace_nb.csv"


@dataclass(frozen=True)
class NaceCode:
    code: str
    parent: str
    level: int
    name_en: str
    name_nb: str

    @property
    def name(self) -> str:
        """The name in the active language."""
        if (get_language() or "nb").startswith("en"):
            return self.name_en
        return self.name_nb or self.name_en

    @property
    def section(self) -> str:
        node = self
        codes = nace_codes()
        while node.level > 1 and node.parent in codes:
            node = codes[node.parent]
        return node.code


@cache
def nace_codes() -> dict[str, NaceCode]:
    with _NB_FILE.open(encoding="utf-8") as handle:
        nb_names = {row["code"]: row["name_nb"] for row in csv.DictReader(handle, delimiter=";")}
    source = resources.files("naceconverter").joinpath("nacecodes.csv")
    codes: dict[str, NaceCode] = {}
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code = row["code"].strip()
            codes[code] = NaceCode(
                code=code,
                parent=row["parentCode"].strip(),
                level=int(row["level"]),
                name_en=row["name"].strip(),
                name_nb=nb_names.get(code, ""),
            )
    return codes


def sections() -> list[NaceCode]:
    return [c for c in nace_codes().values() if c.level == 1]


def normalise_nace(value: object) -> str:
    """'62010', '62.010', ' 62.01 ', '62.1' -> the code as the reference data writes it.

    Excel turns '62.10' into the float 62.1; that still finds the right class."""
    text = str(value or "").strip().upper()
    if re.fullmatch(r"[A-V]", text):
        return text
    digits = re.sub(r"[^0-9]", "", text)
    if len(digits) < 2:
        return text
    if len(digits) == 2:
        return digits
    return f"{digits[:2]}.{digits[2:]}"


def lookup_nace(value: object) -> NaceCode | None:
    codes = nace_codes()
    code = normalise_nace(value)
    if code in codes:
        return codes[code]
    # A float from a spreadsheet may have lost a trailing zero: 62.10 -> 62.1 -> try 62.10.
    if "." in code:
        head, tail = code.split(".", 1)
        for width in (2, 3):
            padded = f"{head}.{tail.ljust(width, '0')}"
            if len(tail) < width and padded in codes:
                return codes[padded]
    return None


def divisions() -> list[NaceCode]:
    return [c for c in nace_codes().values() if c.level == 2]


def section_choices(*, blank_label: str | None = None) -> list[tuple[str, str]]:
    """(code, "C Industri") pairs for a select, named in the active language.

    A function rather than a constant, so the names follow the language of each request."""
    choices = [(s.code, f"{s.code} {s.name}") for s in sorted(sections(), key=lambda s: s.code)]
    if blank_label is not None:
        choices.insert(0, ("", blank_label))
    return choices
