"""A company role gets the cluster that granted it; 0005 fills it in, 0006 makes it required.

Three steps, because PostgreSQL cannot alter a table in the transaction that has just written to it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_invited_by_optional"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="companyrole", name="one_company_role_per_user"),
        migrations.AddField(
            model_name="companyrole",
            name="cluster",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(app_label)s_%(class)s_set",
                to="core.cluster",
            ),
        ),
    ]
