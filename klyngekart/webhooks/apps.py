from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "klyngekart.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from klyngekart.core.events import event_happened
        from klyngekart.webhooks.services import deliveries_create

        event_happened.connect(deliveries_create, dispatch_uid="klyngekart.webhooks")
