"""The database objects of full-text search, made by migrations (landscape/search.py reads them).

SQLite: an FTS5 table with external content (the profiles' ``search_document``) and three
triggers that keep it in step. A migration that changes ``ClusterProfile`` on SQLite makes Django
copy the table to a new one and drop the old, which drops the triggers with it: such a migration
must call ``sqlite_triggers`` afterwards (as 0003 does). test_search_index pins it.

PostgreSQL: the stored generated column ``search_vector`` and its GIN index."""

from __future__ import annotations

from typing import Any

TABLE = "landscape_clusterprofile"
FTS = "landscape_profile_fts"
GIN_INDEX = "landscape_search_gin"
TRIGGERS = (f"{FTS}_ai", f"{FTS}_ad", f"{FTS}_au")

# Spelled out rather than built from the names above: these are statements, not templates.
_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS landscape_profile_fts USING fts5(search_document, "
    "content='landscape_clusterprofile', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS landscape_profile_fts_ai AFTER INSERT ON landscape_clusterprofile BEGIN "
    "INSERT INTO landscape_profile_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS landscape_profile_fts_ad AFTER DELETE ON landscape_clusterprofile BEGIN "
    "INSERT INTO landscape_profile_fts(landscape_profile_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS landscape_profile_fts_au AFTER UPDATE OF search_document "
    "ON landscape_clusterprofile BEGIN "
    "INSERT INTO landscape_profile_fts(landscape_profile_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO landscape_profile_fts(rowid, search_document) VALUES (new.id, new.search_document); END",
]
_SQLITE_REBUILD = "INSERT INTO landscape_profile_fts(landscape_profile_fts) VALUES ('rebuild')"
_POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_document, ''))) STORED",
    f"CREATE INDEX {GIN_INDEX} ON {TABLE} USING gin (search_vector)",
]
_POSTGRES_DROP = [
    f"DROP INDEX IF EXISTS {GIN_INDEX}",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def create(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _POSTGRES_CREATE:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute(_SQLITE_TABLE)
        sqlite_triggers(schema_editor)


def sqlite_triggers(schema_editor: Any) -> None:
    """(Re)make the triggers and rebuild the index from the table; nothing on other databases."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _SQLITE_TRIGGERS:
        schema_editor.execute(statement)
    schema_editor.execute(_SQLITE_REBUILD)


def drop(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _POSTGRES_DROP:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for trigger in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
