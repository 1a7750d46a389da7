"""Signal receivers: upkeep of the visitors' page cache only (``techmarket/pagecache.py``).

The editorial pages are kept whole for visitors (:mod:`cms.serving`), so whatever they show forgets the cached pages
once its transaction commits: a page published, unpublished, moved or deleted by an editor; a registration for an
event (the places left); the registry's ledger and the plan's targets (the home page's figures). Listings,
organisations and the rest of the market already do so from their own apps (``listings/signals.py``), and the
contact details from the site settings.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from techmarket import pagecache


def _pages_changed(sender, **kwargs) -> None:
    transaction.on_commit(pagecache.pages_changed)


def connect() -> None:
    from ip_registry.models import LedgerHead, Target

    from .models import EventRegistration

    for name, signal in (("published", page_published), ("unpublished", page_unpublished), ("moved", post_page_move)):
        signal.connect(_pages_changed, dispatch_uid=f"cms-pages-{name}")
    # A deleted page of any kind deletes its Page row (the specific row goes with it).
    post_delete.connect(_pages_changed, sender=Page, dispatch_uid="cms-pages-deleted")
    # Every ledger write moves its head (one save per entry, or per batch of an import).
    for model in (EventRegistration, LedgerHead, Target):
        for signal in (post_save, post_delete):
            name = "saved" if signal is post_save else "deleted"
            signal.connect(_pages_changed, sender=model, dispatch_uid=f"cms-pages-{model._meta.label}-{name}")
