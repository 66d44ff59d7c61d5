from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberServicesConfig(AppConfig):
    name = "klyngekart.memberservices"
    label = "memberservices"
    verbose_name = _("Member services")
