"""Answering a round: finding the round from a link token, and the submit service.

Anonymity (PRODUCT.md, "Privacy"): a response keeps no user, IP, user agent, invitation or time
finer than the day. Completing a personal invitation flips its status with update() so that not
even the invitation's updated_at records when. No audit entry is written for a submission, since
an audit row carries a timestamp and would date the answers to the second.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys import aggregates
from klyngekart.surveys.drafts import draft_delete, invitation_token_hash
from klyngekart.surveys.logic import validate_answers
from klyngekart.surveys.models import (
    Answer,
    GapAnswer,
    Question,
    QuestionType,
    Response,
    Round,
    RoundCompany,
    RoundStatus,
)
from klyngekart.surveys.models.rounds import InvitationStatus, RespondentInvitation
from klyngekart.taxonomy.models import CompetenceArea

MAX_KEY_LENGTH = 200


class SubmitError(Exception):
    """A submission that cannot be stored; the subclasses say why."""


class RoundClosed(SubmitError):
    """The round is not open (not yet, or no longer)."""


class AlreadyAnswered(SubmitError):
    """A personal invitation that has been used (or does not belong to this company's round)."""


class AnswersInvalid(SubmitError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class SubmitResult:
    created: bool
    response_id: uuid.UUID
    receipt: str


@dataclass(frozen=True)
class Respondent:
    """Whoever holds a link: a company's part in a round, and the personal invitation if it is one."""

    round_company: RoundCompany
    invitation: RespondentInvitation | None

    @property
    def round(self) -> Round:
        return self.round_company.round


def respondent_for_token(token: str) -> Respondent | None:
    """The company part and invitation a link token opens, or None. Tokens are global, so the
    lookup spans clusters; callers enter ``scope(respondent.round_company.cluster)`` next."""
    if not token or len(token) > MAX_KEY_LENGTH:
        return None
    related = ("round__survey_version", "round__taxonomy_version", "company", "cluster")
    with scopes_disabled():
        company_part = (
            RoundCompany.objects.select_related(*related)
            .filter(link_token=token, open_link_enabled=True, cluster__is_active=True)
            .first()
        )
        if company_part is not None:
            return Respondent(company_part, None)
        invitation = (
            RespondentInvitation.objects.select_related(*(f"round_company__{name}" for name in related))
            .filter(token_hash=invitation_token_hash(token), cluster__is_active=True)
            .first()
        )
    if invitation is not None:
        return Respondent(invitation.round_company, invitation)
    return None


def round_accepts_answers(round_: Round) -> bool:
    return round_.status == RoundStatus.OPEN and timezone.localdate() <= round_.closes_on


def round_questions(round_: Round) -> list[Question]:
    return list(
        round_.survey_version.questions.select_related("section").order_by(
            "section__position", "position", "id"
        )
    )


def round_areas(round_: Round) -> list[CompetenceArea]:
    """The areas a gap matrix asks about: the visible areas of the round's pinned taxonomy."""
    return list(
        CompetenceArea.objects.filter(version_id=round_.taxonomy_version_id, hidden=False).order_by(
            "position", "code"
        )
    )


def submission_hash(round_: Round, key: str) -> str:
    return hashlib.sha256(f"{round_.pk}:{key}".encode()).hexdigest()


def receipt_for(round_: Round, key: str) -> str:
    """A short code that confirms a submission to whoever made it. It is computed from the client's
    key, which we never store, so the receipt cannot be matched to a stored response."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"receipt:{round_.pk}:{key}".encode(), "sha256").digest()
    code = base64.b32encode(digest).decode()[:12]
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def submitted(*, round_company: RoundCompany, submission_key: str) -> bool:
    """Whether this key has already stored a response (pages show the thank-you page again)."""
    return Response.objects.filter(
        submission_key=submission_hash(round_company.round, submission_key)
    ).exists()


def _existing(round_: Round, key: str, digest: str) -> SubmitResult | None:
    found = Response.objects.filter(submission_key=digest).values_list("pk", flat=True).first()
    return SubmitResult(False, found, receipt_for(round_, key)) if found else None


def response_submit(
    *,
    round_company: RoundCompany,
    raw_answers: dict[str, Any],
    submission_key: str,
    language: str,
    invitation_token: str | None = None,
) -> SubmitResult:
    """Store one anonymous response and add it to the running aggregates, once per key.

    A second call with the same ``submission_key`` returns the first result (``created=False``)
    and changes nothing, whatever its answers: a double click, a re-POST or a client retrying
    after a lost reply. Raises RoundClosed, AnswersInvalid (errors per question key) or
    AlreadyAnswered (a personal invitation used before)."""
    round_ = round_company.round
    key = submission_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError("submission_key must be 1 to 200 characters")
    digest = submission_hash(round_, key)
    if (earlier := _existing(round_, key, digest)) is not None:
        return earlier
    if not round_accepts_answers(round_):
        raise RoundClosed
    questions = round_questions(round_)
    cleaned = validate_answers(questions, raw_answers, area_codes=[area.code for area in round_areas(round_)])
    if not cleaned.ok:
        raise AnswersInvalid(cleaned.errors)
    segments = aggregates.response_segments(questions, cleaned.answers)
    gap_keys = {question.key for question in questions if question.type == QuestionType.GAP_MATRIX}

    with transaction.atomic():
        # The company row is the lock every submit into this company takes: aggregate rows are
        # created and counted one submission at a time.
        locked = RoundCompany.objects.select_for_update().get(pk=round_company.pk)
        if (earlier := _existing(round_, key, digest)) is not None:
            return earlier
        invitation_pk = None
        if invitation_token is not None:
            invitation_pk = (
                RespondentInvitation.objects.select_for_update()
                .filter(round_company=locked, token_hash=invitation_token_hash(invitation_token))
                .exclude(status=InvitationStatus.COMPLETED)
                .values_list("pk", flat=True)
                .first()
            )
            if invitation_pk is None:
                raise AlreadyAnswered
        response = Response(
            cluster_id=locked.cluster_id,
            round=round_,
            round_company=locked,
            submitted_on=timezone.localdate(),
            language=(language or "nb")[:2],
            submission_key=digest,
            segments=segments,
        )
        response.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                response.save(force_insert=True)
        except IntegrityError:
            # The same key stored by a concurrent request on a database that did not make this one
            # wait for the lock: theirs counts, ours is the duplicate.
            if (earlier := _existing(round_, key, digest)) is not None:
                return earlier
            raise
        common = {"cluster_id": locked.cluster_id, "round": round_, "response": response}
        Answer.objects.bulk_create(
            Answer(question_key=k, value=v, other_text=cleaned.other_texts.get(k, ""), **common)
            for k, v in cleaned.answers.items()
            if k not in gap_keys
        )
        GapAnswer.objects.bulk_create(
            GapAnswer(
                question_key=k,
                round_company=locked,
                area_code=code,
                importance=pair["importance"],
                level=pair["level"],
                **common,
            )
            for k in gap_keys
            if k in cleaned.answers
            for code, pair in cleaned.answers[k].items()
        )
        aggregates.apply(
            round_company=locked, increments=aggregates.tally(questions, cleaned.answers, segments)
        )
        had_draft = draft_delete(round_company=locked, token=key)
        if invitation_token is not None and invitation_token != key:
            had_draft += draft_delete(round_company=locked, token=invitation_token)
        # Whoever completes has started: a response sent in one go (the API, a one-page survey)
        # counts as started here, one saved as a draft first was counted when it was saved.
        RoundCompany.objects.filter(pk=locked.pk).update(
            completed_count=F("completed_count") + 1,
            started_count=F("started_count") + (0 if had_draft else 1),
        )
        if invitation_pk is not None:
            RespondentInvitation.objects.filter(pk=invitation_pk).update(status=InvitationStatus.COMPLETED)
    return SubmitResult(True, response.pk, receipt_for(round_, key))
