"""Full-text search per database (landscape/fts.py, read by landscape/search.py). PostgreSQL: a
stored generated column ``search_vector`` = to_tsvector('simple', search_document) with a GIN
index, so a match never computes a vector per row, even when the planner scans. SQLite: an FTS5
table kept in step by triggers. The model does not declare the column: the database fills it."""

from django.db import migrations

from klyngekart.landscape import fts


def create(apps, schema_editor):
    fts.create(schema_editor)


def drop(apps, schema_editor):
    fts.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("landscape", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
