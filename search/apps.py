from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from listings import hooks
        from techmarket.accounts.permissions import grant_platform_staff_after_migrate

        from . import searching, signals

        signals.connect()
        # The platform staff keep the synonyms (the admin's "synonyms" page).
        grant_platform_staff_after_migrate(
            self, ("view_synonymgroup", "add_synonymgroup", "change_synonymgroup", "delete_synonymgroup")
        )
        hooks.provide(similar=searching.similar_listings, matching=searching.matching_listings)
