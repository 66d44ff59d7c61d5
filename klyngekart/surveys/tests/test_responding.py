"""The submit service: validation, idempotency, anonymity of what is stored, invitations, drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.answering.drafts import draft_load, draft_save
from klyngekart.surveys.answering.services import (
    AlreadyAnswered,
    AnswersInvalid,
    RoundClosed,
    respondent_for_token,
    response_submit,
)
from klyngekart.surveys.models import (
    Answer,
    AreaAggregate,
    GapAnswer,
    HeldBatch,
    PendingCompletion,
    Question,
    QuestionAggregate,
    ReleasedText,
    Response,
    ResponseDraft,
    RoundCompany,
    SegmentCount,
)
from klyngekart.surveys.models.rounds import RespondentInvitation
from klyngekart.surveys.rounds.completions import completions_flush
from klyngekart.surveys.rounds.services import drafts_purge
from klyngekart.surveys.tests.answering import build_mapping, full_answers, invite
from klyngekart.surveys.tests.results_world import release

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping(world):  # type: ignore[no-untyped-def]
    made = build_mapping(world.membership)
    with scope(world.cluster):
        yield made


def submit(mapping, answers, key="key-1", **extra):  # type: ignore[no-untyped-def]
    return response_submit(
        round_company=mapping.company, raw_answers=answers, submission_key=key, language="nb", **extra
    )


def refreshed(company: RoundCompany) -> RoundCompany:
    return RoundCompany.objects.get(pk=company.pk)


def test_a_submission_stores_answers_gap_rows_and_counts(mapping) -> None:  # type: ignore[no-untyped-def]
    result = submit(mapping, full_answers(forms=["mentoring", "other"], forms__other="Podkast"))
    assert result.created
    response = Response.objects.get()
    assert response.pk == result.response_id
    assert response.segments == ["role=production"]
    assert response.submitted_on == timezone.localdate()
    assert {a.question_key: a.value for a in Answer.objects.all()} == {
        "role": "production",
        "culture": 4,
        "forms": ["mentoring", "other"],
    }
    assert Answer.objects.get(question_key="forms").other_text == "Podkast"
    assert GapAnswer.objects.count() == 3
    company = refreshed(mapping.company)
    # Sent in one go, with no draft before: started and completed both count it.
    assert (company.started_count, company.completed_count) == (1, 1)
    # Nothing is summed while the round is open; the release sums it when the round closes.
    assert not SegmentCount.objects.exists() and not AreaAggregate.objects.exists()
    release(mapping.round)
    assert SegmentCount.objects.get(segment="").n == 1
    assert SegmentCount.objects.get(segment="role=production").n == 1
    area = AreaAggregate.objects.get(segment="", area_code="lean")
    assert (area.n, area.sum_importance, area.sum_level, area.sum_gap, area.sumsq_gap) == (1, 5, 2, 3, 9)
    assert QuestionAggregate.objects.get(segment="", question_key="culture", option_key="").total == 4
    assert QuestionAggregate.objects.get(segment="", question_key="culture", option_key="4").n == 1
    assert QuestionAggregate.objects.get(segment="", question_key="forms", option_key="other").n == 1


def test_the_same_key_twice_stores_once_and_returns_the_first_result(mapping) -> None:  # type: ignore[no-untyped-def]
    first = submit(mapping, full_answers())
    # A retry with other answers (a client bug, a re-POST of an edited page) changes nothing.
    second = submit(mapping, full_answers(role="office", culture=1))
    assert (first.created, second.created) == (True, False)
    assert second.response_id == first.response_id and second.receipt == first.receipt
    assert Response.objects.count() == 1
    assert refreshed(mapping.company).completed_count == 1
    assert submit(mapping, full_answers(), key="key-2").created
    assert Response.objects.count() == 2
    release(mapping.round)
    assert SegmentCount.objects.get(segment="").n == 2
    assert not SegmentCount.objects.filter(segment="role=office").exists()


def test_a_race_lost_on_the_unique_key_returns_the_winner_and_leaves_no_trace(mapping, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The second of two requests with one key finds the first's row on insert (the unique
    constraint): its whole transaction rolls back (the draft it deleted, the company's counts) and
    it answers with the first result."""
    first = submit(mapping, full_answers())
    # A draft under the same key, as a second tab of the same respondent would have saved.
    draft_save(round_company=mapping.company, token="key-1", answers={"role": "office"}, section=1)
    counts = (refreshed(mapping.company).started_count, refreshed(mapping.company).completed_count)
    second = submit(mapping, full_answers(role="office"))
    assert not second.created and second.response_id == first.response_id
    assert second.receipt == first.receipt
    assert Response.objects.count() == 1 and Response.objects.get().segments == ["role=production"]
    assert ResponseDraft.objects.count() == 1
    company = refreshed(mapping.company)
    assert (company.started_count, company.completed_count) == counts


def test_an_insert_error_that_is_no_duplicate_is_raised(mapping, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError

    from klyngekart.surveys.answering import services as responding

    def broken(_rows):  # type: ignore[no-untyped-def]
        raise IntegrityError("something else")

    monkeypatch.setattr(responding, "_insert_gap_rows", broken)
    with pytest.raises(IntegrityError):
        submit(mapping, full_answers())
    assert not Response.objects.exists() and not GapAnswer.objects.exists()
    assert refreshed(mapping.company).completed_count == 0


def test_a_retry_after_the_round_closed_or_with_other_answers_gets_the_first_result(mapping) -> None:  # type: ignore[no-untyped-def]
    first = submit(mapping, full_answers())
    invalid = submit(mapping, {"role": "boss"})
    assert not invalid.created and invalid.response_id == first.response_id
    mapping.round.status = "closed"
    mapping.round.save()
    late = submit(mapping, full_answers())
    assert not late.created and late.response_id == first.response_id
    with pytest.raises(RoundClosed):
        submit(mapping, full_answers(), key="a-new-key")
    assert Response.objects.count() == 1


def test_a_retry_of_an_invitation_answer_gets_the_first_result(mapping) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    first = submit(mapping, full_answers(), key="api-key", invitation_token=token)
    again = submit(mapping, full_answers(), key="api-key", invitation_token=token)
    assert not again.created and again.response_id == first.response_id
    with pytest.raises(AlreadyAnswered):
        submit(mapping, full_answers(), key="other-key", invitation_token=token)
    assert Response.objects.count() == 1 and refreshed(mapping.company).completed_count == 1


def test_the_questions_and_areas_of_a_round_are_read_once_per_version(mapping) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from klyngekart.surveys.answering.services import (
        area_codes_of,
        questions_of,
        round_areas,
        round_questions,
    )
    from klyngekart.surveys.tests.factories import QuestionFactory

    round_ = (
        RoundCompany.objects.select_related("round__survey_version", "round__taxonomy_version")
        .get(pk=mapping.company.pk)
        .round
    )
    assert [q.pk for q in questions_of(round_)] == [q.pk for q in round_questions(round_)]
    assert list(area_codes_of(round_)) == [area.code for area in round_areas(round_)]
    with CaptureQueriesContext(connection) as queries:
        questions_of(round_)
        area_codes_of(round_)
    assert len(queries) == 0
    # A saved definition row clears the cache (a published version is only changed by tests).
    added: Question = QuestionFactory(  # type: ignore[assignment]
        section=mapping.questions["culture"].section, key="extra", type="text"
    )
    assert added.pk in [q.pk for q in questions_of(round_)]


def test_a_draft_version_is_never_cached(mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.answering.services import questions_of
    from klyngekart.surveys.tests.factories import QuestionFactory

    round_ = mapping.round
    round_.survey_version.status = "draft"
    before = len(questions_of(round_))
    section = mapping.questions["culture"].section
    # Bypasses the signals on purpose: a draft is read anew every time.
    Question.objects.bulk_create([QuestionFactory.build(section=section, key="late")])
    assert len(questions_of(round_)) == before + 1


def test_invalid_answers_raise_errors_per_question_and_store_nothing(mapping) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnswersInvalid) as caught:
        submit(mapping, {"role": "boss", "culture": 9, "nope": 1})
    assert set(caught.value.errors) == {"role", "culture", "nope", "gaps"}
    assert not Response.objects.exists() and not SegmentCount.objects.exists()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_round_that_is_not_open_refuses(mapping, status) -> None:  # type: ignore[no-untyped-def]
    mapping.round.status = status
    mapping.round.save()
    with pytest.raises(RoundClosed):
        submit(mapping, full_answers())
    assert not Response.objects.exists()


def test_a_round_past_its_close_date_refuses(mapping) -> None:  # type: ignore[no-untyped-def]
    mapping.round.closes_on = mapping.round.opens_on - dt.timedelta(days=1)
    mapping.round.save()
    with pytest.raises(RoundClosed):
        submit(mapping, full_answers())


def test_an_invitation_completes_once_and_never_meets_its_response(
    mapping, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    invitation = RespondentInvitation.objects.get()
    touched = invitation.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        submit(mapping, full_answers(), key=token, invitation_token=token)
    # Recorded after commit, applied with the round's next batch (here: its closing).
    invitation.refresh_from_db()
    assert invitation.status == "invited"
    completions_flush(round_=mapping.round, force=True)
    invitation.refresh_from_db()
    assert invitation.status == "completed"
    # Completion is not timed: the row's own timestamp stays as it was.
    assert invitation.updated_at == touched
    with pytest.raises(AlreadyAnswered):
        submit(mapping, full_answers(), key="another-key", invitation_token=token)
    assert Response.objects.count() == 1
    response = Response.objects.get()
    stored = {str(getattr(response, f.attname)) for f in Response._meta.concrete_fields}
    assert invitation.token_hash not in stored
    assert not any(
        f.related_model is RespondentInvitation
        for model in (Response, Answer, GapAnswer)
        for f in model._meta.get_fields()
    )


def test_an_invitation_of_another_company_cannot_be_used(world, mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.tests.factories import RoundCompanyFactory

    other: RoundCompany = RoundCompanyFactory(  # type: ignore[assignment]
        round=mapping.round, cluster=world.cluster, membership=world.other_membership
    )
    token = invite(other)
    with pytest.raises(AlreadyAnswered):
        submit(mapping, full_answers(), key=token, invitation_token=token)


def test_no_answer_model_has_a_time_finer_than_the_day() -> None:
    answers_and_what_comes_of_them = (
        Response,
        Answer,
        GapAnswer,
        SegmentCount,
        AreaAggregate,
        QuestionAggregate,
        ResponseDraft,
        ReleasedText,
        HeldBatch,
        PendingCompletion,
    )
    for model in answers_and_what_comes_of_them:
        for f in model._meta.concrete_fields:
            assert not isinstance(f, (models.DateTimeField, models.TimeField)), (model, f.name)
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "cluster",
        "round",
        "round_company",
        "submitted_on",
        "language",
        "submission_key",
        "invitation_key",
        "segments",
        "held",
    }


def test_the_response_id_is_random(mapping) -> None:  # type: ignore[no-untyped-def]
    first = submit(mapping, full_answers(), key="a").response_id
    second = submit(mapping, full_answers(), key="b").response_id
    assert first.version == 4 and second.version == 4


def test_a_draft_is_encrypted_resumes_and_counts_started_once(mapping) -> None:  # type: ignore[no-untyped-def]
    answers = {"role": "office", "challenges": "Hemmelig utfordring med robotene"}
    assert draft_save(round_company=mapping.company, token="resume-token", answers=answers, section=1)
    assert not draft_save(round_company=mapping.company, token="resume-token", answers=answers, section=2)
    stored = bytes(ResponseDraft.objects.get().payload)
    assert b"Hemmelig" not in stored and b"office" not in stored and b"role" not in stored
    assert "resume-token" not in ResponseDraft.objects.get().token_hash
    assert draft_load(round_company=mapping.company, token="resume-token") == (answers, 2)
    assert draft_load(round_company=mapping.company, token="someone-else") is None
    assert refreshed(mapping.company).started_count == 1


def test_a_personal_link_starts_its_invitation_and_the_draft_goes_on_submit(mapping) -> None:  # type: ignore[no-untyped-def]
    token = invite(mapping.company)
    draft_save(round_company=mapping.company, token=token, answers={"role": "office"}, section=1)
    invitation = RespondentInvitation.objects.get()
    assert invitation.status == "started"
    assert ResponseDraft.objects.get().token_hash != invitation.token_hash
    submit(mapping, full_answers(), key=token, invitation_token=token)
    assert not ResponseDraft.objects.exists()
    company = refreshed(mapping.company)
    assert (company.started_count, company.completed_count) == (1, 1)


def test_closing_purges_the_drafts(world, mapping) -> None:  # type: ignore[no-untyped-def]
    from klyngekart.surveys.rounds.services import round_close

    draft_save(round_company=mapping.company, token="t", answers={}, section=0)
    assert drafts_purge(round=mapping.round) == 1
    draft_save(round_company=mapping.company, token="u", answers={}, section=0)
    round_close(round_=mapping.round, actor=world.users["manager"])
    assert not ResponseDraft.objects.exists()


def test_tokens_find_their_company_part_across_clusters(world, other_world, mapping) -> None:  # type: ignore[no-untyped-def]
    theirs = build_mapping(other_world.membership)
    token = invite(mapping.company)
    with scopes_disabled():
        assert respondent_for_token(mapping.token).round_company.pk == mapping.company.pk  # type: ignore[union-attr]
        assert respondent_for_token(theirs.token).round_company.cluster == other_world.cluster  # type: ignore[union-attr]
        found = respondent_for_token(token)
        assert found is not None and found.invitation is not None
        assert respondent_for_token("nope") is None
    mapping.company.open_link_enabled = False
    mapping.company.save()
    assert respondent_for_token(mapping.token) is None
