"""Free text as a release shows it: no e-mail addresses, phone numbers or registered people's names."""

from __future__ import annotations

import pytest
from django.utils import translation

from klyngekart.surveys.results.scrub import Scrubber

NAMES = Scrubber.for_names(["Kari Nordmann", "Per Olsen", "ola@example.no", "", "Bo"])


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "text",
    [
        "Send det til kari.nordmann+hr@bedrift.no, takk",
        "Ring meg på 912 34 567",
        "Ring meg på +47 91234567 i morgen",
        "Sentralbord 22 33 44 55",
        "Telefon 0047-912-34-567",
    ],
)
def test_contact_details_are_replaced(text: str) -> None:
    scrubbed = NAMES.scrub(text)
    assert "@" not in scrubbed
    assert not any(run in scrubbed for run in ("912", "9123", "22 33", "4567"))
    assert "[e-mail]" in scrubbed or "[phone]" in scrubbed


def test_numbers_that_are_not_phone_numbers_stay() -> None:
    text = "Vi er 40 ansatte, 3 skift, og brukte 1500 timer på kurs i 2025."
    assert NAMES.scrub(text) == text


def test_a_registered_persons_name_goes_whole_or_in_part() -> None:
    assert NAMES.scrub("Kari Nordmann i innkjøp bør få ansvaret") == "[name] i innkjøp bør få ansvaret"
    assert NAMES.scrub("kari nordmann sa det") == "[name] sa det"
    assert NAMES.scrub("Spør Per om det, eller Olsen") == "Spør [name] om det, eller [name]"


def test_ordinary_words_stay_even_when_a_name_is_spelt_so() -> None:
    """A single part of a name only goes when written as a name (capitalised); short parts never."""
    assert NAMES.scrub("Vi tar 2 kurs per år") == "Vi tar 2 kurs per år"
    assert NAMES.scrub("Bo gjerne nær jobben") == "Bo gjerne nær jobben"
    assert NAMES.scrub("Perfekt opplegg") == "Perfekt opplegg"


def test_the_marks_follow_the_language() -> None:
    with translation.override("nb"):
        text = Scrubber().scrub("ola@example.no")
    assert text.startswith("[") and "@" not in text
