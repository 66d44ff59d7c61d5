from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from klyngekart.accounts.models import ClusterRole, CompanyRole, User
from klyngekart.core.tests.factories import ClusterFactory, TenantFactory
from klyngekart.members.tests.factories import CompanyFactory

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """allauth requires a verified address to log in; test users have one."""
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ClusterRoleFactory(TenantFactory):
    class Meta:
        model = ClusterRole

    cluster = factory.SubFactory(ClusterFactory)
    user = factory.SubFactory(UserFactory)
    role = "manager"


class CompanyRoleFactory(TenantFactory):
    """A role granted by ``cluster``; pass the cluster whose member ``company`` is."""

    class Meta:
        model = CompanyRole

    cluster = factory.SubFactory(ClusterFactory)
    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = "contact"
