from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "klyngekart.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        # Every impact shown anywhere is checked beside the activities' participants.
        from klyngekart.activities.impact import impact_groups
        from klyngekart.surveys.results import register_impact_source

        register_impact_source("activities", impact_groups)
