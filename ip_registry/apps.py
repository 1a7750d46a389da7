from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = _("IP registry")

    def ready(self):
        from techmarket.accounts.permissions import grant_platform_staff_after_migrate
        from techmarket.audit.models import register_actions

        from .choices import EntryKind
        from .permissions import PLATFORM_STAFF_PERMISSIONS

        grant_platform_staff_after_migrate(self, PLATFORM_STAFF_PERMISSIONS)
        register_actions({f"registry.{kind.value}": kind.label for kind in EntryKind})
        register_actions({"patent.update": _("Patent details changed"), "target.save": _("Target saved")})
