from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from listings import hooks

        from . import searching, signals

        signals.connect()
        hooks.provide(similar=searching.similar_listings, matching=searching.matching_listings)
