"""What a search asks and what it answers, the same for every backend.

The filter and facet names here are also the names in the page's and the
API's query string, and the fields of the documents (``documents.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

LISTINGS = "listings"
DEMANDS = "demands"
INDEXES = (LISTINGS, DEMANDS)

# Facets a search can ask for: keyword fields of the documents, counted over the matching documents.
LISTING_FACETS = ("province", "city", "field", "kind", "deal_mode", "trl_band", "price_band", "org_kind")
DEMAND_FACETS = ("province", "field", "status")
FACETS = {LISTINGS: LISTING_FACETS, DEMANDS: DEMAND_FACETS}

# Keyword filters: several values of one filter match any of them, different filters must all match.
LISTING_FILTERS = (*LISTING_FACETS, "ipc")
DEMAND_FILTERS = DEMAND_FACETS
# Yes/no filters (flags on the documents).
LISTING_FLAGS = ("open_licence", "pay_later")
FILTERS = {LISTINGS: LISTING_FILTERS + LISTING_FLAGS, DEMANDS: DEMAND_FILTERS}

RELEVANCE, NEWEST, PRICE_ASC, PRICE_DESC = "relevance", "newest", "price", "-price"
SORTS = (RELEVANCE, NEWEST, PRICE_ASC, PRICE_DESC)

MAX_PAGE_SIZE = 50
# Deep pages are not useful and cost the engine; the page and the API stop here.
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SearchQuery:
    """One search: words, filters, the facets wanted, order and page (counted from 1)."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    sort: str = RELEVANCE
    page: int = 1
    page_size: int = 20
    highlight: bool = True
    index: str = LISTINGS
    # Only documents published after this moment (a saved search's new matches).
    published_after: datetime | None = None
    # Needs only one of the query's terms (``understanding``): the search after one that found nothing.
    relaxed: bool = False

    def __post_init__(self):
        if self.index not in INDEXES:
            raise ValueError(f"unknown index {self.index!r}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")
        unknown = set(self.filters) - set(FILTERS[self.index])
        unknown |= set(self.facets) - set(FACETS[self.index])
        if unknown:
            raise ValueError(f"unknown filters or facets: {', '.join(sorted(unknown))}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE or self.page < 1 or self.offset + self.page_size > MAX_OFFSET:
            raise ValueError("page out of range")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def disjunctive(self) -> tuple[str, ...]:
        """The facets this search also filters on. Each is counted without its own filter (disjunctive facets): with
        上海市 chosen, the province facet still shows 江苏省 with the count choosing it too would add."""
        return tuple(name for name in self.facets if self.filters.get(name) and name not in LISTING_FLAGS)

    def filters_without(self, name: str) -> dict[str, tuple[str, ...]]:
        return {other: values for other, values in self.filters.items() if other != name}

    @property
    def effective_sort(self) -> str:
        """Relevance means nothing without words: such a search lists the newest first."""
        return NEWEST if self.sort == RELEVANCE and not self.text.strip() else self.sort


@dataclass(frozen=True)
class Hit:
    id: int
    score: float = 0.0
    # Field name ("title", "summary") -> HTML with the matched words in <mark>, everything else escaped.
    highlight: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    # Facet name -> [(value, count)], largest counts first.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    took_ms: float = 0.0

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]
