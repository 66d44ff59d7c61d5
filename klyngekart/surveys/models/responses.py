"""Anonymous answers and the running aggregates kept from them.

Privacy by design (PRODUCT.md): a response has no user, no IP, no user agent, no invitation and
no time finer than the day. Its primary key is a random UUID, so not even the order of rows
tells who answered first. These models therefore derive from ClusterOwnedModel, which has no
created/updated timestamps.

Aggregates: each submission adds, in the same transaction, to the running sums per
(round, company, segment, area) for the gap matrix and per (round, company, segment, question,
option) for the other questions. Dashboards read only these rows; raw answers are read by
exports, free-text listings and the rebuild command that proves the sums right.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from klyngekart.core.tenancy import ClusterOwnedModel

# The segment key of "everyone in the company"; other segments are "<question_key>=<option_key>".
ALL = ""


class HoldReason(models.TextChoices):
    REPEAT = "repeat", _("The same browser answered again")
    BURST = "burst", _("Many answers from one address within minutes")


class HeldBatch(ClusterOwnedModel):
    """Answers through one open link that look like one person answering many times, held for the
    cluster team's review and not counted until approved (whoever can post answers could pad a
    small company up to k and subtract the fakes). Grouped per link, reason and day: the day is
    as fine as the time of an answer may be known."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+")
    round_company = models.ForeignKey("surveys.RoundCompany", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=HoldReason.choices)
    held_on = models.DateField()

    class Meta:
        verbose_name = _("held answers")
        verbose_name_plural = _("held answers")
        constraints = [
            models.UniqueConstraint(
                fields=["round_company", "reason", "held_on"], name="one_held_batch_per_link_reason_day"
            )
        ]


class Response(ClusterOwnedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="responses")
    round_company = models.ForeignKey(
        "surveys.RoundCompany", on_delete=models.CASCADE, related_name="responses"
    )
    submitted_on = models.DateField()
    language = models.CharField(max_length=8, default="nb")
    # An HMAC (keyed with a secret derived from SECRET_KEY) of the round and the client's
    # idempotency key (or the draft token): a second submit of the same answers is recognised and
    # stored once. Keyed, so that someone with a mailed personal link and a copy of the database
    # still cannot compute it and find the answer (surveys/answering/keyed.py).
    submission_key = models.CharField(max_length=64, unique=True)
    # For an answer through a personal link only: the same kind of HMAC of the round and the link's
    # token, unique, so one link stores one response whatever idempotency keys a client sends,
    # also before the invitation's completion is applied (surveys/rounds/completions.py).
    invitation_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    segments = models.JSONField(default=list, blank=True)
    # Set while the response is held for review (see HeldBatch): not counted by any release.
    held = models.ForeignKey(
        HeldBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return str(self.id)


class Answer(ClusterOwnedModel):
    """One answer to one question (all types but the gap matrix). ``value`` as the API takes it.
    Random keys here too: sequential ones would give away the order in which responses came in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # Indexed by the composite index below, which leads with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    question_key = models.CharField(max_length=60)
    value = models.JSONField()
    other_text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["round", "question_key"])]


class GapAnswer(ClusterOwnedModel):
    """One row of the competence gap matrix: importance in 2–3 years and today's level, 1–5."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="gap_answers")
    # Indexed by the composite index below, which leads with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    round_company = models.ForeignKey("surveys.RoundCompany", on_delete=models.CASCADE, related_name="+")
    question_key = models.CharField(max_length=60)
    area_code = models.CharField(max_length=40)
    importance = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["round", "area_code"])]

    @property
    def gap(self) -> int:
        return self.importance - self.level


class ResponseDraft(ClusterOwnedModel):
    """Answers saved as the respondent goes, so they can resume from the same link.

    Looked up by the hash of a token only the respondent holds (the personal invitation link, or
    a random token in a cookie for an open link), and encrypted with a key derived from that
    token: the server cannot read a draft, nor tie it to an invitation, without the respondent.
    Deleted when the response is submitted."""

    round_company = models.ForeignKey("surveys.RoundCompany", on_delete=models.CASCADE, related_name="drafts")
    token_hash = models.CharField(max_length=64, unique=True)
    payload = models.BinaryField()
    updated_on = models.DateField()


def _aggregate_cluster(model_name: str) -> models.ForeignKey:
    """The tenancy layer's cluster key for an aggregate table, without an index of its own. Every
    read of an aggregate also names its round or company, which the composite indexes serve; with a
    cluster index, SQLite (which keeps no statistics unless ANALYZE ran) chose it for every query
    and walked the cluster's whole table: the company results page read 171,000 area rows to use
    40 (58 ms). Deleting a whole cluster now scans these tables; nothing else asks by cluster alone."""
    return models.ForeignKey(
        "core.Cluster", on_delete=models.CASCADE, related_name=f"surveys_{model_name}_set", db_index=False
    )


class SegmentCount(ClusterOwnedModel):
    """Respondents per (round, company, segment): the n that the k-rules are applied to."""

    cluster = _aggregate_cluster("segmentcount")
    # Indexed by the composite index below, which leads with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the unique constraint, which leads with the company.
    round_company = models.ForeignKey(
        "surveys.RoundCompany", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    segment = models.CharField(max_length=130, default=ALL, blank=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round_company", "segment"], name="one_segment_count"),
        ]
        indexes = [models.Index(fields=["round", "segment"])]


class AreaAggregate(ClusterOwnedModel):
    cluster = _aggregate_cluster("areaaggregate")
    # Indexed by the composite index below, which leads with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the unique constraint, which leads with the company.
    round_company = models.ForeignKey(
        "surveys.RoundCompany", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    segment = models.CharField(max_length=130, default=ALL, blank=True)
    area_code = models.CharField(max_length=40)
    n = models.PositiveIntegerField(default=0)
    sum_importance = models.BigIntegerField(default=0)
    sum_level = models.BigIntegerField(default=0)
    sum_gap = models.BigIntegerField(default=0)
    sumsq_importance = models.BigIntegerField(default=0)
    sumsq_level = models.BigIntegerField(default=0)
    sumsq_gap = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_company", "segment", "area_code"], name="one_area_aggregate"
            ),
        ]
        indexes = [models.Index(fields=["round", "segment", "area_code"])]


class QuestionAggregate(ClusterOwnedModel):
    """Per question and option: ``n`` answers; ``total``/``total_sq`` of the numeric value (Likert,
    number, NPS: option ""), or the count of an option (choice), or rank points (ranking: 3/2/1)."""

    cluster = _aggregate_cluster("questionaggregate")
    # Indexed by the composite index below, which leads with the round.
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the unique constraint, which leads with the company.
    round_company = models.ForeignKey(
        "surveys.RoundCompany", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    segment = models.CharField(max_length=130, default=ALL, blank=True)
    question_key = models.CharField(max_length=60)
    option_key = models.CharField(max_length=60, default="", blank=True)
    n = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    total_sq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_company", "segment", "question_key", "option_key"],
                name="one_question_aggregate",
            ),
        ]
        indexes = [models.Index(fields=["round", "question_key"])]


class ReleasedText(ClusterOwnedModel):
    """A free-text answer as the release shows it: scrubbed of e-mail addresses, phone numbers and
    the names of people registered in the cluster (surveys/results/scrub.py), in a random order fixed at
    release (``position``), so no reload reshuffles it into a different, comparable list. The team
    can hide one (``hidden``, audited); a hidden text still counts toward k, since the group that
    answered is the same. No timestamps, and a random key, like the answers it comes from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("surveys.Round", on_delete=models.CASCADE, related_name="+", db_index=False)
    round_company = models.ForeignKey("surveys.RoundCompany", on_delete=models.CASCADE, related_name="+")
    question_key = models.CharField(max_length=60)
    # "" for a text question's answer, "other" for the text of a choice's "other" option.
    source = models.CharField(max_length=10, default="", blank=True)
    text = models.TextField()
    position = models.BigIntegerField()
    hidden = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["round", "question_key", "position"])]
