"""Reads of the market: listing lists and pages with everything they show, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from techmarket.audit.models import AuditEvent

from .. import permissions
from ..choices import ListingStatus
from ..models import DealTerm, Listing, ListingAttachment, ListingImage


@dataclass(frozen=True)
class ListingFilters:
    """The simple filters of the public list (full-text search comes with the search app)."""

    province: str = ""
    field: str = ""  # a TechnologyField slug
    kind: str = ""
    deal_mode: str = ""


def _with_cards(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a listing card shows: owner, field, deal terms and the first image, without a query per card."""
    return queryset.select_related("organisation", "field").prefetch_related(
        Prefetch("deal_terms", queryset=DealTerm.objects.order_by("mode")),
        Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"), to_attr="image_list"),
    )


def public_listings(filters: ListingFilters | None = None) -> QuerySet[Listing]:
    filters = filters or ListingFilters()
    queryset = Listing.objects.published()
    if filters.province:
        queryset = queryset.filter(province=filters.province)
    if filters.field:
        queryset = queryset.filter(field__slug=filters.field)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.deal_mode:
        queryset = queryset.filter(deal_terms__mode=filters.deal_mode)
    return _with_cards(queryset.order_by("-published_at", "-id"))


def listing_for_page(*, pk: int, user) -> Listing | None:
    """The listing with what its page shows, or None if it does not exist or the user may not see it."""
    queryset = Listing.objects.select_related("organisation", "field", "broker__user").prefetch_related(
        Prefetch("deal_terms", queryset=DealTerm.objects.order_by("mode")),
        Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"), to_attr="image_list"),
        "attachments",
        "patents",
    )
    listing = queryset.filter(pk=pk).first()
    if listing is None or not permissions.can_view_listing(user, listing):
        return None
    return listing


def attachment_for_download(*, listing_pk: int, pk: int, user) -> ListingAttachment | None:
    """A PDF of the listing, or None if there is no such file or the user may not see the listing."""
    attachment = (
        ListingAttachment.objects.select_related("listing__organisation").filter(pk=pk, listing_id=listing_pk).first()
    )
    if attachment is None or not permissions.can_view_listing(user, attachment.listing):
        return None
    return attachment


def related_listings(listing: Listing, *, limit: int = 4) -> list[Listing]:
    """Other published listings in the same technology field, newest first."""
    queryset = Listing.objects.published().filter(field_id=listing.field_id).exclude(pk=listing.pk)
    return list(_with_cards(queryset.order_by("-published_at", "-id"))[:limit])


def listing_cards(ids: list[int]) -> list[Listing]:
    """The published ones among these listings, with what their cards show, in the order of ``ids``."""
    found = {listing.pk: listing for listing in _with_cards(Listing.objects.published().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def organisation_listings(organisation) -> QuerySet[Listing]:
    return _with_cards(Listing.objects.published().of_organisation(organisation).order_by("-published_at", "-id"))


def listings_of_user(user) -> QuerySet[Listing]:
    """The listings of the organisations the user is an active member of, and those they broker, in any status."""
    organisations = permissions.supplier_organisations(user).values("pk")
    mine = Q(organisation__in=organisations) | Q(broker__user=user)
    return _with_cards(Listing.objects.filter(mine).order_by("-updated_at", "-id"))


def review_queue() -> QuerySet[Listing]:
    return _with_cards(Listing.objects.filter(status=ListingStatus.SUBMITTED).order_by("submitted_at", "id"))


def listing_history(listing: Listing) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.for_object(listing).select_related("actor")
