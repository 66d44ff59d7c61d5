"""Full-text search per database (landscape/search.py): a GIN index on to_tsvector('simple',
search_document) on PostgreSQL, an FTS5 table kept in step by triggers on SQLite."""

from django.db import migrations

FTS = "landscape_profile_fts"
TABLE = "landscape_clusterprofile"
INDEX = "landscape_search_gin"

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


def _gin_index():
    from django.contrib.postgres.indexes import GinIndex

    from klyngekart.landscape.search import search_vector

    return GinIndex(search_vector(), name=INDEX)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("landscape", "ClusterProfile"), _gin_index())
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("landscape", "ClusterProfile"), _gin_index())
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("landscape", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
