from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "klyngekart.engagement"
    label = "engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # The scores follow their inputs: a registration, a check-in, an interest, a strategy,
        # a round's counters or a membership that changes queues its company's score again.
        from klyngekart.engagement import signals

        signals.connect()
