"""A migration operation for dropping the single-column index Django gives a foreign key.

On SQLite, AlterField(db_index=False) would copy the whole table to a new one (24 million gap rows
at national scale), so the database side only drops the index (and its reverse creates it again)
while the state side records the field with db_index=False."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import migrations, models


def unindexed_foreign_keys(
    app_label: str, fields: Sequence[tuple[str, str, models.ForeignKey]]
) -> migrations.SeparateDatabaseAndState:
    """``fields``: (model name, field name, the field as it now is, with db_index=False)."""

    def names(apps: Any, schema_editor: Any) -> Iterator[tuple[str, str, str]]:
        for model_name, field_name, _field in fields:
            model = apps.get_model(app_label, model_name)
            table = model._meta.db_table
            column = model._meta.get_field(field_name).column
            yield table, column, schema_editor._create_index_name(table, [column], suffix="")

    def drop(apps: Any, schema_editor: Any) -> None:
        for _table, _column, name in names(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def create(apps: Any, schema_editor: Any) -> None:
        for table, column, name in names(apps, schema_editor):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
                f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
            )

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field)
            for model_name, field_name, field in fields
        ],
        database_operations=[migrations.RunPython(drop, create)],
    )
