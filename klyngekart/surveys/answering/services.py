"""Answering a round: finding the round from a link token, and the submit service.

Anonymity (PRODUCT.md, "Privacy"): a response keeps no user, IP, user agent, invitation or time
finer than the day. No audit entry is written for a submission, since an audit row carries a
timestamp and would date the answers to the second. And nothing in the database ties a response
to the personal invitation that gave it:

- the invitation is not completed in the transaction that stores the response (both rows would
  carry the same transaction id): its completion is recorded after commit and applied in shuffled
  batches (surveys/rounds/completions.py);
- the rows of a response get random keys, and on SQLite random rowids as well (the rowid of a table
  is otherwise its insertion order, which is the order of submissions);
- what is stored of a key the respondent holds (the submission key, the link's answer key) is an
  HMAC under a server secret (surveys/answering/keyed.py), never a plain hash of a mailed token.
"""

from __future__ import annotations

import base64
import hmac
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.answering.drafts import draft_token_hash, invitation_token_hash
from klyngekart.surveys.answering.keyed import INVITATION, SUBMISSION, keyed_digest, sha256_hex
from klyngekart.surveys.definitions.logic import is_not_relevant, response_segments, validate_answers
from klyngekart.surveys.models import (
    Answer,
    GapAnswer,
    HeldBatch,
    HoldReason,
    Question,
    QuestionType,
    Response,
    ResponseDraft,
    Round,
    RoundCompany,
    RoundStatus,
    Section,
    SurveyVersion,
)
from klyngekart.surveys.models.rounds import InvitationStatus, RespondentInvitation
from klyngekart.surveys.rounds.completions import completion_record
from klyngekart.taxonomy.models import CompetenceArea, TaxonomyVersion

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
    related = ("round__survey_version", "round__taxonomy_version", "company", "membership", "cluster")
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


# --- what a round asks, cached per version ---------------------------------------------------------
#
# A round's questions come from a published survey version and its areas from the taxonomy version it
# pinned; neither changes afterwards (surveys/definitions/services.py edits drafts only and copies a published
# version into a new draft; taxonomy/services.py copies a pinned version before any edit). So each
# process keeps them, per version, in a small LRU: a submission then reads no definitions at all.
# The key holds the version's updated_at besides its id, so a reused id (a deleted version on
# SQLite) is a new key; any save or delete of a definition row in this process clears the cache too.

VERSION_CACHE_SIZE = 32
_T = TypeVar("_T")


class _VersionCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, load: Callable[[], _T]) -> _T:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]  # type: ignore[no-any-return]
        value = load()
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_definitions = _VersionCache(VERSION_CACHE_SIZE)


def _clear_definitions(**_kwargs: Any) -> None:
    _definitions.clear()


for _model in (SurveyVersion, Section, Question, TaxonomyVersion, CompetenceArea):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _clear_definitions, sender=_model, dispatch_uid=f"responding-definitions-{_model.__name__}"
        )


def questions_of(round_: Round) -> tuple[Question, ...]:
    """``round_questions`` of a round whose survey version is published, cached per version (see
    above); read-only: callers must not change the instances."""
    version = round_.survey_version
    if not version.is_published:
        return tuple(round_questions(round_))
    return _definitions.get(
        ("questions", version.pk, version.updated_at), lambda: tuple(round_questions(round_))
    )


def area_codes_of(round_: Round) -> tuple[str, ...]:
    """The codes of ``round_areas``, cached per pinned taxonomy version (a round pins it)."""
    version = round_.taxonomy_version
    return _definitions.get(
        ("area_codes", version.pk, version.updated_at),
        lambda: tuple(area.code for area in round_areas(round_)),
    )


def submission_hash(round_: Round, key: str) -> str:
    """What is stored of a submission key: keyed, so a mailed token (the key of a personal link's
    pages) cannot be hashed by whoever has the mail and matched in the database."""
    return keyed_digest(SUBMISSION, sha256_hex(f"{round_.pk}:{key}"))


def invitation_answer_key(round_: Round, token: str) -> str:
    """What is stored of the personal link a response came through: one response per link, keyed
    like the submission key."""
    return keyed_digest(INVITATION, sha256_hex(f"{round_.pk}:{token}"))


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


def _earlier_or(error: SubmitError, round_: Round, key: str, digest: str) -> SubmitResult:
    """A submission refused for ``error`` may be the retry of one stored before (the round closed
    since, the invitation is now used, the client sent other answers): that one's result wins."""
    if (earlier := _existing(round_, key, digest)) is not None:
        return earlier
    raise error


def _gap_rows(
    gap_keys: Sequence[str], answers: dict[str, Any], ids: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """GapAnswer rows as parameters (see ``_GAP_COLUMNS``), with the random ids the model gives."""
    prep = GapAnswer._meta.pk.get_db_prep_value  # type: ignore[union-attr]
    return [
        (
            _random_rowid(),
            prep(uuid.uuid4(), connection),
            *ids,
            key,
            code,
            int(pair["importance"]),
            int(pair["level"]),
        )
        for key in gap_keys
        if key in answers
        for code, pair in answers[key].items()
        # An area marked "not relevant for me" is stored as no row: it is neither an answer nor a
        # gap, so it enters no sum and no area's n (the per-area k rule counts the rows).
        if not is_not_relevant(pair)
    ]


# On SQLite every row also gets a random rowid (see ``_ROWID``), written by the INSERT itself.
_GAP_COLUMNS = (
    "rowid",
    "id",
    "cluster",
    "round",
    "round_company",
    "response",
    "question_key",
    "area_code",
    "importance",
    "level",
)


# --- no insertion order ------------------------------------------------------------------------------
#
# A SQLite table without an INTEGER PRIMARY KEY keeps its rows in the order of an implicit rowid,
# which counts up with every insert: ``ORDER BY rowid`` would list responses (and their answers and
# gap rows) in the order they came in, and whoever knows when a colleague answered would find their
# row. So on SQLite each row gets a random rowid in the transaction that inserts it (SQLite allows
# the rowid to be set). 62 random bits: a collision is as unlikely as one of two random UUIDs, and
# would only fail the submission, which the client retries. PostgreSQL has no rowid; what it keeps
# of the order (a row's transaction id) is discussed in docs/security.md.

_ROWID_BITS = 62


def _random_rowid() -> int | None:
    return uuid.uuid4().int >> (128 - _ROWID_BITS) if connection.vendor == "sqlite" else None


def _scatter_rowids(response_id: Any) -> None:
    """Random rowids for the response and its answers (gap rows get theirs in their INSERT)."""
    if connection.vendor != "sqlite":
        return
    quote = connection.ops.quote_name
    bound = 1 << _ROWID_BITS
    with connection.cursor() as cursor:
        for model, column in ((Response, "id"), (Answer, "response_id")):
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} SET rowid = abs(random() %% {bound}) "  # noqa: S608
                f"WHERE {quote(column)} = %s",
                [response_id],
            )


def _insert_gap_rows(rows: list[tuple[Any, ...]]) -> None:
    """One multi-row INSERT of the gap matrix (40 rows at cluster scale): building 40 model
    instances for bulk_create cost more than the statement. Names are quoted by the backend and every
    value is a parameter; the batch size keeps within SQLite's parameter limit. The rowid is
    written on SQLite only (see ``_scatter_rowids``); elsewhere its column is left out."""
    if not rows:
        return
    meta = GapAnswer._meta
    quote = connection.ops.quote_name
    by_name = {field.name: str(field.column) for field in meta.concrete_fields} | {"rowid": "rowid"}
    names = _GAP_COLUMNS if connection.vendor == "sqlite" else _GAP_COLUMNS[1:]
    if len(names) < len(_GAP_COLUMNS):
        rows = [row[1:] for row in rows]
    columns = ", ".join(quote(by_name[name]) for name in names)
    marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    limit = connection.features.max_query_params
    per_statement = max(1, limit // len(names)) if limit else len(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([marks] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )


def _held_batch(round_company: RoundCompany, reason: str) -> HeldBatch:
    """The batch of the day for this link and reason (one per link, reason and day)."""
    batch, _created = HeldBatch.objects.get_or_create(
        round_company=round_company,
        reason=reason,
        held_on=timezone.localdate(),
        defaults={"cluster_id": round_company.cluster_id, "round": round_company.round},
    )
    return batch


def response_submit(
    *,
    round_company: RoundCompany,
    raw_answers: dict[str, Any],
    submission_key: str,
    language: str,
    invitation_token: str | None = None,
    hold: str | None = None,
) -> SubmitResult:
    """Store one anonymous response, once per key. Nothing is added up here: a round's figures are
    built when it closes (surveys/results/release.py), so no figure moves with one answer.

    A second call with the same ``submission_key`` returns the first result (``created=False``)
    and changes nothing, whatever its answers: a double click, a re-POST or a client retrying
    after a lost reply. Raises RoundClosed, AnswersInvalid (errors per question key) or
    AlreadyAnswered (a personal link that has answered before, with another key).

    ``hold`` (a HoldReason, for an open link; surveys/rounds/holds.py decides it) stores the response held
    for the cluster team's review: it counts for nothing until approved. The respondent is told
    nothing of it, and the company's completed count moves as for any answer, so that whoever pads
    cannot see that they were caught.

    Everything that needs no lock (validation, the rows to insert) is done before the transaction,
    which then only writes: it deletes the drafts, counts the company, and inserts the response (the
    unique submission key is what stores a key once: a second insert fails and the whole
    transaction, counts and draft deletes included, rolls back) and its answers. A personal
    invitation is only read here; its completion is recorded after commit (surveys/rounds/completions.py)."""
    if hold is not None and (invitation_token is not None or hold not in HoldReason.values):
        raise ValueError("only an open link's answer can be held, for a known reason")
    round_ = round_company.round
    key = submission_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError("submission_key must be 1 to 200 characters")
    digest = submission_hash(round_, key)
    if not round_accepts_answers(round_):
        return _earlier_or(RoundClosed(), round_, key, digest)
    questions = questions_of(round_)
    cleaned = validate_answers(questions, raw_answers, area_codes=area_codes_of(round_))
    if not cleaned.ok:
        return _earlier_or(AnswersInvalid(cleaned.errors), round_, key, digest)
    segments = response_segments(questions, cleaned.answers)
    gap_keys = [question.key for question in questions if question.type == QuestionType.GAP_MATRIX]
    response = Response(
        cluster_id=round_company.cluster_id,
        round=round_,
        round_company=round_company,
        submitted_on=timezone.localdate(),
        language=(language or "nb")[:2],
        submission_key=digest,
        invitation_key=invitation_answer_key(round_, invitation_token) if invitation_token else None,
        segments=segments,
    )
    # The foreign keys are the caller's own rows (checking them would cost a query each).
    response.full_clean(exclude=["cluster", "round", "round_company", "held"], validate_unique=False)
    common = {"cluster_id": round_company.cluster_id, "round": round_, "response": response}
    answers = [
        Answer(question_key=k, value=v, other_text=cleaned.other_texts.get(k, ""), **common)
        for k, v in cleaned.answers.items()
        if k not in gap_keys
    ]
    response_id = GapAnswer._meta.get_field("response").get_db_prep_value(response.pk, connection)  # type: ignore[union-attr]
    gap_rows = _gap_rows(
        gap_keys, cleaned.answers, (round_company.cluster_id, round_.pk, round_company.pk, response_id)
    )
    draft_hashes = {draft_token_hash(key)}
    if invitation_token is not None:
        draft_hashes.add(draft_token_hash(invitation_token))

    try:
        with transaction.atomic():
            had_draft, _by_model = ResponseDraft.objects.filter(
                round_company=round_company, token_hash__in=sorted(draft_hashes)
            ).delete()
            # Whoever completes has started: a response sent in one go (the API, a one-page
            # survey) counts as started here, one saved as a draft first was counted then.
            # Only while the round is open, checked in this statement: a submission that read
            # the round as open just before it closed must not land after the release was built
            # (the release locks these rows first, so one in flight is counted or refused).
            counted = RoundCompany.objects.filter(pk=round_company.pk, round__status=RoundStatus.OPEN).update(
                completed_count=F("completed_count") + 1,
                started_count=F("started_count") + (0 if had_draft else 1),
            )
            if not counted:
                raise RoundClosed  # rolls the transaction back
            if invitation_token is not None:
                # Read, never written here: an update (or a row lock) would stamp the invitation
                # with this transaction's id, the very link this service must not leave.
                invitation_id = (
                    RespondentInvitation.objects.filter(
                        round_company=round_company, token_hash=invitation_token_hash(invitation_token)
                    )
                    .exclude(status=InvitationStatus.COMPLETED)
                    .exclude(withdrawn=True)
                    .values_list("pk", flat=True)
                    .first()
                )
                if invitation_id is None:
                    raise AlreadyAnswered  # rolls the transaction back
                # Runs only if this transaction (and any around it) commits, in a transaction of
                # its own; the completion itself is applied later, in a shuffled batch.
                transaction.on_commit(
                    partial(
                        completion_record,
                        cluster_id=round_company.cluster_id,
                        round_id=round_.pk,
                        invitation_id=invitation_id,
                    )
                )
            if hold is not None:
                response.held = _held_batch(round_company, hold)
            response.save(force_insert=True)
            Answer.objects.bulk_create(answers)
            _insert_gap_rows(gap_rows)
            _scatter_rowids(response_id)
    except IntegrityError:
        # The key is stored already (a retry, or a concurrent request that got the lock first):
        # that one counts, and everything this one did has rolled back. Or the personal link has
        # stored a response under another key: it has answered.
        if (earlier := _existing(round_, key, digest)) is not None:
            return earlier
        if invitation_token is not None and personal_link_answered(round_, invitation_token):
            raise AlreadyAnswered from None
        raise
    except (AlreadyAnswered, RoundClosed) as error:
        return _earlier_or(error, round_, key, digest)
    return SubmitResult(True, response.pk, receipt_for(round_, key))


def personal_link_answered(round_: Round, token: str) -> bool:
    """Whether a personal link has stored its response, whether or not its invitation's completion
    has been applied yet (surveys/rounds/completions.py)."""
    return Response.objects.filter(invitation_key=invitation_answer_key(round_, token)).exists()
