"""An address is invited at most once per round (0008 gave every invitation its round)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0008_padding_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="respondentinvitation",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.round"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="respondentinvitation",
            name="one_invitation_per_email",
        ),
        migrations.AddConstraint(
            model_name="respondentinvitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("email", ""), _negated=True),
                fields=("round", "email"),
                name="one_invitation_per_round_email",
            ),
        ),
    ]
