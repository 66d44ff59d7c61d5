"""Fifty people register at once for ten seats: exactly ten get a seat, forty wait, none is lost.

Each registration runs in its own thread with its own database connection, as concurrent requests
do. Passes on SQLite (``make test``) and on PostgreSQL (DATABASE_URL=postgres://…)."""

import threading

import pytest
from django.db import connection

from klyngekart.activities import services
from klyngekart.activities.models import Audience, Registration, RegistrationStatus
from klyngekart.activities.tests.factories import make_activity
from klyngekart.core.tenancy import scope, scopes_disabled


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_for_ten_seats(world) -> None:
    activity = make_activity(cluster=world.cluster, capacity=10, audience=Audience.OPEN)
    actor = world.users["staff"]
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def register(number: int) -> None:
        try:
            start.wait()
            with scope(world.cluster):
                services.registration_create(activity=activity, actor=actor, email=f"p{number}@example.no")
        except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with scopes_disabled():
        rows = list(Registration.objects.filter(activity=activity).values_list("status", "position"))
    assert len(rows) == 50
    assert sum(status == RegistrationStatus.REGISTERED for status, _p in rows) == 10
    waiting = sorted(p or 0 for status, p in rows if status == RegistrationStatus.WAITLISTED)
    assert waiting == list(range(1, 41))
