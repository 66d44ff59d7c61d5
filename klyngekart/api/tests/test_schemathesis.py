"""Every API operation, fuzzed from its own OpenAPI description (schemathesis), as every role: no
answer is a server error, and every answer matches the schema the document gives for its status.

The cases are generated from /api/v1/openapi.json; the cluster in the path is the test world's
(a random slug would only ever meet the 404 for a cluster one has no role in), everything else in
the request is as schemathesis draws it, valid or not. Each case is sent with a token of each role
of the cluster, so the answers a role gets (200, 403, 404, 422) are all checked against the
document. `SCHEMATHESIS_EXAMPLES` sets how many cases per operation (default 4).

The stage takes minutes, so `make test` leaves these out (-m 'not schemathesis') and `.ci/run` runs
them in a stage of their own against PostgreSQL: `make schemathesis`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from klyngekart.accounts.tokens import api_token_create
from klyngekart.conftest import CLUSTER_ROLES, COMPANY_ROLES, World

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))

pytestmark = pytest.mark.schemathesis


def _operations() -> list[str]:
    from klyngekart.api.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


@pytest.fixture
def api_schema(db: Any) -> Iterator[Any]:
    # Requests go through the real WSGI handler, whose request_started/finished signals close the
    # database connection; inside a test's transaction that would close it under the test (on
    # PostgreSQL). Django's own test client holds the same two signals back while it calls.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    return {
        role: api_token_create(user=world.users[role], name=f"fuzz {role}")[1]
        for role in (*CLUSTER_ROLES, *COMPANY_ROLES)
    }


@pytest.mark.parametrize("label", _operations())
def test_every_operation_as_every_role(
    label: str, api_schema: Any, world: World, tokens: dict[str, str]
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        if case.path_parameters and "slug" in case.path_parameters:
            case.path_parameters["slug"] = world.cluster.slug
        for role, token in tokens.items():
            try:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {token}"},
                    checks=[not_a_server_error, response_schema_conformance],
                )
            except Exception as error:
                raise AssertionError(f"{role}: {error}") from error

    fuzz()
