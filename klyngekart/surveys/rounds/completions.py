"""Completing personal invitations apart from their responses: after commit, in shuffled batches.

Why (PRODUCT.md, "Privacy"; issue 12, finding 5): when the submission marked its invitation
completed in the transaction that stored the response, both rows carried the same transaction id
(``xmin`` on PostgreSQL), and a plain join linked every address to its answers. Now:

1. the submission stores the response only, and after its commit ``completion_record`` writes a
   ``PendingCompletion`` in a transaction of its own. Which invitation it is, is sealed (AES-GCM
   under a key derived from SECRET_KEY, with no timestamp, unlike Fernet): the database alone cannot
   tell whose completion is pending, nor line pending rows up with responses;
2. ``completions_flush`` applies a round's pending completions in one transaction, in random order,
   once at least ``KLYNGEKART_COMPLETION_BATCH`` (default 5) are waiting: the periodic task asks
   every few minutes (``completions_flush_due``), and closing a round applies what is left. Every
   invitation of a batch then carries the same transaction id, which is no response's, and the order
   of their new row versions is shuffled, so someone reading the database can tell at most that one
   of a batch of at least five answered a given response (the last batch at close may be smaller);
3. until then the invitation is not marked completed, so whatever reads its status must also ask
   ``completions_pending_ids`` (the reminders do, reading without writing: a reminder must never
   apply a batch early, nor issue a fresh link to someone who has answered). Whatever happens, a
   personal link stores one response: ``Response.invitation_key`` is unique per link token.
"""

from __future__ import annotations

import os
import random

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import PendingCompletion, RespondentInvitation, Round, RoundStatus
from klyngekart.surveys.models.rounds import InvitationStatus

DEFAULT_BATCH = 5
_NONCE = 12
_rng = random.SystemRandom()


def batch_size() -> int:
    return max(1, int(getattr(settings, "KLYNGEKART_COMPLETION_BATCH", DEFAULT_BATCH) or DEFAULT_BATCH))


def _cipher() -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"klyngekart.surveys.pending-completion"
    ).derive(settings.SECRET_KEY.encode())
    return AESGCM(key)


def _seal(round_id: int, invitation_id: int) -> bytes:
    nonce = os.urandom(_NONCE)
    # The round is the associated data: a sealed row moved to another round does not open.
    return nonce + _cipher().encrypt(nonce, str(invitation_id).encode(), str(round_id).encode())


def _open(round_id: int, sealed: bytes | memoryview) -> int | None:
    data = bytes(sealed)
    try:
        return int(_cipher().decrypt(data[:_NONCE], data[_NONCE:], str(round_id).encode()))
    except (InvalidTag, ValueError):
        return None


def completion_record(*, cluster_id: int, round_id: int, invitation_id: int) -> None:
    """Record that a personal invitation has answered. Call after the response's transaction has
    committed (``transaction.on_commit``), never inside it: this row must not share its
    transaction. Nothing is applied here; see the module docstring."""
    # An on-commit callback may run outside the request's cluster scope (after an outer
    # transaction): the row names its cluster itself.
    with scopes_disabled(), transaction.atomic():
        PendingCompletion.objects.create(
            cluster_id=cluster_id, round_id=round_id, sealed=_seal(round_id, invitation_id)
        )


def completions_pending_ids(round_: Round) -> set[int]:
    """The invitations of ``round_`` whose completion is recorded but not applied yet. Reads only:
    callers that must treat them as completed (the reminders) never apply a batch early."""
    rows = PendingCompletion.objects.filter(round=round_).values_list("sealed", flat=True)
    return {pk for pk in (_open(round_.pk, sealed) for sealed in rows) if pk is not None}


def completions_flush(*, round_: Round, force: bool = False) -> int:
    """Apply the round's pending completions, all in one transaction and in random order, when at
    least a batch is waiting (or whatever is waiting when ``force``: the round has closed). Returns
    how many invitations were completed."""
    with transaction.atomic():
        pending = list(PendingCompletion.objects.select_for_update().filter(round=round_))
        if not pending or (len(pending) < batch_size() and not force):
            return 0
        ids = [pk for pk in (_open(round_.pk, row.sealed) for row in pending) if pk is not None]
        _rng.shuffle(ids)
        completed = 0
        for invitation_id in ids:
            # One update per invitation, in shuffled order: the new row versions are written in
            # that order, not in the order of the answers. update(), not save(): an invitation's
            # updated_at must not say when.
            completed += (
                RespondentInvitation.objects.filter(round=round_, pk=invitation_id)
                .exclude(status=InvitationStatus.COMPLETED)
                .update(status=InvitationStatus.COMPLETED)
            )
        PendingCompletion.objects.filter(pk__in=[row.pk for row in pending]).delete()
    return completed


def completions_flush_due() -> int:
    """What the periodic task does: apply every round's pending completions that make a batch,
    and whatever is left of closed rounds (an answer committed while its round was closing)."""
    size = batch_size()
    with scopes_disabled():
        counts: list[tuple[int, int]] = list(
            PendingCompletion.objects.values_list("round_id")
            .annotate(n=Count("pk"))
            .values_list("round_id", "n")
            .order_by("round_id")
        )
        rounds = Round.objects.select_related("cluster").in_bulk([round_id for round_id, _n in counts])
    completed = 0
    for round_id, waiting in counts:
        round_ = rounds.get(round_id)
        if round_ is None:
            continue
        closed = round_.status == RoundStatus.CLOSED
        if waiting >= size or closed:
            with scope(round_.cluster):
                completed += completions_flush(round_=round_, force=closed)
    return completed
