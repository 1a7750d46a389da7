"""Signal receivers: cache upkeep only (the rules of the market live in the services).

Every write to something the public listing pages show forgets the cached
pages (``techmarket/pagecache.py``) once its transaction commits, whichever path made it:
a service, the admin, the API, an import.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from techmarket import pagecache


def _pages_changed(sender, **kwargs) -> None:
    transaction.on_commit(pagecache.pages_changed)


def connect() -> None:
    from ip_registry.models import Patent
    from techmarket.accounts.models import BrokerProfile, Organisation
    from techmarket.regions.models import TechnologyField

    from .models import DealTerm, Listing, ListingAttachment, ListingImage

    shown = (Listing, DealTerm, ListingImage, ListingAttachment, Patent, Organisation, TechnologyField, BrokerProfile)
    for model in shown:
        for signal in (post_save, post_delete):
            signal.connect(_pages_changed, sender=model, dispatch_uid=f"listing-pages-{model._meta.label}")
    m2m_changed.connect(_pages_changed, sender=Listing.patents.through, dispatch_uid="listing-pages-patents")
