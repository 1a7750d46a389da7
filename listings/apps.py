from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Listings")

    def ready(self):
        from techmarket import slots
        from techmarket.accounts import hooks as accounts_hooks
        from techmarket.accounts.permissions import grant_platform_staff_after_migrate
        from techmarket.audit.models import register_actions

        from . import signals
        from .choices import TRANSITIONS
        from .permissions import PLATFORM_STAFF_PERMISSIONS, kind_change_refusal
        from .views import organisation

        grant_platform_staff_after_migrate(self, PLATFORM_STAFF_PERMISSIONS)
        signals.connect()
        slots.register(slots.ORGANISATION_ACTIONS, organisation.import_link)
        slots.register(slots.ORGANISATION_SECTIONS, organisation.organisation_listings)
        accounts_hooks.provide_kind_change_check(kind_change_refusal)
        register_actions({f"listing.{name}": t.label for name, t in TRANSITIONS.items()})
        register_actions(
            {
                "listing.create": _("Listing created"),
                "listing.update": _("Listing edited"),
                "listing.broker": _("Broker assigned"),
                "listing.image_add": _("Image added"),
                "listing.image_delete": _("Image removed"),
                "listing.file_add": _("File attached"),
                "listing.file_delete": _("File removed"),
                "listing.import": _("Listings imported from a file"),
                "listing.open_licence_off": _("Open licence taken off (declaration withdrawn)"),
                "listing.exclusive_off": _("Exclusive or sole licence taken off (open licence declared)"),
                "inquiry.create": _("Inquiry sent"),
                "inquiry.reply": _("Inquiry answered"),
                "inquiry.close": _("Inquiry closed"),
                "demand.create": _("Demand posted"),
                "demand.update": _("Demand edited"),
                "demand.close": _("Demand closed"),
                "proposal.create": _("Proposal sent"),
                "proposal.shortlist": _("Proposal shortlisted"),
                "proposal.select": _("Proposal selected"),
            }
        )
