"""Full-text search per database (landscape/search.py). PostgreSQL: a stored generated column
``search_vector`` = to_tsvector('simple', search_document) with a GIN index, so a match never
computes a vector per row, even when the planner scans. SQLite: an FTS5 table kept in step by
triggers. The model does not declare the column: the database fills it."""

from django.db import migrations

FTS = "landscape_profile_fts"
TABLE = "landscape_clusterprofile"
INDEX = "landscape_search_gin"
POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_document, ''))) STORED",
    f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)",
]
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {INDEX}", f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector"]

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_document, content='{TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_document) VALUES ('delete', old.id, old.search_document); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_document ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_document) VALUES ('delete', old.id, old.search_document); "
    f"INSERT INTO {FTS}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("landscape", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
