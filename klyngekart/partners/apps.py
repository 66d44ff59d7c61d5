from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "klyngekart.partners"
    label = "partners"
    verbose_name = _("Partner matching")

    def ready(self) -> None:
        # A released round refreshes the published profile: the app hears core.events'
        # "round.released" (sent after the release commits), as webhooks do.
        from klyngekart.partners import signals  # noqa: F401
