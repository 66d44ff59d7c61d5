"""No engagement figure isolates fewer than k respondents' answers.

Engagement never reads an answer: its parts come from registrations, check-ins, interests,
strategies and the progress counters of rounds. These properties hold for any counters and any
answers: the scores are the same with the answers as without them, no query of the computation
touches a table of answers or of figures derived from them, and each company's completed count and
response rate are exactly what the round's progress page shows (nought, or k and more)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from klyngekart.conftest import build_world
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.engagement import services
from klyngekart.engagement.models import EngagementScore
from klyngekart.engagement.tests.factories import member, round_part
from klyngekart.surveys.models import Answer, Response
from klyngekart.surveys.rounds.rates import response_rate
from klyngekart.surveys.rounds.selectors import shown_count

pytestmark = pytest.mark.django_db

ANSWER_TABLES = ("surveys_response", "surveys_answer", "surveys_gapanswer", "surveys_areaaggregate",
                 "surveys_questionaggregate", "surveys_segmentcount", "surveys_releasedtext")  # fmt: skip
KINDS = ("employee_mapping", "pulse", "annual_member", "activity_feedback")

company = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(min_value=0, max_value=30),  # invited
        st.integers(min_value=0, max_value=12),  # completed
        st.booleans(),  # open link
        st.integers(min_value=0, max_value=4),  # answers written for this part
    ),
    min_size=1,
    max_size=3,
)


def _answers(part, count: int) -> None:
    """Answer rows of ``part``'s company: what an attacker would want the figures to reveal."""
    with scopes_disabled():
        for _ in range(count):
            response = Response.objects.create(
                cluster=part.cluster,
                round=part.round,
                round_company=part,
                submitted_on=timezone.localdate(),
                submission_key=uuid.uuid4().hex,
            )
            Answer.objects.create(
                cluster=part.cluster, response=response, round=part.round, question_key="nps", value=0
            )


def _scores(cluster) -> dict[int, tuple]:
    with scopes_disabled():
        return {
            row.membership_id: (row.score, row.completed, row.response_rate, row.feedback, row.parts)
            for row in EngagementScore.objects.filter(cluster=cluster)
        }


@settings(max_examples=25, deadline=None)
@given(companies=st.lists(company, min_size=1, max_size=3), k=st.integers(min_value=3, max_value=7))
def test_no_engagement_figure_says_more_than_the_round_progress(companies, k):
    with scopes_disabled():
        world = build_world(f"p{uuid.uuid4().hex[:8]}")
        world.cluster.anonymity_threshold = k
        world.cluster.save()
    expected = {}
    for rows in companies:
        membership = member(world.cluster)
        parts = []
        for index, (kind, invited, completed, open_link, answers) in enumerate(rows):
            part = round_part(
                membership,
                kind=kind,
                invited=invited,
                completed=completed,
                open_link=open_link,
                days=20 + index,
            )
            _answers(part, answers)
            parts.append(part)
        mapping = [p for p in parts if p.round.survey_version.survey.kind == "employee_mapping"]
        shown = [p for p in mapping if shown_count(p.completed_count, k) is not None]
        expected[membership.pk] = {
            "completed": sum(p.completed_count for p in shown),
            "rate": response_rate(shown) if shown else None,
            "feedback": sum(
                p.completed_count
                for p in parts
                if p not in mapping and shown_count(p.completed_count, k) is not None
            ),
        }

    with scope(world.cluster), CaptureQueriesContext(connection) as queries:
        services.scores_rebuild(cluster=world.cluster)
    touched = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in ANSWER_TABLES)]
    assert touched == []

    with_answers = _scores(world.cluster)
    for membership_id, figures in expected.items():
        _score, completed, rate, feedback, _parts = with_answers[membership_id]
        # Every count is nought or at least k, and it is the sum of what the progress shows.
        assert completed == 0 or completed >= k
        assert feedback == 0 or feedback >= k
        assert (completed, rate, feedback) == (figures["completed"], figures["rate"], figures["feedback"])

    with scopes_disabled():
        Answer.objects.filter(cluster=world.cluster).delete()
        Response.objects.filter(cluster=world.cluster).delete()
    with scope(world.cluster):
        services.scores_rebuild(cluster=world.cluster)
    assert _scores(world.cluster) == with_answers
