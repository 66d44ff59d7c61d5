"""Every action a service records reads as a sentence in the change log, never as its code.

The actions are read from the source: a new ``audit_log(action="...")`` without a sentence in
``core.audit_text`` fails here rather than showing "surveys.open_link.enabled" to a manager."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from klyngekart.core.audit_text import describe
from klyngekart.core.models import AuditLog

PACKAGE = Path(__file__).resolve().parents[2]
# action="a.b.c", and both names of action="a.b.x" if ... else "a.b.y".
_ACTION = re.compile(
    r'action\s*=\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"(?:\s*if .*? else\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)")?'
)


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in _ACTION.finditer(path.read_text(encoding="utf-8")):
            found.update(name for name in match.groups() if name)
    return found


def test_the_source_records_actions():
    assert {"surveys.open_link.enabled", "surveys.open_link.disabled", "members.membership.created"} <= (
        _recorded_actions()
    )


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_recorded_action_reads_as_a_sentence(language):
    unread = []
    with translation.override(language):
        for action in sorted(_recorded_actions()):
            sentence = describe(AuditLog(action=action, object_repr="Runde 2026", data={})).sentence
            if action in sentence:
                unread.append(action)
    assert unread == []
