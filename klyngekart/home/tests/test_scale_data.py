from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench.scale import AREAS, SCALES, summary
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.landscape.models import ClusterProfile
from klyngekart.surveys.models import AreaAggregate, Round, SegmentCount
from klyngekart.surveys.results import aggregates

pytestmark = pytest.mark.django_db


def _generate(seed: int) -> tuple[dict[str, Any], str]:
    out = StringIO()
    call_command("generate_scale_data", scale="tiny", seed=seed, stdout=out)
    return summary(), out.getvalue()


def _in_fresh_database(seed: int) -> dict[str, Any]:
    """Generate, read the summary and roll everything back, so the next run starts from empty."""
    with transaction.atomic():
        result, _out = _generate(seed)
        transaction.set_rollback(True)
    return result


def test_tiny_scale_has_the_promised_counts_and_aggregates_built_by_rebuild() -> None:
    result, out = _generate(seed=7)
    tiny = SCALES["tiny"]
    counts = result["counts"]
    assert counts["clusters"] == tiny.clusters
    assert counts["companies"] == tiny.companies
    assert counts["rounds"] == tiny.clusters
    assert counts["responses"] == tiny.respondents
    # One answer to the segment question per respondent, and a gap row for each of the 40 areas.
    assert counts["answers"] == tiny.respondents
    assert counts["gap_answers"] == tiny.respondents * AREAS
    assert "rows/s" in out
    assert ClusterProfile.objects.filter(fictional=True).count() == 30
    if connection.vendor == "postgresql":
        # The load may skip foreign-key triggers for its own session; the connection gets them back.
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone() == ("origin",)

    with scopes_disabled():
        everyone = SegmentCount.objects.filter(segment="", cluster__slug__startswith="scale-")
        assert sum(everyone.values_list("n", flat=True)) == tiny.respondents
        area_rows = AreaAggregate.objects.filter(segment="", cluster__slug__startswith="scale-")
        assert sum(area_rows.values_list("n", flat=True)) == tiny.respondents * AREAS
        assert area_rows.values("area_code").distinct().count() == AREAS
        # The role question is the segment: every respondent counts in exactly one role group.
        roles = SegmentCount.objects.filter(segment__startswith="role=", cluster__slug__startswith="scale-")
        assert sum(roles.values_list("n", flat=True)) == tiny.respondents
        for round_ in Round.objects.filter(cluster__slug__startswith="scale-"):
            assert round_.status == "closed"
            assert aggregates.rebuild(round=round_, fix=False) == []


def test_the_same_seed_gives_the_same_dataset_and_another_seed_does_not() -> None:
    first = _in_fresh_database(seed=11)
    second = _in_fresh_database(seed=11)
    other = _in_fresh_database(seed=12)
    assert first["counts"] == second["counts"]
    assert first["aggregates"] == second["aggregates"]
    assert first["response_ids"] == second["response_ids"]
    assert first["aggregates"]["area"]
    assert other["aggregates"] != first["aggregates"]


def test_a_second_run_into_the_same_database_is_refused() -> None:
    _generate(seed=1)
    with pytest.raises(Exception, match="already loaded"):
        _generate(seed=1)
