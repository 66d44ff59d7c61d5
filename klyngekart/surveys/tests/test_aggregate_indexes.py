"""The aggregate tables are read by round or by company, never by cluster alone: a cluster_id index
of their own only misled SQLite's planner (no statistics) into walking a whole cluster's rows."""

from __future__ import annotations

import pytest
from django.db import connection

from klyngekart.core.tenancy import scope
from klyngekart.surveys.models import AreaAggregate, QuestionAggregate, SegmentCount
from klyngekart.surveys.tests.results_world import build_round, fill, release

pytestmark = pytest.mark.django_db

AGGREGATES = (AreaAggregate, QuestionAggregate, SegmentCount)


def test_no_aggregate_table_has_an_index_on_the_cluster_alone() -> None:
    with connection.cursor() as cursor:
        for model in AGGREGATES:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            single = [c["columns"] for c in constraints.values() if c["index"] and len(c["columns"]) == 1]
            assert ["cluster_id"] not in single, model.__name__
            # The company's rows are still found by an index that leads with the company.
            assert any(
                c["columns"][:1] == ["round_company_id"] for c in constraints.values() if c["unique"]
            ), model.__name__


def test_a_companys_area_rows_are_found_through_the_companys_index(world) -> None:
    made = build_round(world.cluster)
    part = made.add_company(world.membership)
    fill(part, 5)
    release(made.round)
    with scope(world.cluster):
        query = AreaAggregate.objects.filter(
            round_company_id__in=[part.pk], segment="", area_code__in=["digital-ai", "lean"]
        ).values_list("n")
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(explain + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert len(list(query)) == 2
    # Before, SQLite's plan read "SEARCH surveys_areaaggregate USING INDEX
    # surveys_areaaggregate_cluster_id_d996cee4 (cluster_id=?)".
    assert "_cluster_id_" not in plan
