"""Drop the single-column foreign-key indexes that a composite index already serves: (round, ...)
indexes serve ``round``, the unique (round_company, ...) constraints serve ``round_company``. Each
one cost an index insert per answer row and, at national scale, hundreds of MB.

The database side only drops the indexes (see klyngekart.core.index_migrations)."""

import django.db.models.deletion
from django.db import migrations, models

from klyngekart.core.index_migrations import unindexed_foreign_keys

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


def _unindexed(field_name: str) -> models.ForeignKey:
    """The foreign key as it was, with db_index=False."""
    target = "surveys.round" if field_name == "round" else "surveys.roundcompany"
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to=target
    )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_round_aggregates_revision"),
    ]

    operations = [
        unindexed_foreign_keys("surveys", [(model, field, _unindexed(field)) for model, field in COVERED]),
    ]
