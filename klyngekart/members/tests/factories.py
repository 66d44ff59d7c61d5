from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from klyngekart.core.tests.factories import ClusterFactory, TenantFactory
from klyngekart.members.models import Company, Contact, Membership
from klyngekart.members.validators import org_number_check_digit


def valid_org_number(n: int) -> str:
    """The n-th valid Norwegian org number above 900 000 000 (skips bodies with no check digit)."""
    body = 90000000 + n
    while True:
        digits = f"{body:08d}"
        check = org_number_check_digit(digits)
        if check is not None:
            return f"{digits}{check}"
        body += 1


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    org_number = factory.Sequence(lambda n: valid_org_number(n * 3))
    name = factory.Sequence(lambda n: f"Bedrift {n} AS")
    nace_code = "62.100"
    employees = 25
    region = "46"


class MembershipFactory(TenantFactory):
    """A membership whose facts start as the company's (as if this cluster added it); pass
    ``name=``, ``employees=``... for a cluster that records the company differently."""

    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    company = factory.SubFactory(CompanyFactory)
    status = "active"
    name = factory.SelfAttribute("company.name")
    nace_code = factory.SelfAttribute("company.nace_code")
    employees = factory.SelfAttribute("company.employees")
    size_class = factory.SelfAttribute("company.size_class")
    municipality = factory.SelfAttribute("company.municipality")
    region = factory.SelfAttribute("company.region")
    website = factory.SelfAttribute("company.website")


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    membership = factory.SubFactory(MembershipFactory)
    cluster = factory.SelfAttribute("membership.cluster")
    name = factory.Faker("name", locale="no_NO")
    email = factory.Sequence(lambda n: f"kontakt{n}@example.no")
