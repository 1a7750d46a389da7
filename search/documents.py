"""The search documents, built in one place from listings and demands, for every backend.

A document is a plain dict. Its keyword fields carry the filter and facet
names of ``query.py``; ``title_*``/``summary_*`` are kept for highlighting;
``text`` is everything else worth finding a listing by. Only published
listings and public demands are in the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from listings.choices import DealMode, ListingStatus
from listings.models import DealTerm, Demand, Listing

CHUNK = 1000

# Readiness bands: (value, label, lowest TRL, highest TRL).
TRL_BANDS = (
    ("1-3", _("Research (TRL 1–3)"), 1, 3),
    ("4-6", _("Validation (TRL 4–6)"), 4, 6),
    ("7-9", _("Ready for production (TRL 7–9)"), 7, 9),
)
# Price bands of the lowest indicative price, in yuan: (value, label, from, below). "negotiable": no price given.
PRICE_BANDS = (
    ("negotiable", _("Negotiable"), None, None),
    ("lt100k", _("Under ¥100,000"), Decimal(0), Decimal(100_000)),
    ("100k-500k", _("¥100,000–500,000"), Decimal(100_000), Decimal(500_000)),
    ("500k-2m", _("¥500,000–2 million"), Decimal(500_000), Decimal(2_000_000)),
    ("2m-10m", _("¥2–10 million"), Decimal(2_000_000), Decimal(10_000_000)),
    ("gte10m", _("¥10 million and over"), Decimal(10_000_000), None),
)


def trl_band(trl: int) -> str:
    return next(value for value, _label, low, high in TRL_BANDS if low <= trl <= high)


def price_band(price: Decimal | None) -> str:
    if price is None:
        return "negotiable"
    for value, _label, low, below in PRICE_BANDS[1:]:
        if price >= low and (below is None or price < below):
            return value
    raise ValueError(f"negative price {price}")


def lowest_price(terms: Iterable[DealTerm]) -> Decimal | None:
    prices = [term.price for term in terms if term.price is not None]
    return min(prices) if prices else None


def indexable_listings() -> QuerySet[Listing]:
    """The listings the index holds, with what their documents need fetched in a fixed number of queries."""
    return (
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .select_related("organisation", "field")
        .prefetch_related(Prefetch("deal_terms", queryset=DealTerm.objects.order_by("mode")), "patents")
        .order_by("pk")
    )


def indexable_demands() -> QuerySet[Demand]:
    return Demand.objects.public().select_related("organisation", "field").order_by("pk")


def listing_document(listing: Listing) -> dict:
    terms = list(listing.deal_terms.all())
    modes = sorted({term.mode for term in terms})
    price = lowest_price(terms)
    organisation, field = listing.organisation, listing.field
    patents = list(listing.patents.all())
    text = [listing.problem, listing.advantages, listing.applications]
    text += [f"{patent.application_number} {patent.title}" for patent in patents]
    text += [field.name_zh, field.name_en, organisation.name_zh, organisation.name_en, " ".join(listing.ipc_codes)]
    return {
        "id": listing.pk,
        "title_zh": listing.title_zh,
        "title_en": listing.title_en,
        "summary_zh": listing.summary_zh,
        "summary_en": listing.summary_en,
        "text": "\n".join(part for part in text if part),
        "province": listing.province,
        "city": listing.city,
        "field": field.slug,
        "ipc": sorted({code[0] for code in listing.ipc_codes if code}),
        "kind": listing.kind,
        "deal_mode": modes,
        "open_licence": DealMode.OPEN_LICENCE in modes,
        "pay_later": DealMode.PAY_LATER in modes,
        "trl": listing.trl,
        "trl_band": trl_band(listing.trl),
        "price": float(price) if price is not None else None,
        "price_band": price_band(price),
        "org_kind": organisation.kind,
        "published": listing.published_at or listing.created_at,
    }


def demand_document(demand: Demand) -> dict:
    return {
        "id": demand.pk,
        "title_zh": demand.title,
        "title_en": "",
        "summary_zh": demand.problem,
        "summary_en": "",
        "text": "\n".join((demand.field.name_zh, demand.field.name_en, demand.organisation.name_zh)),
        "province": demand.province,
        "field": demand.field.slug,
        "status": demand.status,
        "price": float(demand.budget) if demand.budget is not None else None,
        "published": demand.created_at,
    }


def listing_documents(queryset: QuerySet[Listing] | None = None) -> Iterator[dict]:
    queryset = indexable_listings() if queryset is None else queryset
    for listing in queryset.iterator(chunk_size=CHUNK):
        yield listing_document(listing)


def demand_documents(queryset: QuerySet[Demand] | None = None) -> Iterator[dict]:
    queryset = indexable_demands() if queryset is None else queryset
    for demand in queryset.iterator(chunk_size=CHUNK):
        yield demand_document(demand)
