"""Drop the single-column foreign-key indexes that a composite index already serves: (round, ...)
indexes serve ``round``, the unique (round_company, ...) constraints serve ``round_company``. Each
one cost an index insert per answer row and, at national scale, hundreds of MB.

On SQLite, AlterField would copy every table to a new one (24 million gap rows at national scale),
so the database side only drops the indexes; the state side records db_index=False."""

import django.db.models.deletion
from django.db import migrations, models

COVERED = [
    ("answer", "round"),
    ("areaaggregate", "round"),
    ("areaaggregate", "round_company"),
    ("gapanswer", "round"),
    ("questionaggregate", "round"),
    ("questionaggregate", "round_company"),
    ("segmentcount", "round"),
    ("segmentcount", "round_company"),
]


def _unindexed(model_name: str, field_name: str) -> migrations.AlterField:
    """The state change: the foreign key as it was, with db_index=False."""
    target = "surveys.round" if field_name == "round" else "surveys.roundcompany"
    return migrations.AlterField(
        model_name=model_name,
        name=field_name,
        field=models.ForeignKey(
            db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to=target
        ),
    )


def _names(schema_editor, apps):  # type: ignore[no-untyped-def]
    for model_name, field_name in COVERED:
        model = apps.get_model("surveys", model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        yield table, column, schema_editor._create_index_name(table, [column], suffix="")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for _table, _column, name in _names(schema_editor, apps):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table, column, name in _names(schema_editor, apps):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_round_aggregates_revision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[_unindexed(model, field) for model, field in COVERED],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
