"""Feedback after an activity: opened when it has ended, for the attendees of member companies,
one personal invitation each in their language; closed and released through the rounds' path;
read back per activity and per kind under the k rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from klyngekart.activities import feedback_selectors
from klyngekart.activities.feedback import RATING, feedback_round_open, feedback_rounds_due
from klyngekart.activities.models import Activity, ActivityKind
from klyngekart.activities.tests.factories import make_activity, make_registration
from klyngekart.activities.tests.feedback_helpers import attend, ended_activity, parts, released_feedback
from klyngekart.core.models import AuditLog
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.members.models import Membership
from klyngekart.members.tests.factories import MembershipFactory
from klyngekart.surveys.answering.services import response_submit
from klyngekart.surveys.models import RespondentInvitation, RoundCompany, SurveyKind
from klyngekart.surveys.rounds.services import round_duties_daily

pytestmark = pytest.mark.django_db


def test_opening_invites_each_attendee_of_a_member_company_once_in_their_language(
    world, django_capture_on_commit_callbacks
):
    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 2)
    attend(activity, world.other_membership, 1, language="en")
    attend(activity, None, 1)  # a guest: not asked
    make_registration(activity=activity, membership=world.membership, email="kom.ikke@example.no")
    with django_capture_on_commit_callbacks(execute=True), scope(world.cluster):
        round_ = feedback_round_open(activity=activity, actor=world.users["staff"])
    with scopes_disabled():
        activity.refresh_from_db()
        assert activity.feedback_round_id == round_.pk
        assert round_.survey_version.survey.kind == SurveyKind.ACTIVITY_FEEDBACK
        assert round_.status == "open"
        assert round_.closes_on == timezone.localdate() + dt.timedelta(days=14)
        assert round_.reminder_days == [7]
        counts = {part.membership_id: part.invited_count for part in parts(round_)}
        languages = sorted(
            RespondentInvitation.objects.filter(round=round_).values_list("language", flat=True)
        )
        logged = AuditLog.objects.get(action="activities.feedback.opened")
        english_addresses = set(
            RespondentInvitation.objects.filter(round=round_, language="en").values_list("email", flat=True)
        )
    assert counts == {world.membership.pk: 2, world.other_membership.pk: 1}
    assert languages == ["en", "nb", "nb"]
    assert logged.data["guests"] == 1
    assert len(mail.outbox) == 3
    to_english = [m for m in mail.outbox if m.to[0] in english_addresses]
    assert len(to_english) == 1
    assert "Thank you for attending." in to_english[0].body
    assert "would like your feedback" in to_english[0].subject


def test_the_invitation_link_answers_and_counts_as_the_companys_feedback(
    world, django_capture_on_commit_callbacks
):
    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 1)
    with django_capture_on_commit_callbacks(execute=True), scope(world.cluster):
        round_ = feedback_round_open(activity=activity, actor=None)
    found = re.search(r"/s/([\w-]+)/", str(mail.outbox[0].body))
    assert found is not None
    token = found.group(1)
    part = parts(round_)[0]
    with django_capture_on_commit_callbacks(execute=True), scope(world.cluster):
        response_submit(
            round_company=part,
            raw_answers={RATING: 4},
            submission_key="k1",
            language="nb",
            invitation_token=token,
        )
    with scope(world.cluster):
        from klyngekart.surveys.rounds.completions import completions_flush

        completions_flush(round_=round_, force=True)
        part.refresh_from_db()
    assert part.completed_count == 1


def test_no_feedback_before_the_end_twice_or_without_member_attendees(world):
    upcoming = make_activity(cluster=world.cluster)
    attend(upcoming, world.membership, 1)
    guests_only = ended_activity(world.cluster)
    attend(guests_only, None, 3)
    done = ended_activity(world.cluster)
    attend(done, world.membership, 1)
    with scope(world.cluster), translation.override("en"):
        with pytest.raises(ValidationError, match="ended"):
            feedback_round_open(activity=upcoming, actor=None)
        with pytest.raises(ValidationError, match="member company"):
            feedback_round_open(activity=guests_only, actor=None)
        feedback_round_open(activity=done, actor=None)
        with pytest.raises(ValidationError, match="already"):
            feedback_round_open(activity=done, actor=None)


@override_settings(KLYNGEKART_FEEDBACK_OPEN_DAYS=5)
def test_the_daily_task_opens_ended_activities_once_and_the_rounds_close_on_their_day(world):
    recent = ended_activity(world.cluster)
    attend(recent, world.membership, 1)
    long_ago = make_activity(
        cluster=world.cluster,
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(hours=2),
    )
    attend(long_ago, world.membership, 1)
    opened = feedback_rounds_due()
    assert len(opened) == 1
    assert feedback_rounds_due() == []
    with scopes_disabled():
        round_ = opened[0]
        assert round_.closes_on == timezone.localdate() + dt.timedelta(days=5)
        assert Activity.objects.get(pk=long_ago.pk).feedback_round_id is None
    report = round_duties_daily(today=round_.closes_on + dt.timedelta(days=1))
    assert report.closed == 1
    with scopes_disabled():
        round_.refresh_from_db()
        assert round_.status == "closed"
        assert round_.release is not None


def test_results_per_activity_are_hidden_under_k_and_shown_from_k(world):
    shown = ended_activity(world.cluster)
    attend(shown, world.membership, 3)
    attend(shown, world.other_membership, 3)
    few = ended_activity(world.cluster)
    attend(few, world.membership, 4)
    released_feedback(
        shown, {world.membership.pk: [5, 4, 4], world.other_membership.pk: [3, 4, 4]}, ["course"]
    )
    released_feedback(few, {world.membership.pk: [1, 2, 1, 1]}, ["webinar"])
    with scopes_disabled():
        shown.refresh_from_db()
        few.refresh_from_db()
    with scope(world.cluster):
        result = feedback_selectors.activity_feedback(shown)
        hidden = feedback_selectors.activity_feedback(few)
    assert result is not None and hidden is not None
    assert result.rating.value.mean == 4.0 and result.rating.value.n == 6  # type: ignore[union-attr]
    assert [(w.key, w.count) for w in result.wishes.value] == [("course", 6)]  # type: ignore[union-attr]
    assert len(result.useful.value) == 6  # type: ignore[arg-type]
    assert hidden.rating.suppressed and hidden.wishes.suppressed and hidden.useful.suppressed


def test_the_kind_figure_counts_only_the_activities_shown(world):
    """The insider's attack: the kind's mean and n minus the shown activities' would otherwise
    give the hidden activity's mean from four people."""
    third: Membership = MembershipFactory(cluster=world.cluster)  # type: ignore[assignment]
    shown = ended_activity(world.cluster, kind=ActivityKind.COURSE)
    attend(shown, world.membership, 5)
    few = ended_activity(world.cluster, kind=ActivityKind.COURSE)
    attend(few, third, 4)
    released_feedback(shown, {world.membership.pk: [4, 4, 4, 4, 4]}, ["webinar"])
    released_feedback(few, {third.pk: [1, 1, 1, 1]}, ["study_trip"])
    with scope(world.cluster):
        kinds = feedback_selectors.feedback_overview(world.cluster)
    assert [kind.kind for kind in kinds] == ["course"]
    course = kinds[0]
    rows = {row.activity.pk: row.rating for row in course.activities}
    assert rows[few.pk].suppressed
    assert course.rating.value.n == rows[shown.pk].value.n == 5  # type: ignore[union-attr]
    assert course.rating.value.mean == 4.0  # type: ignore[union-attr]
    assert [(w.key, w.count) for w in course.wishes.value] == [("webinar", 5)]  # type: ignore[union-attr]


def test_feedback_given_is_the_round_companys_completed_count(world):
    """Engagement reads "feedback given" per company as RoundCompany.completed_count summed over
    the rounds of activity-feedback surveys."""
    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 2)
    released_feedback(activity, {world.membership.pk: [4, 5]})
    with scopes_disabled():
        given = sum(
            RoundCompany.objects.filter(
                membership=world.membership, round__survey_version__survey__kind=SurveyKind.ACTIVITY_FEEDBACK
            ).values_list("completed_count", flat=True)
        )
    assert given == 2


def test_nobody_but_the_attendees_can_be_invited_nor_an_open_link_turned_on(world):
    """A company contact (or anyone) adding people to the feedback round, or opening a link, could
    pad a company's feedback with answers from people who were not there."""
    from klyngekart.surveys.rounds.open_links import open_link_set
    from klyngekart.surveys.rounds.services import invitations_add

    activity = ended_activity(world.cluster)
    attend(activity, world.membership, 1)
    with scope(world.cluster):
        round_ = feedback_round_open(activity=activity, actor=None)
    part = parts(round_)[0]
    with scope(world.cluster), translation.override("en"):
        with pytest.raises(ValidationError, match="attended its activity"):
            invitations_add(
                round_company=part, actor=world.users["contact"], emails=["venn@example.no"], language="nb"
            )
        with pytest.raises(ValidationError, match="attended its activity"):
            open_link_set(round_company=part, actor=world.users["contact"], enabled=True)
        part.refresh_from_db()
    assert part.invited_count == 1 and not part.open_link_enabled


def test_a_new_version_with_the_teams_wording_is_used_for_the_next_activity(world):
    from klyngekart.surveys.definitions.services import question_update, survey_new_version, survey_publish
    from klyngekart.surveys.models import Question

    first = ended_activity(world.cluster)
    attend(first, world.membership, 1)
    second = ended_activity(world.cluster)
    attend(second, world.membership, 1)
    with scope(world.cluster):
        used = feedback_round_open(activity=first, actor=None).survey_version
        draft = survey_new_version(survey=used.survey, actor=world.users["manager"])
        rating = Question.objects.get(version=draft, key=RATING)
        question_update(
            question=rating, actor=world.users["manager"], data={"text_nb": "Var dagen verdt det?"}
        )
        survey_publish(version=draft, actor=world.users["manager"])
        later = feedback_round_open(activity=second, actor=None).survey_version
        assert later.pk == draft.pk and later.pk != used.pk
        assert Question.objects.get(version=later, key=RATING).text_nb == "Var dagen verdt det?"


def test_the_overview_reads_the_same_number_of_queries_however_many_activities(
    world, django_assert_max_num_queries
):
    for _n in range(4):
        activity = ended_activity(world.cluster)
        attend(activity, world.membership, 5)
        released_feedback(activity, {world.membership.pk: [4, 4, 4, 4, 5]})
    # The released rounds, the activities, and per kind two queries for the ratings and two for
    # the wishes (releases and sums of every round at once).
    with scope(world.cluster), django_assert_max_num_queries(6):
        kinds = feedback_selectors.feedback_overview(world.cluster)
    assert len(kinds[0].activities) == 4
