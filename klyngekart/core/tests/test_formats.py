"""English pages write dates the British way; Norwegian keeps its own."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation

DAY = dt.date(2026, 12, 7)
MOMENT = dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC)


def test_english_dates_are_day_month_year_with_a_24_hour_clock() -> None:
    with translation.override("en"):
        assert formats.date_format(DAY) == "7 December 2026"
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "07/12/2026"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "07/12/2026 14:30"


def test_english_forms_read_iso_and_british_dates() -> None:
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("2026-12-07") == DAY
        assert field.clean("07/12/2026") == DAY


def test_norwegian_dates_are_unchanged() -> None:
    with translation.override("nb"):
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "07.12.2026"
