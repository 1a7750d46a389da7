"""Reads of inquiries: the owner side's inbox, the sent inquiries and one thread, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from techmarket.accounts.models import Membership

from .. import permissions
from ..choices import InquiryStatus
from ..models import Inquiry, InquiryMessage, Listing

ONGOING_STATUSES = (InquiryStatus.OPEN, InquiryStatus.ANSWERED)


def _for_list(queryset: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    """What an inbox row shows: the listing and its owner, the sender and their organisation, the number of replies."""
    return queryset.select_related("listing__organisation", "sender", "organisation").annotate(
        reply_count=Count("messages")
    )


def received_inquiries(user, *, status: str = "") -> QuerySet[Inquiry]:
    """Inquiries on listings of the organisations the user is an active member of, and on listings they broker."""
    if not user.is_authenticated:
        return Inquiry.objects.none()
    organisations = Membership.objects.active().filter(user=user).values("organisation_id")
    # A subquery rather than a join on memberships: joined with the broker condition, it would repeat rows.
    queryset = Inquiry.objects.filter(Q(listing__organisation__in=organisations) | Q(listing__broker__user=user))
    if status:
        queryset = queryset.filter(status=status)
    return _for_list(queryset.order_by("-last_message_at", "-id"))


def sent_inquiries(user, *, status: str = "") -> QuerySet[Inquiry]:
    if not user.is_authenticated:
        return Inquiry.objects.none()
    queryset = Inquiry.objects.filter(sender=user)
    if status:
        queryset = queryset.filter(status=status)
    return _for_list(queryset.order_by("-last_message_at", "-id"))


def ongoing_inquiry(user, listing: Listing) -> Inquiry | None:
    """The user's inquiry about the listing that is not closed yet, if any (one at a time per listing)."""
    if not user.is_authenticated:
        return None
    return Inquiry.objects.filter(sender=user, listing=listing, status__in=ONGOING_STATUSES).first()


def inquiry_thread(*, pk: int, user) -> Inquiry | None:
    """The inquiry with its listing, parties and messages, or None if it does not exist or the user is no party.

    Each message gets ``side``: ``"sender"``, ``"broker"`` or ``"owner"``, for the thread's labels.
    """
    inquiry = (
        Inquiry.objects.select_related("listing__organisation", "listing__broker__user", "sender", "organisation")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=InquiryMessage.objects.select_related("author").order_by("created_at", "id"),
                to_attr="message_list",
            )
        )
        .filter(pk=pk)
        .first()
    )
    if inquiry is None or not permissions.is_inquiry_party(user, inquiry):
        return None
    broker = inquiry.listing.broker
    broker_user_id = broker.user_id if broker else None
    for message in inquiry.message_list:
        if message.author_id is not None and message.author_id == inquiry.sender_id:
            message.side = "sender"
        elif message.author_id is not None and message.author_id == broker_user_id:
            message.side = "broker"
        else:
            message.side = "owner"
    return inquiry


def listing_to_inquire(*, pk: int, user) -> Listing | None:
    """The listing an inquiry would be about, or None if it does not exist or the user may not see it."""
    listing = Listing.objects.select_related("organisation", "broker__user").filter(pk=pk).first()
    if listing is None or not permissions.can_view_listing(user, listing):
        return None
    return listing


def has_listings_to_answer_for(user) -> bool:
    """Is the user on the owner side of any listing (a member of its organisation or its broker)?"""
    if not user.is_authenticated:
        return False
    organisations = Membership.objects.active().filter(user=user).values("organisation_id")
    return Listing.objects.filter(Q(organisation__in=organisations) | Q(broker__user=user)).exists()
