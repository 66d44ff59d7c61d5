import factory

from klyngekart.core.tests.factories import TenantFactory
from klyngekart.memberservices.models import MemberService


class MemberServiceFactory(TenantFactory):
    class Meta:
        model = MemberService

    name_nb = factory.Sequence(lambda n: f"Tjeneste {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
