"""Interests are listed by the name the cluster records for the company (its membership)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_membership_facts'),
        ('measures', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='measureinterest',
            options={'ordering': ['membership__name'], 'verbose_name': 'interest in a measure', 'verbose_name_plural': 'interests in measures'},
        ),
    ]
