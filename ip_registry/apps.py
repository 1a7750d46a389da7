from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = _("IP registry")

    def ready(self):
        from django.db.models.signals import post_migrate

        from techmarket.accounts.permissions import grant_platform_staff_after_migrate
        from techmarket.audit.models import register_actions

        from .choices import EntryKind
        from .permissions import PLATFORM_STAFF_PERMISSIONS, registry_clerk_group_after_migrate

        grant_platform_staff_after_migrate(self, PLATFORM_STAFF_PERMISSIONS)
        post_migrate.connect(
            registry_clerk_group_after_migrate, sender=self, weak=False, dispatch_uid="registry-clerk-group"
        )
        register_actions({f"registry.{kind.value}": kind.label for kind in EntryKind})
        register_actions({"patent.update": _("Patent details changed"), "target.save": _("Target saved")})
        register_actions(
            {
                "registry.recordal_open": _("Licence contract awaiting recordal"),
                "registry.recordal_reminded": _("Recordal reminder sent"),
                "registry.recordal_recorded": _("Licence recorded with CNIPA"),
            }
        )
