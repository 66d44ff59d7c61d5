"""Each cluster keeps its own facts about its member companies (issue 12, finding 2; see
docs/decisions/0002-company-facts-per-cluster.md). 0004 fills them in."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_pending_import'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='company',
            options={'ordering': ['org_number', 'country', 'foreign_id'], 'verbose_name': 'company', 'verbose_name_plural': 'companies'},
        ),
        migrations.AlterModelOptions(
            name='membership',
            options={'ordering': ['name', 'id'], 'verbose_name': 'membership', 'verbose_name_plural': 'memberships'},
        ),
        migrations.AddField(
            model_name='membership',
            name='employees',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='employees'),
        ),
        migrations.AddField(
            model_name='membership',
            name='municipality',
            field=models.CharField(blank=True, max_length=100, verbose_name='municipality'),
        ),
        migrations.AddField(
            model_name='membership',
            name='nace_code',
            field=models.CharField(blank=True, max_length=10, verbose_name='NACE code'),
        ),
        migrations.AddField(
            model_name='membership',
            name='nace_section',
            field=models.CharField(blank=True, editable=False, max_length=1, verbose_name='NACE section'),
        ),
        migrations.AddField(
            model_name='membership',
            name='name',
            field=models.CharField(default='', max_length=200, verbose_name='name'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='membership',
            name='region',
            field=models.CharField(blank=True, choices=[('03', 'Oslo'), ('11', 'Rogaland'), ('15', 'Møre og Romsdal'), ('18', 'Nordland'), ('31', 'Østfold'), ('32', 'Akershus'), ('33', 'Buskerud'), ('34', 'Innlandet'), ('39', 'Vestfold'), ('40', 'Telemark'), ('42', 'Agder'), ('46', 'Vestland'), ('50', 'Trøndelag'), ('55', 'Troms'), ('56', 'Finnmark'), ('99', 'Outside Norway')], max_length=2, verbose_name='region'),
        ),
        migrations.AddField(
            model_name='membership',
            name='size_class',
            field=models.CharField(blank=True, choices=[('micro', 'Micro (under 10)'), ('small', 'Small (10–49)'), ('medium', 'Medium (50–249)'), ('large', 'Large (250 or more)')], max_length=10, verbose_name='size class'),
        ),
        migrations.AddField(
            model_name='membership',
            name='website',
            field=models.URLField(blank=True, verbose_name='website'),
        ),
    ]
