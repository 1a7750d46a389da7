"""The search documents, built in one place from listings and demands, for every backend.

A document is a plain dict. Its keyword fields carry the filter and facet
names of ``query.py``; ``title_*``/``summary_*`` are kept for highlighting;
``text`` is everything else worth finding a listing by. Only published
listings and public demands are in the index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet
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


def microseconds(moment) -> int:
    """A publication time as both backends keep it: microseconds since 1970 (tantivy's dates stop at seconds)."""
    return round(moment.timestamp() * 1_000_000)


def trl_band(trl: int) -> str:
    return next(value for value, _label, low, high in TRL_BANDS if low <= trl <= high)


def price_band(price: Decimal | None) -> str:
    if price is None:
        return "negotiable"
    for value, _label, low, below in PRICE_BANDS[1:]:
        if price >= low and (below is None or price < below):
            return value
    raise ValueError(f"negative price {price}")


def indexable_listings() -> QuerySet[Listing]:
    """The listings the index holds."""
    return Listing.objects.filter(status=ListingStatus.PUBLISHED).order_by("pk")


def indexable_demands() -> QuerySet[Demand]:
    return Demand.objects.public().select_related("organisation", "field").order_by("pk")


# What a listing's document is read from: its row, its owner's and its field's columns.
LISTING_COLUMNS = (
    "pk", "title_zh", "title_en", "summary_zh", "summary_en", "problem", "advantages", "applications", "ipc_codes",
    "province", "city", "kind", "trl", "published_at", "created_at", "organisation__kind", "organisation__name_zh",
    "organisation__name_en", "field__slug", "field__name_zh", "field__name_en",
)  # fmt: skip


def listing_document(listing: Listing) -> dict:
    """The document of one listing, as it is in the database now (whatever its status)."""
    return next(listing_documents(Listing.objects.filter(pk=listing.pk)))


def _listing_document(row: dict, terms: list[tuple[str, Decimal | None, str]], patents: list[tuple[str, str]]) -> dict:
    modes = sorted({mode for mode, _price, _published in terms})
    prices = [price for _mode, price, _published in terms if price is not None]
    price = min(prices) if prices else None
    text = [row["problem"], row["advantages"], row["applications"]]
    # An open licence's published terms (免费, 净销售额 3%) are worth finding a listing by.
    text += [published for _mode, _price, published in terms if published]
    text += [f"{number} {title}" for number, title in patents]
    text += [row["field__name_zh"], row["field__name_en"], row["organisation__name_zh"], row["organisation__name_en"]]
    text.append(" ".join(row["ipc_codes"]))
    return {
        "id": row["pk"],
        "title_zh": row["title_zh"],
        "title_en": row["title_en"],
        "summary_zh": row["summary_zh"],
        "summary_en": row["summary_en"],
        "text": "\n".join(part for part in text if part),
        "province": row["province"],
        "city": row["city"],
        "field": row["field__slug"],
        "ipc": sorted({code[0] for code in row["ipc_codes"] if code}),
        "kind": row["kind"],
        "deal_mode": modes,
        "open_licence": DealMode.OPEN_LICENCE in modes,
        "pay_later": DealMode.PAY_LATER in modes,
        "trl": row["trl"],
        "trl_band": trl_band(row["trl"]),
        "price": float(price) if price is not None else None,
        "price_band": price_band(price),
        "org_kind": row["organisation__kind"],
        "published": row["published_at"] or row["created_at"],
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
    """The documents of the listings, read as plain rows a chunk at a time (three queries per chunk): building
    100,000 model instances with their related objects would take most of a rebuild."""
    queryset = (indexable_listings() if queryset is None else queryset).order_by("pk")
    after = 0
    while rows := list(queryset.filter(pk__gt=after).values(*LISTING_COLUMNS)[:CHUNK]):
        first, after = rows[0]["pk"], rows[-1]["pk"]
        terms, patents = defaultdict(list), defaultdict(list)
        in_chunk = {"listing_id__gte": first, "listing_id__lte": after}
        in_terms = DealTerm.objects.filter(**in_chunk)
        for listing_id, mode, price, published in in_terms.values_list(
            "listing_id", "mode", "price", "published_terms"
        ):
            terms[listing_id].append((mode, price, published))
        links = Listing.patents.through.objects.filter(**in_chunk).order_by("pk")
        for listing_id, number, title in links.values_list("listing_id", "patent__application_number", "patent__title"):
            patents[listing_id].append((number, title))
        for row in rows:
            yield _listing_document(row, terms[row["pk"]], patents[row["pk"]])


def demand_documents(queryset: QuerySet[Demand] | None = None) -> Iterator[dict]:
    queryset = indexable_demands() if queryset is None else queryset
    for demand in queryset.iterator(chunk_size=CHUNK):
        yield demand_document(demand)
