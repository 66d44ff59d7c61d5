from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "klyngekart.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from klyngekart.core import checks  # noqa: F401  (registers the system checks)
        from klyngekart.core.health import connect_queue_stamps

        connect_queue_stamps()
