"""Searching as the pages use it: the configured backend, the database when it fails; similar listings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from listings.choices import ListingStatus
from listings.models import Demand, Listing
from listings.selectors.listings import listing_cards, related_listings

from .backends import SearchUnavailable, get_backend
from .database import database_search
from .query import LISTINGS, SearchQuery, SearchResult
from .understanding import understand

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    result: SearchResult
    # True when the backend failed and the database answered: no ranking, and the page says so.
    degraded: bool = False
    # True when no document had enough of the words and these have some of them (a relaxed search).
    relaxed: bool = False


def run_search(query: SearchQuery) -> Outcome:
    """The backend's answer, or the database's if the backend raises or times out: never an error.

    A search that finds nothing is asked again relaxed (one of several words, most pairs of a long word), and says
    so.
    """
    try:
        backend = get_backend()
        result = backend.search(query)
        if not result.total and not query.relaxed and understand(query.text).relaxable:
            relaxed = backend.search(replace(query, relaxed=True))
            if relaxed.total:
                return Outcome(relaxed, relaxed=True)
        return Outcome(result)
    except SearchUnavailable as error:
        logger.warning("search backend unavailable, answering from the database: %s", error)
    except Exception:
        logger.exception("search backend failed, answering from the database")
    return Outcome(database_search(query), degraded=True)


def similar_listings(listing: Listing, *, limit: int = 4) -> list[Listing]:
    """Published listings most like this one (more-like-this in the index); failing that, its field's newest."""
    if listing.status == ListingStatus.PUBLISHED:
        try:
            found = listing_cards(
                get_backend().more_like_this(LISTINGS, listing.pk, field=listing.field.slug, limit=limit)
            )
        except SearchUnavailable as error:  # known and said (a missing index): no traceback on every page
            logger.warning("search backend unavailable, similar listings by field instead: %s", error)
        except Exception:
            logger.exception("search backend failed, similar listings by field instead")
        else:
            if found:
                return found
    return related_listings(listing, limit=limit)


def matching_listings(demand: Demand, *, limit: int = 4) -> list[Listing]:
    """The published listings that best answer a demand: like its title and problem, its own field first."""
    text = f"{demand.title}\n{demand.problem}"
    try:
        return listing_cards(get_backend().like_text(LISTINGS, text, field=demand.field.slug, limit=limit))
    except SearchUnavailable as error:
        logger.warning("search backend unavailable, no matching listings for demand %s: %s", demand.pk, error)
        return []
    except Exception:
        logger.exception("search backend failed, no matching listings for demand %s", demand.pk)
        return []
