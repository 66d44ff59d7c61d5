"""Date and number formats per language (settings.FORMAT_MODULE_PATH).

Django's "en" formats are American (12/7/2026, 2 p.m.). Our English readers are in Norway and
Europe, so English uses British day-month-year dates and a 24-hour clock. Norwegian keeps Django's."""
