from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BarometerConfig(AppConfig):
    name = "klyngekart.barometer"
    label = "barometer"
    verbose_name = _("National competence barometer")

    def ready(self) -> None:
        # Surveys may not import the barometer: it learns of a release through this signal.
        from klyngekart.barometer import signals  # noqa: F401
