"""The bench's baseline and arithmetic: DuckDB over the exported raw answers must compute the figures
the needs API serves from the aggregates, or the comparison in docs/performance.md means nothing."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.test import Client

from bench.harness import Row, markdown_table, percentile
from bench.scenarios import duckdb_needs, export_gap_answers
from klyngekart.accounts.models import ClusterRole, User
from klyngekart.accounts.tokens import api_token_create
from klyngekart.core.models import Cluster
from klyngekart.core.tenancy import scopes_disabled
from klyngekart.surveys.models import Round

pytestmark = pytest.mark.django_db


def test_duckdb_over_the_raw_answers_gives_the_needs_figures_of_the_api(tmp_path: Path) -> None:
    call_command("generate_scale_data", scale="tiny", seed=3, stdout=StringIO())
    with scopes_disabled():
        cluster = Cluster.objects.get(slug="scale-001")
        round_ = Round.objects.get(cluster=cluster)
        manager = User.objects.create(email="bench-test@example.org")
        ClusterRole.objects.create(cluster=cluster, user=manager, role="manager")
        _token, secret = api_token_create(user=manager, name="bench test")
    path = tmp_path / "gap_answers.parquet"
    assert export_gap_answers(path) == 300 * 40  # both clusters' rounds: the query must pick one

    reply = Client().get(
        f"/api/v1/clusters/{cluster.slug}/needs?round={round_.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert reply.status_code == 200
    api = {need["area"]: need for need in reply.json()}

    rows = duckdb_needs(duckdb.connect(), path, round_.pk, cluster.anonymity_threshold)
    per_area = {row[1]: row for row in rows}
    assert len(rows) == len({row[0] for row in rows}) * 40  # every company answered every area
    assert set(per_area) == set(api)
    for code, (_rc, _code, _n, _gap, _imp, _lvl, breadth, companies, depth) in per_area.items():
        assert api[code]["breadth"] == breadth
        assert Decimal(api[code]["depth"]) == pytest.approx(Decimal(str(depth)), abs=Decimal("0.01"))
        if companies:
            share = Decimal(api[code]["breadth_share"])
            assert share == pytest.approx(Decimal(breadth) / companies, abs=Decimal("0.01"))


def test_percentiles_are_nearest_rank_and_the_table_says_when_a_goal_is_missed() -> None:
    values = [float(n) for n in range(1, 41)]
    assert percentile(values, 0.95) == 38
    assert percentile(values, 0.5) == 20
    assert percentile([7.0], 0.95) == 7
    table = markdown_table(
        [
            Row("national", "company results page", "ms", 40.0, 120.0, goal="p95 < 100 ms", met=False),
            Row("cluster", "app worker peak RSS", "MB", None, 110.0, goal="< 200 MB", met=True),
        ]
    )
    lines = table.splitlines()
    assert lines[2] == "| national | company results page | 40.0 ms | 120 ms | – | – | p95 < 100 ms | NO |"
    assert lines[3].endswith("| < 200 MB | yes |")
