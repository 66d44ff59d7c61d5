"""Every existing membership starts with its company's facts as they are now.

Until now a company's facts were one record that every cluster of the company read and any of them
could change, so what each cluster sees today is that record; each membership gets a copy and from
here on each cluster changes only its own. Where one cluster has already overwritten another's
entries, this copies the overwritten values as well: which cluster meant which value cannot be
told apart reliably, and the audit log of each cluster (``members.company.updated``) still says
who changed what, so a cluster can correct its own record. The company keeps its facts as the
shared record (changed from now on only by the company's own contact or a public register).

One UPDATE with a subquery per field set, so this stays quick at national scale.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

FIELDS = ("name", "nace_code", "nace_section", "size_class", "employees", "municipality", "region", "website")


def copy_company_facts(apps, schema_editor):
    Company = apps.get_model("members", "Company")
    Membership = apps.get_model("members", "Membership")
    company = Company.objects.filter(pk=OuterRef("company_id"))
    Membership.objects.update(**{name: Subquery(company.values(name)[:1]) for name in FIELDS})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_membership_facts"),
    ]

    operations = [
        migrations.RunPython(copy_company_facts, migrations.RunPython.noop),
    ]
