from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Editorial pages")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from licensing.payments import bank_transfer
        from search import pages as search_pages

        from . import selectors, signals, site_settings
        from .permissions import grant_platform_staff_admin

        # The search page's tab of editorial pages.
        search_pages.provide(selectors.search_pages)

        # Payment pages and instructions quote the account saved in the site settings, when it is filled in.
        bank_transfer.provide_bank_account(site_settings.platform_bank_account)
        # The footer's details are cached, and so are whole pages for visitors: both are forgotten on a change.
        post_save.connect(
            site_settings.platform_contact_changed,
            sender=site_settings.PlatformContact,
            dispatch_uid="cms-platform-contact-changed",
        )
        # The visitors' cached pages are forgotten when an editor publishes, moves or deletes a page, and when what
        # the pages show besides the market changes.
        signals.connect()
        post_migrate.connect(grant_platform_staff_admin, sender=self, dispatch_uid="cms-platform-staff-admin")
