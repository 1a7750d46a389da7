"""Keeping the index in step with the database: the documents of some listings or demands, or all of them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from .backends import SearchUnavailable, get_backend
from .documents import demand_documents, indexable_demands, indexable_listings, listing_documents
from .query import DEMANDS, LISTINGS

logger = logging.getLogger(__name__)


def sync(index: str, ids: Iterable[int]) -> None:
    """Index these listings (or demands) as they are now: written if they belong in the index, removed if not."""
    ids = set(ids)
    if not ids:
        return
    if index == LISTINGS:
        docs = list(listing_documents(indexable_listings().filter(pk__in=ids)))
    else:
        docs = list(demand_documents(indexable_demands().filter(pk__in=ids)))
    backend = get_backend()
    gone = ids - {doc["id"] for doc in docs}
    try:
        if gone:
            backend.delete(index, gone)
        if docs:
            backend.index(index, docs)
    except SearchUnavailable as error:
        # The backend refuses rather than start a new index with only these documents, which would look healthy
        # while missing the rest. The operator rebuilds the whole index; the task fails, so its record says so.
        logger.error("the %s index was not updated (%d changed): %s", index, len(ids), error)
        raise


def indexable_counts() -> dict[str, int]:
    return {LISTINGS: indexable_listings().count(), DEMANDS: indexable_demands().count()}


def rebuild(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Every index replaced by the documents of the database; searches use the old ones until each is done."""
    return get_backend().rebuild({LISTINGS: listing_documents(), DEMANDS: demand_documents()}, progress=progress)


def status() -> dict[str, dict]:
    """Per index: how many documents in the index and in the database, and the ids only on one side."""
    backend = get_backend()
    database = {
        LISTINGS: set(indexable_listings().values_list("pk", flat=True)),
        DEMANDS: set(indexable_demands().values_list("pk", flat=True)),
    }
    report = {}
    for index, expected in database.items():
        present = backend.ids(index)
        report[index] = {
            "indexed": len(present),
            "database": len(expected),
            "missing": sorted(expected - present),
            "extra": sorted(present - expected),
        }
    return report
