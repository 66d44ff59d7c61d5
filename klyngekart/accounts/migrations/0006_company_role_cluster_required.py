"""A company role's cluster is required (filled in by 0005, in its own transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_company_role_cluster_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="companyrole",
            name="cluster",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(app_label)s_%(class)s_set",
                to="core.cluster",
            ),
        ),
        migrations.AlterField(
            model_name="companyrole",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name="companyrole",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AddConstraint(
            model_name="companyrole",
            constraint=models.UniqueConstraint(
                fields=("cluster", "company", "user"), name="one_company_role_per_user_in_cluster"
            ),
        ),
    ]
