"""Drafts: answers saved as a respondent goes, so they can resume from the same link.

A draft is found by a keyed hash of a token only the respondent holds (a personal invitation's
token, or the random resume token an open link keeps in a cookie) and encrypted with a key derived
from that token. Without the respondent's token the server can neither read a draft nor find it;
the hash is domain-separated from the invitation's own token hash, so a draft row does not even
share a value with the invitation it belongs to. It is keyed with a secret (surveys/answering/keyed.py), so
that whoever has the mail with a personal link and a copy of the database cannot compute it either.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from klyngekart.surveys.answering.keyed import DRAFT, keyed_digest, sha256_hex
from klyngekart.surveys.models import ResponseDraft, RoundCompany
from klyngekart.surveys.models.rounds import InvitationStatus, RespondentInvitation

_HASH_PREFIX = b"klyngekart-draft:"


def draft_token_hash(token: str) -> str:
    return keyed_digest(DRAFT, sha256_hex(_HASH_PREFIX + token.encode()))


def invitation_token_hash(token: str) -> str:
    """How RespondentInvitation.token_hash is made (as for every other token we store)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _fernet(token: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"klyngekart-draft").derive(
        token.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def draft_save(*, round_company: RoundCompany, token: str, answers: dict[str, Any], section: int) -> bool:
    """Store the answers so far and the section to resume at. Returns True for the first save.

    The first save of a token counts the respondent as started (the company's counter and, for a
    personal link, the invitation's status). Those writes use update() on purpose: a save() would
    stamp the invitation's updated_at with the time, and the brief is "no time but the day"."""
    payload = _fernet(token).encrypt(json.dumps({"answers": answers, "section": section}).encode())
    token_hash = draft_token_hash(token)
    with transaction.atomic():
        updated = ResponseDraft.objects.filter(round_company=round_company, token_hash=token_hash).update(
            payload=payload, updated_on=timezone.localdate()
        )
        if updated:
            return False
        draft = ResponseDraft(
            cluster_id=round_company.cluster_id,
            round_company=round_company,
            token_hash=token_hash,
            payload=payload,
            updated_on=timezone.localdate(),
        )
        draft.full_clean(validate_unique=False)
        draft.save()
        RoundCompany.objects.filter(pk=round_company.pk).update(started_count=F("started_count") + 1)
        RespondentInvitation.objects.filter(
            round_company=round_company,
            token_hash=invitation_token_hash(token),
            status=InvitationStatus.INVITED,
        ).update(status=InvitationStatus.STARTED)
    return True


def draft_load(*, round_company: RoundCompany, token: str) -> tuple[dict[str, Any], int] | None:
    """The saved answers and section, or None (no draft, or one this token cannot open)."""
    # token_hash is unique: a slice, not first() (no ORDER BY to compile on every answering page).
    found = ResponseDraft.objects.filter(round_company=round_company, token_hash=draft_token_hash(token))[:1]
    draft = next(iter(found), None)
    if draft is None:
        return None
    try:
        data = json.loads(_fernet(token).decrypt(bytes(draft.payload)))
    except (InvalidToken, ValueError):
        return None
    return dict(data.get("answers") or {}), int(data.get("section") or 0)


def draft_delete(*, round_company: RoundCompany, token: str) -> int:
    """Delete the draft of ``token``; returns how many there were (0 or 1)."""
    deleted, _by_model = ResponseDraft.objects.filter(
        round_company=round_company, token_hash=draft_token_hash(token)
    ).delete()
    return deleted
