import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone

from klyngekart.activities.models import Activity, ActivityKind, Audience, Registration
from klyngekart.core.tests.factories import TenantFactory


class ActivityFactory(TenantFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.MEMBER_FORUM
    title = factory.Sequence(lambda n: f"Medlemsmøte {n}")
    title_en = factory.Sequence(lambda n: f"Member forum {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    place = "Klyngehuset, Raufoss"
    audience = Audience.MEMBERS


class RegistrationFactory(TenantFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    cluster = factory.SelfAttribute("activity.cluster")
    email = factory.Sequence(lambda n: f"deltaker{n}@example.no")
    name = factory.Sequence(lambda n: f"Deltaker {n}")


def make_activity(**kwargs: Any) -> Activity:
    return cast(Activity, ActivityFactory(**kwargs))


def make_registration(**kwargs: Any) -> Registration:
    return cast(Registration, RegistrationFactory(**kwargs))
