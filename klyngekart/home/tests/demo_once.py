"""The demo built once per test module: building it takes seconds, and most tests only read it.

The module fixture opens a transaction, builds the demo in it and rolls it back at the end; each
test's own transaction (pytest-django's ``db``) nests inside as a savepoint, as Django's
``TestCase.setUpTestData`` does, so what a test changes is undone before the next one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@dataclass(frozen=True)
class BuiltDemo:
    seconds: float
    # The CPU time of this process: what the demo costs, whatever else the machine is running.
    cpu_seconds: float
    output: str


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def built_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[BuiltDemo]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started, cpu_started = time.perf_counter(), time.process_time()
            output = run_demo()
            yield BuiltDemo(
                seconds=time.perf_counter() - started,
                cpu_seconds=time.process_time() - cpu_started,
                output=output,
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
