"""Norwegian counties (fylker) as of 1 January 2024, with their official numbers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Proper names: the same in nb and en, so they are not translated.
COUNTIES: list[tuple[str, str]] = [
    ("03", "Oslo"),
    ("11", "Rogaland"),
    ("15", "Møre og Romsdal"),
    ("18", "Nordland"),
    ("31", "Østfold"),
    ("32", "Akershus"),
    ("33", "Buskerud"),
    ("34", "Innlandet"),
    ("39", "Vestfold"),
    ("40", "Telemark"),
    ("42", "Agder"),
    ("46", "Vestland"),
    ("50", "Trøndelag"),
    ("55", "Troms"),
    ("56", "Finnmark"),
]
ABROAD = "99"
REGION_CHOICES = [*COUNTIES, (ABROAD, _("Outside Norway"))]
_BY_CODE = dict(REGION_CHOICES)
_BY_NAME = {name.casefold(): code for code, name in COUNTIES}
# Older county names still found in spreadsheets and registry exports.
_BY_NAME.update(
    {
        "viken": "",
        "vestfold og telemark": "",
        "troms og finnmark": "",
        "hordaland": "46",
        "sogn og fjordane": "46",
        "sør-trøndelag": "50",
        "nord-trøndelag": "50",
        "hedmark": "34",
        "oppland": "34",
        "aust-agder": "42",
        "vest-agder": "42",
        "utlandet": ABROAD,
        "outside norway": ABROAD,
    }
)


def region_name(code: str) -> str:
    return str(_BY_CODE.get(code, ""))


def parse_region(value: str) -> str | None:
    """A county code from a code or a name; '' for an ambiguous old county; None if unknown."""
    text = (value or "").strip()
    if not text:
        return ""
    if text in _BY_CODE:
        return text
    if text.isdigit() and text.zfill(2) in _BY_CODE:
        return text.zfill(2)
    return _BY_NAME.get(text.casefold())
