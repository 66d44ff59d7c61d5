from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "klyngekart.collaborations"
    label = "collaborations"
    verbose_name = _("Collaborations")

    def ready(self) -> None:
        from klyngekart.collaborations.models import Stage
        from klyngekart.core.audit_text import register_value_labels

        # The change log names the stages a move went between.
        register_value_labels("collaborations.opportunity.stage_changed", dict(Stage.choices))
