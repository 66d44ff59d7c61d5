from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "klyngekart.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # accounts asks the member register whether a company role counts, and by which name
        # its company goes (accounts.membership); this is where the register answers.
        from klyngekart.accounts import membership
        from klyngekart.members.roles import MembershipFacts

        membership.register(MembershipFacts())
