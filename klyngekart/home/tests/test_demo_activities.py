"""The demo's activities: past and coming, with registrations, a waiting list and attendance."""

from __future__ import annotations

import pytest
from django.utils import timezone

from klyngekart.activities.models import Activity, Attendance, Registration
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scope
from klyngekart.home.demo_activities import PLANS
from klyngekart.home.tests.demo_once import BuiltDemo, built_demo, run_demo

pytestmark = pytest.mark.django_db
__all__ = ["built_demo"]  # the module fixture, imported to be used here


def test_the_demo_has_past_and_coming_activities_with_people(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    now = timezone.now()
    with scope(cluster):
        activities = list(Activity.objects.filter(cluster=cluster))
        assert {a.title for a in activities} == {plan.title for plan in PLANS}
        past = [a for a in activities if a.ends_at < now]
        coming = [a for a in activities if a.starts_at > now]
        assert len(past) == 3 and len(coming) == 3
        statuses = set(Registration.objects.values_list("status", flat=True))
        assert {"registered", "waitlisted", "attended", "no_show"} <= statuses
        # Only the past ones have attendance; the two-day workshop is kept per day.
        assert not Registration.objects.filter(
            activity__in=coming, status__in=["attended", "no_show"]
        ).exists()
        workshop = next(a for a in past if len(a.days) == 2)
        assert set(
            Attendance.objects.filter(registration__activity=workshop).values_list("day", flat=True)
        ) == set(workshop.days)
        # A full coming course has a waiting list.
        assert Registration.objects.filter(activity__in=coming, status="waitlisted").exists()


def test_a_second_run_adds_no_activities(built_demo: BuiltDemo) -> None:
    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        before = Registration.objects.count()
    output = run_demo()
    assert "0 activities" in output and "0 registrations" in output
    with scope(cluster):
        assert Registration.objects.count() == before


def test_the_past_activities_have_released_feedback_one_too_few_to_show(built_demo: BuiltDemo) -> None:
    from klyngekart.activities import feedback_selectors

    cluster = Cluster.objects.get(slug="demo")
    with scope(cluster):
        past = [a for a in Activity.objects.filter(cluster=cluster) if a.ends_at < timezone.now()]
        found = {a.title: feedback_selectors.activity_feedback(a) for a in past}
        overview = feedback_selectors.feedback_overview(cluster)
    assert all(result is not None and result.released for result in found.values())
    hidden = [title for title, result in found.items() if result.suppressed]  # type: ignore[union-attr]
    assert hidden == ["Informasjonssikkerhet i driftsnettet – workshop"]
    shown = [result for result in found.values() if not result.suppressed]  # type: ignore[union-attr]
    assert len(shown) == 2 and all(result.rating.value.n >= 5 for result in shown)  # type: ignore[union-attr]
    assert {kind.kind for kind in overview} == {"member_forum", "course", "webinar"}
