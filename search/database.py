"""The same search answered by the database: the fallback when the backend fails, and the bench's baseline.

Words are matched with ``icontains`` on the text columns, filters as the
backends apply them, facets counted with GROUP BY. There is no ranking:
results come newest first (or by price).
"""

from __future__ import annotations

import time

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When

from listings.choices import DealMode
from listings.models import DealTerm, Demand, Listing

from . import analysis
from .documents import PRICE_BANDS, TRL_BANDS, indexable_demands
from .query import DEMANDS, PRICE_ASC, PRICE_DESC, Hit, SearchQuery, SearchResult

LISTING_TEXT = ("title_zh", "title_en", "summary_zh", "summary_en", "problem", "advantages", "applications")
DEMAND_TEXT = ("title", "problem")
# Filter and facet names -> the column they are read from.
LISTING_COLUMNS = {
    "province": "province",
    "city": "city",
    "field": "field__slug",
    "kind": "kind",
    "org_kind": "organisation__kind",
    "trl_band": "trl_band",
    "price_band": "price_band",
}
DEMAND_COLUMNS = {"province": "province", "field": "field__slug", "status": "status"}


def _trl_band() -> Case:
    whens = [When(trl__gte=low, trl__lte=high, then=Value(value)) for value, _label, low, high in TRL_BANDS]
    return Case(*whens, output_field=CharField())


def _price_band() -> Case:
    whens = [When(low_price__isnull=True, then=Value("negotiable"))]
    for value, _label, low, below in PRICE_BANDS[1:]:
        condition = Q(low_price__gte=low) & (Q(low_price__lt=below) if below is not None else Q())
        whens.append(When(condition, then=Value(value)))
    return Case(*whens, output_field=CharField())


def _listings() -> QuerySet[Listing]:
    lowest = DealTerm.objects.filter(listing=OuterRef("pk"), price__isnull=False).order_by("price").values("price")[:1]
    return (
        Listing.objects.published()
        .annotate(low_price=Subquery(lowest))
        .annotate(trl_band=_trl_band(), price_band=_price_band())
    )


def _text(queryset: QuerySet, columns: tuple[str, ...], terms: list[analysis.Term]) -> QuerySet:
    for term in terms:
        any_column = Q()
        for column in columns:
            any_column |= Q(**{f"{column}__icontains": term.text})
        queryset = queryset.filter(any_column)
    return queryset


def _listing_filters(queryset: QuerySet, filters: dict) -> QuerySet:
    for name, values in filters.items():
        if name in ("open_licence", "pay_later"):
            mode = DealMode.OPEN_LICENCE if name == "open_licence" else DealMode.PAY_LATER
            queryset = queryset.filter(pk__in=DealTerm.objects.filter(mode=mode).values("listing"))
        elif name == "deal_mode":
            queryset = queryset.filter(pk__in=DealTerm.objects.filter(mode__in=values).values("listing"))
        elif name == "ipc":  # the codes are a JSON list of strings: a section is a quote and its letter
            any_section = Q()
            for section in values:
                any_section |= Q(ipc_codes__icontains=f'"{section}')
            queryset = queryset.filter(any_section)
        else:
            queryset = queryset.filter(**{f"{LISTING_COLUMNS[name]}__in": values})
    return queryset


def _facet_counts(queryset: QuerySet, names: tuple[str, ...], columns: dict) -> dict:
    facets = {}
    for name in names:
        if name == "deal_mode":
            rows = (
                DealTerm.objects.filter(listing__in=queryset.values("pk"))
                .values(value=F("mode"))
                .annotate(count=Count("listing", distinct=True))
            )
        else:
            rows = queryset.order_by().values(value=F(columns[name])).annotate(count=Count("pk"))
        counts = [(row["value"], row["count"]) for row in rows if row["value"]]
        facets[name] = sorted(counts, key=lambda pair: (-pair[1], pair[0]))
    return facets


def _order(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """By price if asked, otherwise newest first: the database does not rank by relevance."""
    sort = query.effective_sort
    if sort == PRICE_ASC and query.index != DEMANDS:
        return queryset.order_by(F("low_price").asc(nulls_last=True), "-published_at", "-pk")
    if sort == PRICE_DESC and query.index != DEMANDS:
        return queryset.order_by(F("low_price").desc(nulls_last=True), "-published_at", "-pk")
    if query.index == DEMANDS:
        return queryset.order_by("-created_at", "-pk")
    return queryset.order_by("-published_at", "-pk")


def database_search(query: SearchQuery) -> SearchResult:
    started = time.perf_counter()
    terms = analysis.query_terms(query.text)
    if query.published_after is not None:
        column = "created_at" if query.index == DEMANDS else "published_at"
        newer = {f"{column}__gt": query.published_after}
    else:
        newer = {}
    columns = DEMAND_COLUMNS if query.index == DEMANDS else LISTING_COLUMNS

    def matching(filters: dict) -> QuerySet:
        if query.index == DEMANDS:
            demands = _text(indexable_demands().filter(**newer), DEMAND_TEXT, terms)
            return demands.filter(**{f"{DEMAND_COLUMNS[name]}__in": values for name, values in filters.items()})
        return _listing_filters(_text(_listings().filter(**newer), LISTING_TEXT, terms), filters)

    queryset = matching(query.filters)
    total = queryset.count()
    page = list(_order(queryset, query)[query.offset : query.offset + query.page_size])
    hits = [Hit(id=row.pk, highlight=_highlight(row, terms) if query.highlight else {}) for row in page]
    facets = _facet_counts(queryset, tuple(name for name in query.facets if name not in query.disjunctive), columns)
    for name in query.disjunctive:  # counted as if its own filter were not set
        facets.update(_facet_counts(matching(query.filters_without(name)), (name,), columns))
    facets = {name: facets[name] for name in query.facets}
    return SearchResult(hits=hits, total=total, facets=facets, took_ms=(time.perf_counter() - started) * 1000)


def _highlight(row: Listing | Demand, terms: list[analysis.Term]) -> dict[str, str]:
    if isinstance(row, Demand):
        display = {"title_zh": row.title, "summary_zh": row.problem}
    else:
        display = {name: getattr(row, name) for name in ("title_zh", "title_en", "summary_zh", "summary_en")}
    return analysis.highlights(display, terms)
