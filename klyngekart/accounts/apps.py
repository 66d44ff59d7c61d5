from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "klyngekart.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from klyngekart.accounts import signals  # noqa: F401  (connects the receivers)
        from klyngekart.accounts.models import ClusterRoleKind, CompanyRoleKind
        from klyngekart.core.audit_text import register_role_labels

        register_role_labels(dict(ClusterRoleKind.choices) | dict(CompanyRoleKind.choices))
