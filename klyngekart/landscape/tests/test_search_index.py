"""The migrations leave the full-text index in place: a later migration that made SQLite copy the
profiles' table would otherwise drop the triggers that keep FTS5 in step (landscape/fts.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from klyngekart.landscape import fts

pytestmark = pytest.mark.django_db


def test_the_search_index_and_what_keeps_it_in_step_exist() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [fts.TABLE]
            )
            assert {row[0] for row in cursor.fetchall()} == set(fts.TRIGGERS)
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [fts.FTS])
            assert cursor.fetchone() is not None
        else:
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                [fts.TABLE, "search_vector"],
            )
            assert cursor.fetchone() == ("ALWAYS",)
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [fts.GIN_INDEX])
            assert "gin (search_vector)" in cursor.fetchone()[0]
