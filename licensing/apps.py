from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licensing and payments")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .permissions import finance_group_after_migrate

        post_migrate.connect(
            finance_group_after_migrate, sender=self, weak=False, dispatch_uid="licensing-finance-group"
        )
        self._ready_paylater()

    def _ready_paylater(self):
        """Use first, pay later: instalment payments, audit labels, the apply button on listing pages."""
        from techmarket import slots

        from .services import paylater
        from .views import paylater as paylater_views

        paylater.register()
        slots.register(slots.LISTING_DEALS, paylater_views.listing_part)
