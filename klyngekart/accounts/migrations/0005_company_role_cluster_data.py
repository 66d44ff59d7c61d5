"""A company role records the cluster that granted it (issue 12, finding 1).

Until now a company role had no cluster and counted in every cluster where its company was an
active member, so a cluster could hand out access to another cluster's data by inviting someone
as contact of a shared company. Each existing role gets the cluster(s) it belongs to by this rule:

1. The cluster(s) whose audit log records granting this very role (``accounts.role.granted`` with
   the role as its target, written when an invitation is accepted). That cluster chose the person;
   the other clusters of the company never did, so the role is not copied to them. Where two
   clusters both granted it (an invitation from each, which used to update the one row), it
   becomes one row in each.
2. A role with no such audit row (made by the demo, a command or the platform admin) becomes one
   row per cluster where its company has a membership, whatever the membership's status: that is
   where it could give access before (a paused or ended membership gives none, now as then), so
   nobody loses access they had.
3. A role whose company has no membership anywhere gave no access and has no cluster to belong to;
   it is deleted.

A person who loses access to a cluster by rule 1 gets it back by that cluster's own invitation.
Going back keeps one row per company and person (the oldest).
"""

from collections import defaultdict

from django.db import migrations


def split_roles_by_cluster(apps, schema_editor):
    CompanyRole = apps.get_model("accounts", "CompanyRole")
    Membership = apps.get_model("members", "Membership")
    AuditLog = apps.get_model("core", "AuditLog")

    granted_in: dict[str, set[int]] = defaultdict(set)
    grants = AuditLog.objects.filter(action="accounts.role.granted", object_type="accounts.companyrole")
    for object_id, cluster_id in grants.values_list("object_id", "cluster_id"):
        granted_in[object_id].add(cluster_id)
    member_of: dict[int, set[int]] = defaultdict(set)
    for company_id, cluster_id in Membership.objects.values_list("company_id", "cluster_id"):
        member_of[company_id].add(cluster_id)

    for role in CompanyRole.objects.filter(cluster__isnull=True).order_by("pk"):
        clusters = sorted(granted_in.get(str(role.pk)) or member_of.get(role.company_id) or ())
        if not clusters:
            role.delete()
            continue
        role.cluster_id = clusters[0]
        role.save(update_fields=["cluster"])
        CompanyRole.objects.bulk_create(
            CompanyRole(user_id=role.user_id, company_id=role.company_id, role=role.role, cluster_id=cluster_id)
            for cluster_id in clusters[1:]
        )


def one_role_per_company_and_user(apps, schema_editor):
    CompanyRole = apps.get_model("accounts", "CompanyRole")
    seen: set[tuple[int, int]] = set()
    for role in CompanyRole.objects.order_by("pk"):
        key = (role.company_id, role.user_id)
        if key in seen:
            role.delete()
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_company_role_cluster"),
        ("core", "0001_initial"),
        ("members", "0002_pending_import"),
    ]

    operations = [
        migrations.RunPython(split_roles_by_cluster, one_role_per_company_and_user),
    ]
