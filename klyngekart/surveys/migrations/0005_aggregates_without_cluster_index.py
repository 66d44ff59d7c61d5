"""Drop the cluster_id index of the three aggregate tables. Every read of an aggregate also names
its round or its company, which the composite indexes serve; SQLite, without statistics, chose the
cluster index instead and walked the whole cluster's table (models.responses._aggregate_cluster).
The database side only drops the indexes (see klyngekart.core.index_migrations)."""

import django.db.models.deletion
from django.db import migrations, models

from klyngekart.core.index_migrations import unindexed_foreign_keys

AGGREGATES = ["areaaggregate", "questionaggregate", "segmentcount"]


def _unindexed(model_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=f"surveys_{model_name}_set",
        to="core.cluster",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("surveys", "0004_drop_indexes_covered_by_composites"),
    ]

    operations = [
        unindexed_foreign_keys("surveys", [(model, "cluster", _unindexed(model)) for model in AGGREGATES]),
    ]
