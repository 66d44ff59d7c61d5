from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "klyngekart.measures"
    label = "measures"
    verbose_name = _("Joint measures")

    def ready(self) -> None:
        # Every impact shown anywhere is checked beside the completed measures' participants.
        from klyngekart.measures.selectors import impact_groups
        from klyngekart.surveys.results import register_impact_source

        register_impact_source("measures", impact_groups)
