from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_platform_staff(sender, using, **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    from techmarket.accounts.permissions import platform_staff_group

    from .permissions import PLATFORM_STAFF_PERMISSIONS

    create_permissions(sender, verbosity=0, using=using)
    platform_staff_group().permissions.add(
        *Permission.objects.filter(content_type__app_label=sender.label, codename__in=PLATFORM_STAFF_PERMISSIONS)
    )


class IpRegistryConfig(AppConfig):
    name = "ip_registry"
    verbose_name = _("IP registry")

    def ready(self):
        from techmarket.audit.models import register_actions

        from .choices import EntryKind

        post_migrate.connect(_grant_platform_staff, sender=self)
        register_actions({f"registry.{kind.value}": kind.label for kind in EntryKind})
        register_actions({"patent.update": _("Patent details changed"), "target.save": _("Target saved")})
