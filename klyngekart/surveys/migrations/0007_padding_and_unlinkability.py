"""Padding and unlinkability (issue 12, items 4 and 5): the schema. 0008 moves the data, 0009 adds
the constraint. (Three migrations, as PostgreSQL neither alters a table nor builds its indexes in a
transaction that has updated its rows.)

- Open links are opt-in: new company parts start with the open link off. Existing parts keep what
  they have (only the default changes), so a round already being answered is not cut off.
- Invitations carry their round, so that an address is invited at most once per round (0009).
- A personal link stores one response (``Response.invitation_key``) even before its invitation's
  completion is applied, which now happens after commit, in shuffled batches (``PendingCompletion``).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("surveys", "0006_round_release"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roundcompany",
            name="open_link_enabled",
            field=models.BooleanField(default=False, verbose_name="open link"),
        ),
        migrations.AddField(
            model_name="respondentinvitation",
            name="round",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round"
            ),
        ),
        migrations.AddField(
            model_name="response",
            name="invitation_key",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.CreateModel(
            name="PendingCompletion",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("sealed", models.BinaryField()),
                (
                    "cluster",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(app_label)s_%(class)s_set",
                        to="core.cluster",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round"
                    ),
                ),
            ],
            options={
                "verbose_name": "pending completion",
                "verbose_name_plural": "pending completions",
            },
        ),
    ]
