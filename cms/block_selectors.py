"""Reads for the editorial blocks (:mod:`cms.blocks`): chosen listings as cards, a stored search's current results,
and a registry chart's numbers.

Each is a fixed number of queries whatever the data, so a page of blocks costs
what its blocks cost and no more.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse

from ip_registry import tables
from ip_registry.choices import REGIONS
from ip_registry.selectors import (
    FlowFilter,
    FlowMatrix,
    RegionFlows,
    YearCounts,
    flow_matrix,
    region_name,
    yearly_trend,
)
from listings.models import Listing
from listings.selectors.listings import listing_cards
from search.forms import querystring
from search.query import SearchQuery
from search.searching import run_search

FLOWS, TREND = "flows", "trend"


def chosen_listings(listings: Iterable[Listing | None]) -> list[Listing]:
    """The chosen listings that are still published, as cards, in the editor's order (a deleted one is None)."""
    return listing_cards([listing.pk for listing in listings if listing is not None])


@dataclass(frozen=True)
class LiveSearch:
    """A stored search as it answers now: the first listings, how many in all, and the full search's address."""

    listings: list[Listing]
    total: int
    url: str
    degraded: bool = False


def live_search(*, text: str, province: str = "", field: str = "", count: int = 4) -> LiveSearch:
    """Published listings matching the words and filters, through the search service (the database if the search
    engine fails)."""
    filters = {name: (value,) for name, value in (("province", province), ("field", field)) if value}
    query = SearchQuery(text=text.strip(), filters=filters, page_size=count, highlight=False)
    outcome = run_search(query)
    address = querystring(query)
    return LiveSearch(
        listings=listing_cards(outcome.result.ids),
        total=outcome.result.total,
        url=reverse("search:search") + (f"?{address}" if address else ""),
        degraded=outcome.degraded,
    )


@dataclass
class RegistryChart:
    """A registry chart's numbers: its table (what the page shows without JavaScript) and what ECharts draws."""

    kind: str
    table: tables.Table
    data: dict = field(default_factory=dict)
    total: int = 0


def registry_chart(*, kind: str, year_from: int, year_to: int, province: str = "") -> RegistryChart:
    """Flows between the provinces, or transfers per year, registered from 1 January of ``year_from`` to 31 December
    of ``year_to``; with a province, only the transfers it is on either side of."""
    filters = FlowFilter(start=datetime.date(year_from, 1, 1), end=datetime.date(year_to, 12, 31))
    empty = FlowMatrix(regions=REGIONS)
    if kind == FLOWS:
        matrix = flow_matrix(filters)
        if province:
            matrix = province_matrix(matrix, province)
        return RegistryChart(
            kind=kind, table=tables.flows_table(matrix), data=tables.chart_data(matrix, []), total=matrix.total
        )
    trend = province_trend(filters, province) if province else yearly_trend(filters)
    return RegistryChart(
        kind=kind,
        table=tables.trend_table(trend),
        data=tables.chart_data(empty, trend),
        total=sum(year.transfers for year in trend),
    )


def province_matrix(matrix: FlowMatrix, code: str) -> FlowMatrix:
    """The part of the flow matrix a province is on either side of (its row and its column)."""
    part = FlowMatrix(regions=matrix.regions, by_region={c: RegionFlows(c, region_name(c)) for c in matrix.regions})
    for (source, target), count in matrix.cells.items():
        if code not in (source, target):
            continue
        cross = matrix.cross_cells.get((source, target), 0)
        part.cells[(source, target)] = count
        part.total += count
        part.by_region[source].within += count - cross
        if cross:
            part.cross_cells[(source, target)] = cross
            part.cross_province += cross
            part.by_region[source].outflow += cross
            part.by_region[target].inflow += cross
    return part


def province_trend(filters: FlowFilter, code: str) -> list[YearCounts]:
    """Transfers per year that the province is on either side of, and the cross-province ones among them."""
    totals: dict[int, list[int]] = {}
    for (month, source, target, cross), count in filters.counts(
        "month", "from_region", "to_region", "cross_province"
    ).items():
        if code not in (source, target):
            continue
        year = totals.setdefault(month.year, [0, 0])
        year[0] += count
        if cross:
            year[1] += count
    return [YearCounts(year, *totals.get(year, (0, 0))) for year in range(filters.start.year, filters.end.year + 1)]
