"""Tasks of the engagement app (huey): the scores of the companies whose inputs changed, the nightly
rebuild of every cluster's scores (with the score six months ago), and the mail to the members at
risk. Arguments are ids only; each task reads what it needs when it runs."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.engagement import services
from klyngekart.engagement.mail import at_risk_mail_deliver


@db_task()
def refresh_scores(cluster_id: int, membership_ids: list[int]) -> int:
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return 0
    with scope(cluster):
        return services.scores_refresh(cluster=cluster, membership_ids=membership_ids)


@db_task()
def rebuild_cluster_scores(cluster_id: int) -> int:
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        return 0
    with scope(cluster):
        return services.scores_rebuild(cluster=cluster)


@db_periodic_task(crontab(hour=2, minute=40))
def rebuild_all_scores() -> int:
    """Every night: each cluster's scores from the raw rows, so the six months' comparison moves on
    and what no signal reported (bulk updates) is counted."""
    written = 0
    for cluster in Cluster.objects.order_by("pk"):
        with scope(cluster):
            written += services.scores_rebuild(cluster=cluster)
    return written


@db_task()
def send_at_risk_mail(cluster_id: int, mail_id: int) -> int:
    return at_risk_mail_deliver(cluster_id=cluster_id, mail_id=mail_id)
