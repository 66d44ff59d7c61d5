"""Activities feed the impact (difference in differences): the member companies that attended
a completed activity against the others, in its areas, on the activity page and in the cluster's
impact view beside the measures. Every impact is checked beside every other group a viewer can
see, the measures' and the activities', so no two can be differenced into a group under k."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import combinations
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngekart.activities import impact
from klyngekart.activities.models import Activity, RegistrationStatus
from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.measures import selectors as measure_selectors
from klyngekart.measures.models import Measure, MeasureInterest
from klyngekart.measures.tests.factories import MeasureInterestFactory, make_measure
from klyngekart.surveys.models import AreaAggregate, QuestionAggregate, SegmentCount
from klyngekart.surveys.tests.results_world import answer_gaps, dated_round

pytestmark = pytest.mark.django_db

AREA = "digital-ai"


@pytest.fixture
def rounds(world) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    """Two released mapping rounds a year apart, of five companies."""
    before = dated_round(world.cluster, datetime.date(2025, 1, 10), companies=5)
    with scopes_disabled():
        memberships = [company.membership for company in before.companies]
    after = dated_round(world.cluster, datetime.date(2026, 1, 10), memberships, companies=5)
    return before, after


def _activity(world: Any, made: Any, indexes: list[int]) -> Activity:
    """An activity in the spring of 2025, attended by someone from each company of ``indexes``."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(2025, 4, 2, 9, 0, tzinfo=zone)
    activity = make_activity(
        cluster=world.cluster, starts_at=start, ends_at=start + datetime.timedelta(hours=6), areas=[AREA]
    )
    for index in indexes:
        make_registration(
            activity=activity, membership=made.companies[index].membership, status=RegistrationStatus.ATTENDED
        )
    return activity


def _measure(world: Any, made: Any, indexes: list[int]) -> Measure:
    measure = make_measure(
        cluster=world.cluster,
        title="Digitalt løft",
        status="completed",
        areas=[AREA],
        starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2025, 6, 1),
    )
    for index in indexes:
        MeasureInterestFactory(
            measure=measure, membership=made.companies[index].membership, cluster=world.cluster
        )
    return measure


def test_an_activitys_attendees_are_its_participants(world, rounds, login, english) -> None:
    before, after = rounds
    for index in range(5):
        answer_gaps(before, index, 5, level=2, areas=(AREA,))
        answer_gaps(after, index, 5, level=4 if index < 2 else 3, areas=(AREA,))
    activity = _activity(world, before, [0, 1])
    make_registration(activity=activity, membership=None, status=RegistrationStatus.ATTENDED)  # a guest
    with scope(world.cluster):
        found = impact.activity_impact(activity)
    assert found is not None
    (row,) = found.areas
    assert not row.suppressed, row.reason
    assert row.did.value == Decimal("-1.00")
    assert found.before == before.round and found.after == after.round
    client = login(world.users["manager"])
    page = client.get(reverse("activities:detail", args=[world.cluster.slug, activity.pk])).content.decode()
    assert "Difference in differences" in page and "-1.00" in page
    view = client.get(reverse("measures:impact", args=[world.cluster.slug]), follow=True)
    assert view.redirect_chain[-1][0].endswith("/activities/impact/")
    assert activity.title_en in view.content.decode() and 'data-chart="impact-chart"' in view.content.decode()
    assert (
        login(world.users["contact"]).get(reverse("activities:impact", args=[world.cluster.slug])).status_code
        == 403
    )


def test_no_impact_before_the_end_without_areas_or_without_member_attendees(world, rounds) -> None:
    before, _after = rounds
    upcoming = make_activity(cluster=world.cluster, areas=[AREA])
    no_areas = _activity(world, before, [0])
    with scopes_disabled():
        Activity.objects.filter(pk=no_areas.pk).update(areas=[])
        no_areas.refresh_from_db()
    nobody = _activity(world, before, [])
    with scope(world.cluster):
        assert impact.activity_impact(upcoming) is None
        assert impact.activity_impact(no_areas) is None
        assert impact.activity_impact(nobody) is None


def test_a_measure_and_an_activity_differing_by_a_small_company_hide_each_other(world) -> None:
    """The measure's participants (companies 0 to 3) and the activity's (0 to 2) differ by
    company 3, where three people answered (companies 2 and 3 are shown only pooled): shown
    together, the measure's figure minus the activity's would be those three people's. The
    measure page cannot see activities (a lower floor), and must still hide its figure."""
    before = dated_round(world.cluster, datetime.date(2025, 1, 10), companies=6)
    with scopes_disabled():
        memberships = [company.membership for company in before.companies]
    after = dated_round(world.cluster, datetime.date(2026, 1, 10), memberships, companies=6)
    for made in (before, after):
        for index, count in enumerate([5, 5, 3, 3, 5, 5]):
            answer_gaps(made, index, count, level=2 if made is before else 3, areas=(AREA,))
    measure = _measure(world, before, [0, 1, 2, 3])
    with scope(world.cluster), translation.override("en"):
        alone = measure_selectors.measure_impact(measure)
        assert alone is not None
        assert not alone.areas[0].suppressed, alone.areas[0].reason
        _activity(world, before, [0, 1, 2])
        beside = measure_selectors.measure_impact(measure)
    assert beside is not None and beside.areas[0].suppressed
    assert "Beside the impact of another" in beside.areas[0].reason


PEOPLE = st.lists(st.integers(min_value=0, max_value=9), min_size=5, max_size=5)
GROUP = st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=4, unique=True)


def _reset(*made: Any) -> None:
    with scopes_disabled():
        for one in made:
            for model in (AreaAggregate, QuestionAggregate, SegmentCount):
                model.objects.filter(round=one.round).delete()
        Activity.objects.all().delete()
        MeasureInterest.objects.all().delete()
        Measure.objects.all().delete()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE, measure_group=GROUP, activity_group=GROUP, k=st.integers(min_value=3, max_value=5))
def test_no_two_shown_impacts_differ_by_fewer_than_k(world, rounds, people, measure_group, activity_group, k):
    """As an insider with the impact view: for any answers and any participants of a measure and
    an activity, the shown figures of the two, in either round, never differ by a group of
    fewer than k people (nested or not, both ways)."""
    from django.core.cache import cache

    before, after = rounds
    _reset(before, after)
    cache.clear()
    world.cluster.anonymity_threshold = k
    world.cluster.save(update_fields=["anonymity_threshold"])
    for made in rounds:
        for index, count in enumerate(people):
            answer_gaps(made, index, count, level=(index % 4) + 1, areas=(AREA,))
    _measure(world, before, measure_group)
    _activity(world, before, activity_group)
    with scope(world.cluster):
        found = impact.cluster_impact(world.cluster)
    shown = [
        frozenset(group)
        for item, group in zip(found, (measure_group, activity_group), strict=True)
        if not item.impact.areas[0].suppressed
    ]
    for one, two in combinations(shown, 2):
        for left in (one - two, two - one):
            n = sum(people[i] for i in left)
            assert n == 0 or n >= k, (one, two, people)
    for group in shown:
        assert sum(people[i] for i in group) >= k
