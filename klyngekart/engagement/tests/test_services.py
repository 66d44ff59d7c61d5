"""The kept scores: worked out from registrations, check-ins, interests, strategies and round
counters; refreshed after the commit of whatever changes them; rebuilt with the score six months
ago; the weights audited; members who leave lose their score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from klyngekart.activities.services import attendance_check_in, registration_cancel, registration_create
from klyngekart.activities.tests.factories import make_activity
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.engagement import scoring, selectors, services
from klyngekart.engagement.models import EngagementScore
from klyngekart.engagement.tests.factories import (
    days_ago,
    interest,
    member,
    registration,
    round_part,
    strategy,
)
from klyngekart.members.models import Membership
from klyngekart.members.services import membership_end

pytestmark = pytest.mark.django_db


def _score(membership: Membership) -> EngagementScore:
    with scopes_disabled():
        return EngagementScore.objects.get(membership=membership)


def _rebuild(cluster, **kwargs):
    with scope(cluster):
        return services.scores_rebuild(cluster=cluster, **kwargs)


def test_the_counts_come_from_the_rows_of_the_last_twelve_months(world):
    m = world.membership
    registration(m, days=20, attended=True)
    registration(m, days=40)
    registration(m, days=400)  # before the period
    interest(m, days=30)
    strategy(m, days=60)
    round_part(m, invited=10, completed=5, days=90)
    round_part(m, kind="pulse", completed=5, days=50)
    round_part(m, kind="activity_feedback", completed=2, days=25)  # under k: not counted
    round_part(m, kind="annual_member", completed=3, days=500)  # before the period
    _rebuild(world.cluster)
    row = _score(m)
    assert (row.registered, row.attended, row.measures, row.feedback) == (2, 1, 1, 5)
    assert row.strategy is True
    assert (row.invited, row.completed, row.response_rate) == (10, 5, Decimal("0.5000"))
    assert row.last_participation == days_ago(20).date()
    assert row.parts == {
        "strategy": 1.0,
        "response": 0.5,
        "registered": 0.5,
        "attended": pytest.approx(1 / 3),
        "feedback": 1.0,
        "measures": 1.0,
    }
    expected = 15 * 1 + 20 * 0.5 + 15 * 0.5 + 25 / 3 + 10 * 1 + 15 * 1
    assert row.score == round(expected)
    assert row.at_risk is False


def test_the_response_rate_is_the_one_the_round_progress_shows(world):
    m = world.membership
    part = round_part(m, invited=4, completed=6, days=10, open_link=True)
    _rebuild(world.cluster)
    with scopes_disabled():
        assert _score(m).response_rate == Decimal(str(part.response_rate)).quantize(Decimal("0.0001"))


def test_a_round_with_fewer_answers_than_k_adds_nothing(world):
    m = world.membership
    round_part(m, invited=10, completed=4, days=30)  # the progress page shows "under 5"
    round_part(m, kind="pulse", completed=4, days=20)
    _rebuild(world.cluster)
    row = _score(m)
    assert (row.invited, row.completed, row.response_rate, row.feedback) == (10, 0, None, 0)
    assert row.last_participation is None


def test_a_cancelled_registration_and_a_draft_strategy_count_for_nothing(world):
    m = world.membership
    item = registration(m, days=5)
    with scopes_disabled():
        item.status = "cancelled"
        item.save()
    strategy(m)
    with scopes_disabled():
        m.strategies.update(status="draft")
    _rebuild(world.cluster)
    row = _score(m)
    assert (row.registered, row.strategy) == (0, False)


def test_the_score_follows_a_registration_after_the_commit(world, django_capture_on_commit_callbacks):
    activity = make_activity(cluster=world.cluster)
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        item = registration_create(
            activity=activity,
            actor=world.users["staff"],
            email="ola@example.no",
            membership=world.membership,
            notify=False,
        )
    assert _score(world.membership).registered == 1
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        attendance_check_in(registration=item, day=activity.starts_at.date(), actor=world.users["staff"])
    # The activity is in two weeks: a check-in on its day lies after today, outside the period.
    assert _score(world.membership).registered == 1
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        item.refresh_from_db()
    other = make_activity(cluster=world.cluster)
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        second = registration_create(
            activity=other,
            actor=world.users["staff"],
            email="kari@example.no",
            membership=world.membership,
            notify=False,
        )
        registration_cancel(registration=second, actor=world.users["staff"])
    assert _score(world.membership).registered == 1


def test_nothing_is_queued_for_a_change_that_is_rolled_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration(world.membership, days=3)
    assert callbacks  # queued for after the commit, not run inside the transaction
    with scopes_disabled():
        assert not EngagementScore.objects.filter(membership=world.membership).exists()


def test_a_member_who_leaves_loses_the_score(world, django_capture_on_commit_callbacks):
    _rebuild(world.cluster)
    assert _score(world.membership)
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        membership_end(membership=world.membership, actor=world.users["manager"], left_on=days_ago(0).date())
    with scopes_disabled():
        assert not EngagementScore.objects.filter(membership=world.membership).exists()


def test_the_rebuild_keeps_the_score_six_months_ago_and_flags_a_fall(world):
    m = world.membership
    with scopes_disabled():
        Membership.objects.filter(pk=m.pk).update(joined_on=days_ago(800).date())
    # Very active a year and a half ago (inside the period that ended six months ago, before the
    # present one), a little active lately.
    for days in (400, 420, 440, 460, 480):
        registration(m, days=days, attended=True)
    interest(m, days=420)
    registration(m, days=10)
    _rebuild(world.cluster)
    row = _score(m)
    assert row.score_before is not None and row.score_before > row.score
    assert row.score_before - row.score > 15
    assert row.at_risk is True
    assert row.change == row.score - row.score_before


def test_no_participation_for_six_months_is_at_risk(world):
    registration(world.membership, days=200, attended=True)
    registration(world.other_membership, days=5)
    _rebuild(world.cluster)
    assert _score(world.membership).at_risk is True
    assert _score(world.other_membership).at_risk is False


def test_a_member_joined_lately_has_no_score_six_months_ago(world):
    with scopes_disabled():
        Membership.objects.filter(pk=world.membership.pk).update(joined_on=days_ago(30).date())
    registration(world.membership, days=5)
    _rebuild(world.cluster)
    assert _score(world.membership).score_before is None


def _very_active(membership: Membership, *, measures: bool = True) -> None:
    strategy(membership)
    round_part(membership, invited=5, completed=5, days=20)
    for days in (5, 15, 25, 35):
        registration(membership, days=days, attended=True)
    round_part(membership, kind="pulse", completed=5, days=10)
    if measures:
        interest(membership)


def test_champions_are_the_top_tenth_scoring_70_or_more(world):
    members = [member(world.cluster) for _ in range(18)]  # 20 with the world's two
    first, second, third = members[:3]
    _very_active(first)
    _very_active(second)
    _very_active(third, measures=False)
    _rebuild(world.cluster)
    assert (_score(first).score, _score(second).score, _score(third).score) == (100, 100, 85)
    with scope(world.cluster):
        cutoff = selectors.champion_cutoff(world.cluster)
        champions = {row.membership_id for row in selectors.score_list(world.cluster, show="champions")}
    # The top tenth of 20 members is two: the third scores over 70 but is not among them.
    assert cutoff == 100
    assert champions == {first.pk, second.pk}


def test_no_champions_below_70_even_at_the_top(world):
    registration(world.membership, days=3)
    _rebuild(world.cluster)
    with scope(world.cluster):
        assert selectors.champion_cutoff(world.cluster) == scoring.CHAMPION_MIN
        assert list(selectors.score_list(world.cluster, show="champions")) == []


def test_the_weights_are_saved_audited_and_rescore_the_cluster(world, django_capture_on_commit_callbacks):
    strategy(world.membership)
    _rebuild(world.cluster)
    before = _score(world.membership).score
    data = {f"weight_{part}": 0 for part in scoring.PARTS} | {"weight_strategy": 5}
    with scope(world.cluster), django_capture_on_commit_callbacks(execute=True):
        saved = services.engagement_settings_update(
            cluster=world.cluster, actor=world.users["manager"], data=data
        )
    assert saved.weight_strategy == 5
    assert _score(world.membership).score == 100 != before
    with scopes_disabled():
        entry = AuditLog.objects.get(action="engagement.settings.changed")
    assert entry.actor == world.users["manager"]
    assert "weight_strategy" in entry.data["fields"]


def test_all_weights_zero_is_refused(world):
    data = {f"weight_{part}": 0 for part in scoring.PARTS}
    with scope(world.cluster), pytest.raises(ValidationError):
        services.engagement_settings_update(cluster=world.cluster, actor=world.users["manager"], data=data)


def test_another_clusters_rows_never_count(world, other_world):
    registration(other_world.membership, days=3, attended=True)
    _rebuild(world.cluster)
    _rebuild(other_world.cluster)
    assert _score(world.membership).registered == 0
    assert _score(other_world.membership).registered == 1
    with scope(world.cluster):
        assert {row.cluster_id for row in selectors.score_list(world.cluster)} == {world.cluster.pk}


def test_the_cached_summary_follows_every_change(world):
    _rebuild(world.cluster)
    with scope(world.cluster):
        before = selectors.summary(world.cluster)
        assert (before.members, before.at_risk) == (2, 2)
        registration(world.membership, days=2)
        services.scores_refresh(cluster=world.cluster, membership_ids=[world.membership.pk])
        assert selectors.summary(world.cluster).at_risk == 1
        member(world.cluster)
        services.scores_rebuild(cluster=world.cluster)
        assert selectors.summary(world.cluster).members == 3
