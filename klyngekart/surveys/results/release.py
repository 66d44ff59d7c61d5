"""The release of a round's results: built once, when the round closes, and never changed.

Why not live figures: a figure read before and after one answer gives that answer away (the mean of
five before and of six after is one person's rating). So while a round is open nothing derived from
its answers is shown, and closing it starts its release:

1. ``rounds.services.release_start`` (inside the closing transaction) records a ``RoundRelease`` that is being
   prepared and queues ``release_build`` after commit;
2. ``release_build`` (a task) drops answers still held for review (never approved, never counted),
   computes every aggregate of the round from the raw answers in one pass (``aggregates.recompute``,
   the same arithmetic the rebuild command proves), writes them, copies the free text scrubbed of
   contact details and names (``scrub.py``) in an order shuffled once, and marks the release ready;
   all in one transaction, so a reader sees the whole release or none of it;
3. every read of figures asks ``release_version`` first: a round without a ready release raises
   ``NotReleased``, which pages, the API and the reports turn into "results appear when the round
   closes". A ready release never changes (the round cannot reopen and takes no answers), so the
   release's id names everything computed from it in the cache.

Building at close instead of at every submission also takes the aggregate upserts (and their row
locks) out of the submission path; see docs/decisions/0003-results-released-at-close.md.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from klyngekart.core import events
from klyngekart.core.audit import audit_log
from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import (
    Answer,
    AreaAggregate,
    QuestionAggregate,
    QuestionType,
    ReleasedText,
    ReleaseStatus,
    Response,
    Round,
    RoundCompany,
    RoundRelease,
    RoundStatus,
    SegmentCount,
)
from klyngekart.surveys.results import aggregates
from klyngekart.surveys.results.scrub import Scrubber, cluster_scrubber

log = logging.getLogger(__name__)


class NotReleased(Exception):
    """The round's results are not released: the round is open (or a draft), or its release is
    still being prepared (``building``)."""

    def __init__(self, round_: Round, *, building: bool = False) -> None:
        super().__init__(f"round {round_.pk} is not released")
        self.round = round_
        self.building = building


@dataclass(frozen=True)
class ReleaseState:
    """What a page says about a round's results: released, being prepared, or not yet."""

    released: bool
    building: bool
    closes_on: Any

    @property
    def waiting(self) -> bool:
        return not self.released and not self.building


def release_state(round_: Round) -> ReleaseState:
    status = RoundRelease.objects.filter(round=round_).values_list("status", flat=True).first()
    return ReleaseState(
        released=status == ReleaseStatus.READY,
        building=status == ReleaseStatus.BUILDING,
        closes_on=round_.closes_on,
    )


def release_version(round_: Round) -> str:
    """The name of the round's release for caches, or NotReleased. One indexed read.

    The release's id and the time it finished: a release never changes once ready, and a reused
    id (a deleted round on SQLite) comes with another time."""
    row = (
        RoundRelease.objects.filter(round=round_)
        .values_list("pk", "status", "finished_at", "round__aggregates_revision")
        .first()
    )
    if row is None or row[1] != ReleaseStatus.READY:
        raise NotReleased(round_, building=row is not None)
    pk, _status, finished_at, revision = row
    # The revision moves only if `rebuild_aggregates --fix` ever had to repair a release.
    return f"release-{pk}-{finished_at.timestamp() if finished_at else 0}-{revision}"


def is_released(round_: Round) -> bool:
    try:
        release_version(round_)
    except NotReleased:
        return False
    return True


# --- building --------------------------------------------------------------------------------------


def _progress_key(release: RoundRelease) -> str:
    return f"kk:release-progress:{release.pk}"


def release_progress(release: RoundRelease) -> tuple[int, int] | None:
    """(companies done, companies in all) while a release is being built, from the cache (the
    build runs in one transaction, so a row would not show its progress until it is done)."""
    value = cache.get(_progress_key(release))
    return tuple(value) if value else None  # type: ignore[return-value]


def release_build(*, round_id: int) -> RoundRelease | None:
    """Build the release of a closed round. Idempotent: a ready release is returned as it is, and
    a build that failed half-way left nothing behind (one transaction), so it can simply run again
    (the daily duties retry any release still being prepared)."""
    with scopes_disabled():
        round_ = Round.objects.select_related("cluster", "survey_version").filter(pk=round_id).first()
    if round_ is None or round_.status != RoundStatus.CLOSED:
        return None
    with scope(round_.cluster), transaction.atomic():
        release, _created = RoundRelease.objects.select_for_update().get_or_create(
            cluster_id=round_.cluster_id, round=round_
        )
        if release.status == ReleaseStatus.READY:
            return release
        # The round's company rows, locked: a submission in flight holds one of them until it
        # commits (responding.response_submit counts the company only while the round is open),
        # so it is either in what is read next or refused. Nothing lands after the release.
        companies = list(RoundCompany.objects.select_for_update().filter(round=round_).order_by("pk"))
        dropped = _drop_held(round_)
        for model in (SegmentCount, AreaAggregate, QuestionAggregate):
            model.objects.filter(round=round_).delete()
        ReleasedText.objects.filter(round=round_).delete()
        expected = aggregates.recompute(round=round_)
        total = len(companies)
        for done, part in enumerate(companies, start=1):
            tally = expected.get(part.pk)
            if tally is not None:
                aggregates.apply(round_company=part, increments=tally)
            if done % 25 == 0 or done == total:
                cache.set(_progress_key(release), (done, total), 3600)
        # Marks such as "[navn]" in the installation's language (Norwegian first): a release is
        # built once, for readers in either language.
        with translation.override(settings.LANGUAGE_CODE):
            _release_texts(round_, cluster_scrubber(round_.cluster))
        respondents = Response.objects.filter(round=round_, held__isnull=True).count()
        release.status = ReleaseStatus.READY
        release.respondents = respondents
        release.held_dropped = dropped
        release.finished_at = timezone.now()
        release.save()
        RoundCompany.objects.filter(round=round_).update(aggregates_ready=True)
        events.emit(
            cluster=round_.cluster,
            event=events.ROUND_RELEASED,
            payload={
                "round": {
                    "id": round_.pk,
                    "title": round_.title,
                    "closes_on": round_.closes_on.isoformat(),
                    "survey_kind": round_.survey_version.survey.kind,
                    "respondents": respondents,
                }
            },
        )
    cache.delete(_progress_key(release))
    log.info("released round %s: %s respondents", round_.pk, respondents)
    return release


def _drop_held(round_: Round) -> int:
    """Answers held for review that nobody approved while the round was open: they never counted
    and a release never changes afterwards, so they go now."""
    held = Response.objects.filter(round=round_, held__isnull=False)
    count = held.count()
    if count:
        held.delete()
        from klyngekart.surveys.models import HeldBatch

        HeldBatch.objects.filter(round=round_).delete()
    return count


def _release_texts(round_: Round, scrubber: Scrubber) -> int:
    """Free text of the round, scrubbed, each with a random position fixed once (the order pages
    show them in). Text questions' answers and the texts of "other" options."""
    text_keys = set(
        round_.survey_version.questions.filter(type=QuestionType.TEXT).values_list("key", flat=True)
    )
    rows = []
    answers = (
        Answer.objects.filter(round=round_, response__held__isnull=True)
        .values_list("response__round_company_id", "question_key", "value", "other_text")
        .iterator(chunk_size=aggregates.STREAM_CHUNK)
    )
    for rc_id, key, value, other_text in answers:
        if key in text_keys and isinstance(value, str) and value.strip():
            rows.append((rc_id, key, "", value))
        if other_text and other_text.strip():
            rows.append((rc_id, key, "other", other_text))
    ReleasedText.objects.bulk_create(
        [
            ReleasedText(
                cluster_id=round_.cluster_id,
                round=round_,
                round_company_id=rc_id,
                question_key=key,
                source=source,
                text=scrubber.scrub(text.strip()),
                position=secrets.randbits(62),
            )
            for rc_id, key, source, text in rows
        ],
        batch_size=1000,
    )
    return len(rows)


def releases_pending() -> list[int]:
    """Closed rounds whose release is missing or still being prepared (a build that failed, or
    rounds closed before releases existed): the daily duties build them."""
    with scopes_disabled():
        return list(
            Round.objects.filter(status=RoundStatus.CLOSED)
            .exclude(release__status=ReleaseStatus.READY)
            .values_list("pk", flat=True)
        )


# --- the team's review of released free text ---------------------------------------------------


def released_comment_set_hidden(*, round_: Round, comment_id: Any, hidden: bool, actor: Any) -> ReleasedText:
    """Hide a released comment (one that names someone in a way the scrubbing could not see), or
    show it again. It still counts toward k either way: the group that answered is the same. The
    audit row names the comment, never its text."""
    with transaction.atomic():
        comment = ReleasedText.objects.select_for_update().get(round=round_, pk=comment_id)
        if comment.hidden != hidden:
            comment.hidden = hidden
            comment.save(update_fields=["hidden"])
            audit_log(
                cluster=round_.cluster,
                actor=actor,
                action="surveys.comment.hidden" if hidden else "surveys.comment.shown",
                target=round_,
                data={"comment": str(comment.pk), "question": comment.question_key},
            )
    return comment
