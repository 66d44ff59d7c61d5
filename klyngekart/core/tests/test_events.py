"""Events reach listeners only after the change commits, and a listener that fails never turns
the caller's committed change into an error."""

from __future__ import annotations

import pytest
from django.db import transaction

from klyngekart.core import events

pytestmark = pytest.mark.django_db(transaction=True)


def test_listeners_hear_after_the_commit_and_a_failing_one_is_only_logged(world, caplog):
    heard: list[tuple[int, str]] = []

    def listen(sender, *, cluster_id, event, payload, **kwargs):  # type: ignore[no-untyped-def]
        heard.append((cluster_id, event))

    def broken(sender, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("listener down")

    events.event_happened.connect(broken, dispatch_uid="test-broken")
    events.event_happened.connect(listen, dispatch_uid="test-listen")
    try:
        with transaction.atomic():
            events.emit(cluster=world.cluster, event=events.MEMBER_ADDED, payload={"member": {}})
            assert heard == []  # not before the commit
        # The broken listener was connected first; the other hears all the same.
        assert heard == [(world.cluster.pk, events.MEMBER_ADDED)]
        assert "listener down" in caplog.text
    finally:
        events.event_happened.disconnect(dispatch_uid="test-broken")
        events.event_happened.disconnect(dispatch_uid="test-listen")


def test_an_unknown_event_is_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown event"):
        events.emit(cluster=world.cluster, event="member.deleted", payload={})
