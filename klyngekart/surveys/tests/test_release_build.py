"""Building a release: once per closed round, retried when it is missing, never for an open round,
and equal to a recomputation from the raw answers."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from klyngekart.core.tenancy import scope, scopes_disabled
from klyngekart.surveys.models import ReleaseStatus, RoundRelease, SegmentCount
from klyngekart.surveys.results import aggregates
from klyngekart.surveys.results.release import release_build, releases_pending
from klyngekart.surveys.rounds.services import round_close
from klyngekart.surveys.tests.results_world import build_round, fill

pytestmark = pytest.mark.django_db


def _answered(world: Any) -> Any:
    made = build_round(world.cluster)
    fill(made.add_company(world.membership), 6)
    return made.round


def test_an_open_round_has_nothing_to_build(world) -> None:  # type: ignore[no-untyped-def]
    round_ = _answered(world)
    assert release_build(round_id=round_.pk) is None
    with scope(world.cluster):
        assert not RoundRelease.objects.exists() and not SegmentCount.objects.exists()


def test_the_command_builds_what_a_failed_task_left_and_nothing_twice(world) -> None:  # type: ignore[no-untyped-def]
    """Closing queues the build after commit; in a test nothing commits, so the release waits as
    a failed task would leave it: the command (and the daily duties) find and build it."""
    round_ = _answered(world)
    with scope(world.cluster):
        round_close(round_=round_, actor=None)
        assert RoundRelease.objects.get(round=round_).status == ReleaseStatus.BUILDING
    assert releases_pending() == [round_.pk]
    err = StringIO()
    call_command("release_rounds", stderr=err)
    assert "released, 6 respondent(s)" in err.getvalue()
    assert releases_pending() == []
    with scope(world.cluster):
        release = RoundRelease.objects.get(round=round_)
        assert release.status == ReleaseStatus.READY and release.respondents == 6
        assert aggregates.rebuild(round=round_, fix=False) == []
        finished = release.finished_at
    # A second build finds it ready and changes nothing.
    release_build(round_id=round_.pk)
    with scopes_disabled():
        assert RoundRelease.objects.get(round=round_).finished_at == finished
