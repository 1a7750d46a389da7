from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licensing and payments")

    def ready(self):
        from django.db.models.signals import post_migrate

        from techmarket import slots
        from techmarket.audit.models import register_actions

        from . import checks  # noqa: F401 - registers the system checks
        from .choices import PaymentPurpose
        from .payments import checkout, saved_methods
        from .payments.services import on_disputed, on_expired, on_refunded, on_setup_succeeded, on_succeeded
        from .permissions import finance_group_after_migrate
        from .services import licences
        from .views import obtain

        post_migrate.connect(
            finance_group_after_migrate, sender=self, weak=False, dispatch_uid="licensing-finance-group"
        )
        # Open licences obtained online: a confirmed fee makes the licence take effect; the listing page offers it.
        # An expired reference cancels it.
        on_succeeded(PaymentPurpose.OPEN_LICENCE_FEE, licences.licence_paid)
        on_expired(PaymentPurpose.OPEN_LICENCE_FEE, licences.licence_cancel_unpaid)
        # A fee refunded in full ends the licence (on the registry too); a fee disputed freezes it until decided.
        on_refunded(PaymentPurpose.OPEN_LICENCE_FEE, licences.licence_end_refunded)
        on_disputed(PaymentPurpose.OPEN_LICENCE_FEE, licences.licence_freeze)
        # A card saved for pay-later instalments, once Stripe reports its SetupIntent succeeded.
        on_setup_succeeded(saved_methods.setup_intent_succeeded)
        register_actions(licences.AUDIT_ACTIONS)
        register_actions(checkout.AUDIT_ACTIONS)
        register_actions(
            {
                "declaration.create": _("Open licence declaration written"),
                "declaration.in_force": _("Open licence declaration in force"),
                "declaration.consent": _("Consent to an open licence declaration"),
                "declaration.refuse": _("Consent to an open licence declaration refused"),
                "declaration.withdraw": _("Open licence declaration withdrawn"),
                "payment.created": _("Payment requested"),
                "payment.succeeded": _("Payment received"),
                "payment.expired": _("Payment reference expired"),
                "payment.failed": _("Payment failed"),
                "payment.refunded": _("Payment refunded"),
                "payment.partly_refunded": _("Payment partly refunded"),
                "payment.disputed": _("Payment disputed by the payer's bank"),
                "payment.dispute_won": _("Payment dispute won"),
                "payment.dispute_lost": _("Payment dispute lost"),
                "fund.top_up": _("Risk fund topped up"),
                "fund.payout": _("Risk fund paid a claim"),
                "fund.adjustment": _("Risk fund adjusted"),
            }
        )
        slots.register(slots.LISTING_DEALS, obtain.listing_obtain_button)
        self._ready_paylater()

    def _ready_paylater(self):
        """Use first, pay later: instalment payments, audit labels, the apply button on listing pages."""
        from techmarket import slots

        from .services import paylater
        from .views import paylater as paylater_views

        paylater.register()
        slots.register(slots.LISTING_DEALS, paylater_views.listing_part)
