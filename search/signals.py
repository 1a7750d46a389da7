"""Signal receivers: the index follows every write to what search documents hold, whichever path made it.

A service, the admin, the API or an import: each saved listing, deal term,
patent link, patent, organisation, technology field or demand adds the
listings (and demands) whose documents hold its values to a set, and once the
transaction commits one task updates them all. Updating reads
the database as it is then, so an id left over from a rolled-back
transaction costs a needless update, never a wrong one.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .query import DEMANDS, LISTINGS

_pending = threading.local()


def _queue(index: str, ids) -> None:
    if not hasattr(_pending, "ids"):
        _pending.ids = {LISTINGS: set(), DEMANDS: set()}
    _pending.ids[index].update(ids)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    from .tasks import update_search_index

    pending = getattr(_pending, "ids", None)
    if not pending or not any(pending.values()):
        return
    _pending.ids = {LISTINGS: set(), DEMANDS: set()}
    update_search_index.enqueue(listing_ids=sorted(pending[LISTINGS]), demand_ids=sorted(pending[DEMANDS]))


def _listing_saved(sender, instance, **kwargs) -> None:
    _queue(LISTINGS, [instance.pk])


def _term_saved(sender, instance, **kwargs) -> None:
    _queue(LISTINGS, [instance.listing_id])


def _patents_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        _queue(LISTINGS, [instance.pk])


def _organisation_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # its name and kind are in its listings' and demands' documents
        _queue(LISTINGS, instance.listings.values_list("pk", flat=True))
        _queue(DEMANDS, instance.demands.values_list("pk", flat=True))


def _patent_saved(sender, instance, **kwargs) -> None:
    # Its number and title are in the documents of the listings that offer it. (A patent with ledger entries, as
    # every patent a listing can offer, cannot be deleted.)
    _queue(LISTINGS, instance.listings.values_list("pk", flat=True))


def _field_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # its slug and names are in the documents of its listings and demands
        _queue(LISTINGS, instance.listings.values_list("pk", flat=True))
        _queue(DEMANDS, instance.demands.values_list("pk", flat=True))


def _demand_saved(sender, instance, **kwargs) -> None:
    _queue(DEMANDS, [instance.pk])


def connect() -> None:
    from ip_registry.models import Patent
    from listings.models import DealTerm, Demand, Listing
    from techmarket.accounts.models import Organisation
    from techmarket.regions.models import TechnologyField

    receivers = ((Listing, _listing_saved), (DealTerm, _term_saved), (Demand, _demand_saved))
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"search-{model._meta.label}")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="search-organisation")
    post_save.connect(_patent_saved, sender=Patent, dispatch_uid="search-patent")
    post_save.connect(_field_saved, sender=TechnologyField, dispatch_uid="search-field")
    m2m_changed.connect(_patents_changed, sender=Listing.patents.through, dispatch_uid="search-patents")
    # Synonyms apply at query time: a change needs no reindex, only the table read again.
    from . import synonyms
    from .models import SynonymGroup

    for signal in (post_save, post_delete):
        signal.connect(synonyms.forget, sender=SynonymGroup, dispatch_uid=f"search-synonyms-{signal is post_save}")
