"""What the search page and the API show of a result: facet values with their labels, filter chips, hits."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import get_language

from listings.models import Demand, Listing
from listings.selectors.listings import listing_cards
from techmarket.regions import gbt2260
from techmarket.regions.models import TechnologyField

from .documents import PRICE_BANDS, TRL_BANDS
from .forms import SearchForm, querystring
from .query import LISTING_FLAGS, SearchQuery, SearchResult

# Facets whose values have an order of their own (bands), shown in it rather than by count.
ORDERED = {
    "trl_band": [value for value, *_rest in TRL_BANDS],
    "price_band": [value for value, *_rest in PRICE_BANDS],
}
# The facets' and flags' titles are the search form's labels.
FIELDS = SearchForm.base_fields


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str  # the search with this value added, or taken away if selected


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


@dataclass(frozen=True)
class ListingHit:
    listing: Listing
    title: str  # HTML, the matched words marked, in the page's language
    summary: str  # HTML
    highlight: dict  # every highlighted field, as the backend gave them


def labels(name: str, values) -> dict[str, str]:
    """Readable names of a facet's values, in the current language."""
    values = list(values)
    if name in ("province", "city"):
        return {value: gbt2260.division_name(value) or value for value in values}
    if name == "field":
        return {field.slug: str(field) for field in TechnologyField.objects.filter(slug__in=values)}
    return {str(value): str(label) for value, label in FIELDS[name].choices}


def facets(query: SearchQuery, result: SearchResult) -> list[Facet]:
    shown = []
    for name in query.facets:
        buckets = dict(result.facets.get(name, []))
        selected = set(query.filters.get(name, ()))
        for value in selected - set(buckets):
            buckets[value] = 0
        names = labels(name, buckets)
        order = ORDERED.get(name)
        by_count = lambda value, counts=buckets: (-counts[value], value)  # noqa: E731
        values = sorted(buckets, key=order.index if order else by_count)
        items = []
        for value in values:
            chosen = value in selected
            others = sorted(selected - {value}) if chosen else sorted(selected | {value})
            items.append(FacetValue(value, names.get(value, value), buckets[value], chosen, _url(query, name, others)))
        if items:
            shown.append(Facet(name, str(FIELDS[name].label), items))
    return shown


def chips(query: SearchQuery) -> list[Chip]:
    """One chip per filter value in force, each with the link that takes it away."""
    shown = []
    for name, values in query.filters.items():
        if name not in FIELDS:
            continue  # set by the page itself (the demands tab's open demands), not by the person
        if name in LISTING_FLAGS:
            shown.append(Chip(str(FIELDS[name].label), _url(query, name, [])))
            continue
        names = labels(name, values)
        for value in values:
            rest = [other for other in values if other != value]
            shown.append(Chip(f"{FIELDS[name].label}: {names.get(value, value)}", _url(query, name, rest)))
    return shown


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str


def suggested_filters(query: SearchQuery) -> list[Suggestion]:
    """The places and fields the words name, offered as filters ("只看安徽省的结果？"); the search only leans
    toward them."""
    from django.utils.translation import gettext as _

    from .understanding import understand

    offered = []
    for name, value in understand(query.text).places:
        if value in query.filters.get(name, ()) or name not in FIELDS:
            continue
        label = labels(name, [value]).get(value, value)
        text = _("Only results in %(place)s?") if name in ("province", "city") else _("Only %(field)s?")
        offered.append(
            Suggestion(
                text % {"place": label, "field": label}, _url(query, name, [*query.filters.get(name, ()), value])
            )
        )
    return offered


def listing_hits(result: SearchResult) -> list[ListingHit]:
    """The hits' listings from the database (those still published), with the highlighted text to show."""
    by_id = {hit.id: hit for hit in result.hits}
    english = get_language() == "en"
    shown = []
    for listing in listing_cards([hit.id for hit in result.hits]):
        marked = by_id[listing.pk].highlight
        title = (english and marked.get("title_en")) or marked.get("title")
        summary = (english and marked.get("summary_en")) or marked.get("summary")
        shown.append(ListingHit(listing, title or "", summary or "", marked))
    return shown


@dataclass(frozen=True)
class DemandHit:
    demand: Demand
    title: str  # HTML, the matched words marked
    summary: str  # HTML


def demand_hits(result: SearchResult) -> list[DemandHit]:
    """The hits' demands from the database (those still open), in the order found, with the marked text."""
    by_id = {hit.id: hit for hit in result.hits}
    rows = Demand.objects.public().filter(pk__in=by_id).select_related("organisation", "field")
    rows = rows.annotate(proposal_count=Count("proposals"))
    found = {demand.pk: demand for demand in rows}
    return [
        DemandHit(found[pk], by_id[pk].highlight.get("title", ""), by_id[pk].highlight.get("summary", ""))
        for pk in by_id
        if pk in found
    ]


def _url(query: SearchQuery, name: str, values: list[str]) -> str:
    return "?" + querystring(query, **{name: values, "page": None})
