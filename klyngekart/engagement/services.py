"""Writes of the engagement app: the cluster's weights (audited), the kept scores (refreshed for a
few companies when their inputs change, rebuilt for a whole cluster every night and after the
weights change) and the mail to the contacts of the members at risk (audited, sent by a task)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klyngekart.core.audit import audit_log
from klyngekart.core.models import Cluster
from klyngekart.engagement import scoring, selectors
from klyngekart.engagement.models import EngagementMail, EngagementScore, EngagementSettings
from klyngekart.members.models import Membership, MembershipStatus

SETTINGS_FIELDS = (
    "weight_strategy",
    "weight_response",
    "weight_registered",
    "weight_attended",
    "weight_feedback",
    "weight_measures",
    "target_registered",
    "target_attended",
    "target_feedback",
    "target_measures",
    "falling_points",
)
SCORE_FIELDS = (
    "name",
    "size_class",
    "score",
    "score_before",
    "parts",
    "strategy",
    "invited",
    "completed",
    "response_rate",
    "registered",
    "attended",
    "feedback",
    "measures",
    "last_participation",
    "at_risk",
)
BATCH = 500


@transaction.atomic
def engagement_settings_update(
    *, cluster: Cluster, actor: Any, data: Mapping[str, Any]
) -> EngagementSettings:
    """Save the cluster's weights and targets; every score is worked out again after the commit."""
    current = EngagementSettings.objects.filter(cluster=cluster).select_for_update().first()
    item = current or EngagementSettings(cluster=cluster)
    changed = []
    for name in SETTINGS_FIELDS:
        if name in data and getattr(item, name) != data[name]:
            setattr(item, name, data[name])
            changed.append(name)
    # The fields' own rules first: a missing (null) weight is refused at its field before the sum.
    item.full_clean()
    if not any(scoring.weight_of(item, part) for part in scoring.PARTS):
        raise ValidationError(_("Give at least one part a weight above zero."))
    item.save()
    if changed:
        audit_log(
            cluster=cluster,
            actor=actor,
            action="engagement.settings.changed",
            target=item,
            data={"fields": changed, **{name: getattr(item, name) for name in changed}},
        )
        from klyngekart.engagement.tasks import rebuild_cluster_scores

        cluster_id = cluster.pk
        transaction.on_commit(lambda: rebuild_cluster_scores(cluster_id))
    return item


def _row_values(
    membership: Membership,
    inputs: scoring.Inputs,
    weights: scoring.Weights,
    score_before: int | None,
    today: dt.date,
) -> dict[str, Any]:
    parts = scoring.parts_of(inputs, weights)
    score = scoring.score_of(parts, weights)
    return {
        "name": membership.name,
        "size_class": membership.size_class,
        "score": score,
        "score_before": score_before,
        "parts": parts,
        "strategy": inputs.strategy,
        "invited": inputs.invited,
        "completed": inputs.completed,
        "response_rate": inputs.response_rate,
        "registered": inputs.registered,
        "attended": inputs.attended,
        "feedback": inputs.feedback,
        "measures": inputs.measures,
        "last_participation": inputs.last_participation,
        "at_risk": scoring.is_at_risk(
            score=score,
            score_before=score_before,
            last_participation=inputs.last_participation,
            today=today,
            falling=weights.falling_points,
        ),
    }


def _save_rows(cluster: Cluster, values: dict[int, dict[str, Any]]) -> int:
    existing = {
        row.membership_id: row for row in EngagementScore.objects.filter(membership_id__in=list(values))
    }
    changed, created = [], []
    for membership_id, row_values in values.items():
        row = existing.get(membership_id)
        if row is None:
            created.append(EngagementScore(cluster=cluster, membership_id=membership_id, **row_values))
            continue
        if any(getattr(row, name) != value for name, value in row_values.items()):
            for name, value in row_values.items():
                setattr(row, name, value)
            row.updated_at = timezone.now()
            changed.append(row)
    EngagementScore.objects.bulk_create(created, batch_size=BATCH)
    EngagementScore.objects.bulk_update(changed, [*SCORE_FIELDS, "updated_at"], batch_size=BATCH)
    return len(changed) + len(created)


def scores_refresh(*, cluster: Cluster, membership_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Work out again the scores of a few memberships after their inputs changed (the score six
    months ago stays as the nightly rebuild left it). A membership that is no longer active loses
    its score. Returns how many rows were written or removed. Runs inside the cluster's scope."""
    now = now or timezone.now()
    ids = set(membership_ids)
    weights = selectors.settings_of(cluster)
    inputs = scoring.compute_inputs(cluster, end=now, membership_ids=ids)
    memberships = {m.pk: m for m in Membership.objects.filter(pk__in=list(inputs))}
    before = dict(
        EngagementScore.objects.filter(membership_id__in=list(inputs)).values_list(
            "membership_id", "score_before"
        )
    )
    values = {
        pk: _row_values(memberships[pk], item, weights, before.get(pk), now.date())
        for pk, item in inputs.items()
    }
    with transaction.atomic():
        removed, _rows = EngagementScore.objects.filter(membership_id__in=ids - set(inputs)).delete()
        return _save_rows(cluster, values) + removed


def _score_before(
    cluster: Cluster, weights: scoring.Weights, now: dt.datetime, memberships: dict[int, Membership]
) -> dict[int, int]:
    """Each membership's score over the twelve months that ended six months ago; none for a
    company that was not a member then."""
    then = now - scoring.HALF_YEAR

    def member_then(pk: int) -> bool:
        membership = memberships.get(pk)
        if membership is None:
            return False
        return membership.joined_on is None or membership.joined_on <= then.date()

    earlier = scoring.compute_inputs(cluster, end=then)
    return {
        pk: scoring.score_of(scoring.parts_of(item, weights), weights)
        for pk, item in earlier.items()
        if member_then(pk)
    }


def scores_rebuild(*, cluster: Cluster, now: dt.datetime | None = None) -> int:
    """Every score of the cluster from the raw rows, with the score six months ago: the nightly
    rebuild, and what follows a change of the weights. Runs inside the cluster's scope."""
    now = now or timezone.now()
    weights = selectors.settings_of(cluster)
    inputs = scoring.compute_inputs(cluster, end=now)
    memberships = {
        m.pk: m
        for m in Membership.objects.filter(status=MembershipStatus.ACTIVE).only(
            "pk", "name", "size_class", "joined_on"
        )
    }
    before = _score_before(cluster, weights, now, memberships)
    values = {
        pk: _row_values(memberships[pk], item, weights, before.get(pk), now.date())
        for pk, item in inputs.items()
        if pk in memberships
    }
    with transaction.atomic():
        removed, _rows = EngagementScore.objects.exclude(membership_id__in=list(values)).delete()
        return _save_rows(cluster, values) + removed


def at_risk_mail_send(*, cluster: Cluster, actor: Any, subject: str, message: str) -> EngagementMail:
    """Mail the contacts of every member at risk: one mail per address, each in its person's
    language, from the queue after the commit. Audited with the number of companies and addresses."""
    subject, message = subject.strip(), message.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    if not message:
        errors["message"] = _("Write a message.")
    if errors:
        raise ValidationError(errors)
    recipients = selectors.at_risk_recipients(cluster)
    if not recipients:
        raise ValidationError(_("No member at risk has a contact with an email address."))
    with transaction.atomic():
        mail = EngagementMail(
            cluster=cluster,
            subject=subject,
            message=message,
            recipients=[
                {"email": r.email, "language": r.language, "membership": r.membership_id} for r in recipients
            ],
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        mail.full_clean()
        mail.save()
        audit_log(
            cluster=cluster,
            actor=actor,
            action="engagement.mail.sent",
            target=mail,
            data={
                "count": len(recipients),
                "companies": len({r.membership_id for r in recipients}),
            },
        )
        from klyngekart.engagement.tasks import send_at_risk_mail

        cluster_id, mail_id = cluster.pk, mail.pk
        transaction.on_commit(lambda: send_at_risk_mail(cluster_id, mail_id))
    return mail
