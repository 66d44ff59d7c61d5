"""A round's companies are listed by the name the cluster records for each (its membership)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_membership_facts'),
        ('surveys', '0009_one_invitation_per_round'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='roundcompany',
            options={'ordering': ['membership__name'], 'verbose_name': 'company in a round', 'verbose_name_plural': 'companies in a round'},
        ),
    ]
