"""What the listing and demand pages show that an upper app works out: similar listings, listings that answer a demand.

The market does not depend on the search app (apps depend one way: search reads the
market). The pages call these two functions; until an app provides better ones
they answer without a search engine: a listing's similar listings are the
newest of its field, and a demand has no matching listings. The search app
provides more-like-this from its index in ``SearchConfig.ready()`` through
:func:`provide`.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Demand, Listing
from .selectors.listings import related_listings

SimilarListings = Callable[[Listing], list[Listing]]
MatchingListings = Callable[[Demand], list[Listing]]


def _no_matches(demand: Demand) -> list[Listing]:
    return []


_similar: SimilarListings = related_listings
_matching: MatchingListings = _no_matches


def provide(*, similar: SimilarListings, matching: MatchingListings) -> None:
    global _similar, _matching
    _similar, _matching = similar, matching


def similar_listings(listing: Listing) -> list[Listing]:
    """Published listings most like this one, for its page."""
    return _similar(listing)


def matching_listings(demand: Demand) -> list[Listing]:
    """Published listings that may answer this demand, for its page."""
    return _matching(demand)
