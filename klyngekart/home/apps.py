from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The cluster's home, change log and settings. It sits at the top of the app layers and
    may read every other app's selectors; no other app imports it."""

    name = "klyngekart.home"
    label = "home"
    verbose_name = _("Cluster home")
