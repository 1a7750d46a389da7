"""Writes to inquiries: a firm asks about a published listing, the owner side and the firm reply, either side closes.

An inquiry's opening text is its ``intended_use``; the thread's further
messages are :class:`InquiryMessage` rows. Status: ``open`` while the sender
waits for an answer, ``answered`` once the owner side (a member of the owner
organisation or the assigned broker) has replied, back to ``open`` when the
sender writes again, ``closed`` for good once a party closes it.

Who is told by e-mail:

- a new inquiry goes to the owner organisation's administrators, the member who
  created the listing (if still an active member) and the assigned broker. Not to
  every member: a university's technology-transfer office may have dozens of
  members, each looking after their own listings, and the same people already
  receive the listing's moderation notices (see ``services.listings``);
- a reply goes to the other side: the sender's reply to the owner side as above,
  an owner-side reply to the sender. The author is never mailed their own words.

An inquiry always has a person as its sender, so :func:`inquiry_create` needs an
actor and applies the rate limit to everyone (a seed spreads its inquiries over
several senders). For replies and closing, ``actor=None`` is the platform itself,
which skips the party check but not the rule that closed threads take no replies.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from techmarket.accounts.models import Membership
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import InquiryStatus
from ..exceptions import ListingError, RateLimited
from ..models import Inquiry, InquiryMessage, Listing
from ..selectors.inquiries import ongoing_inquiry

RATE_WINDOW = timedelta(hours=24)


def _check(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _sender_organisation(user):
    """The organisation the sender acts for: their first active membership's (the earliest joined)."""
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.organisation if membership else None


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _check_rate(user, listing: Listing) -> None:
    """At most ``INQUIRY_DAILY_LIMIT`` inquiries in any 24 hours, and one ongoing inquiry per listing."""
    if ongoing_inquiry(user, listing) is not None:
        raise ValidationError(
            _(
                "You already have an open inquiry about this listing. Continue that conversation, "
                "or close it before sending a new one."
            ),
            code="inquiry_open",
        )
    limit = settings.INQUIRY_DAILY_LIMIT
    since = timezone.now() - RATE_WINDOW
    recent = list(
        Inquiry.objects.filter(sender=user, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        # The oldest of the last ``limit`` inquiries leaves the window first.
        raise RateLimited(
            _(
                "You have sent %(limit)s inquiries in the last 24 hours, the most allowed. "
                "You can send another after %(time)s."
            )
            % {"limit": limit, "time": _when(recent[-1] + RATE_WINDOW)},
            retry_after=math.ceil((recent[-1] + RATE_WINDOW - timezone.now()).total_seconds()),
        )


def _owner_side_emails(listing: Listing) -> list[str]:
    """The owner organisation's administrators, the listing's creator if still a member, and the assigned broker."""
    members = Membership.objects.active().filter(organisation_id=listing.organisation_id)
    users = get_user_model().objects.filter(is_active=True)
    admins = Membership.objects.admins().filter(organisation_id=listing.organisation_id).values("user_id")
    emails = set(users.filter(pk__in=admins).values_list("email", flat=True))
    if listing.created_by_id:
        creator = users.filter(pk=listing.created_by_id, memberships__in=members)
        emails.update(creator.values_list("email", flat=True))
    if listing.broker_id:
        emails.update(users.filter(broker_profile__pk=listing.broker_id).values_list("email", flat=True))
    return sorted(emails)


def _context(inquiry: Inquiry, listing: Listing, author) -> dict:
    # E-mails render in the site's default language; choice labels are fixed here as plain strings for the task.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "title": listing.title_zh,
            "organisation": listing.organisation.name_zh,
            "sender": inquiry.sender.name or inquiry.sender.email,
            "sender_organisation": inquiry.organisation.name_zh if inquiry.organisation else "",
            "author": (author.name or author.email) if author else "",
            "budget": str(inquiry.get_budget_display()),
            "timeline": str(inquiry.get_timeline_display()),
            "intended_use": inquiry.intended_use,
            "url": absolute_url(inquiry.get_absolute_url()),
        }


@transaction.atomic
def inquiry_create(*, actor, listing: Listing, intended_use: str, budget: str, timeline: str) -> Inquiry:
    """A signed-in person's question about a published listing; its text is the thread's opening message."""
    if actor is None:
        raise TypeError("an inquiry needs a sender")
    listing = Listing.objects.select_related("organisation").get(pk=listing.pk)
    _check(permissions.can_send_inquiry(actor, listing))
    # Lock the sender's row: two inquiries sent at the same moment are counted one after the other.
    sender = get_user_model().objects.select_for_update().get(pk=actor.pk)
    _check_rate(sender, listing)
    inquiry = Inquiry(
        listing=listing,
        sender=sender,
        organisation=_sender_organisation(sender),
        intended_use=intended_use.strip(),
        budget=budget,
        timeline=timeline,
    )
    inquiry.full_clean()
    inquiry.save()
    audit_record(actor=actor, action="inquiry.create", target=inquiry, summary=listing.title_zh)
    email_on_commit(template="inquiry_new", to=_owner_side_emails(listing), context=_context(inquiry, listing, sender))
    return inquiry


def _lock(inquiry: Inquiry) -> Inquiry:
    return (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("listing__organisation", "sender", "organisation")
        .get(pk=inquiry.pk)
    )


@transaction.atomic
def inquiry_reply(*, actor, inquiry: Inquiry, body: str) -> InquiryMessage:
    """Add a message to the thread. An owner-side answer marks it answered; the sender's message reopens it."""
    inquiry = _lock(inquiry)
    if actor is not None:
        _check(permissions.is_inquiry_party(actor, inquiry))
    if inquiry.status == InquiryStatus.CLOSED:
        raise ListingError(
            _("This inquiry is closed, so it takes no more replies. To ask again, send a new inquiry from the listing.")
        )
    message = InquiryMessage(inquiry=inquiry, author=actor, body=body.strip())
    message.full_clean()
    message.save()
    from_sender = actor is not None and actor.pk == inquiry.sender_id
    inquiry.status = InquiryStatus.OPEN if from_sender else InquiryStatus.ANSWERED
    inquiry.last_message_at = message.created_at
    inquiry.save(update_fields=["status", "last_message_at"])
    audit_record(
        actor=actor,
        action="inquiry.reply",
        target=inquiry,
        summary=inquiry.listing.title_zh,
        data={"message": message.pk, "status": inquiry.status},
    )
    recipients = _owner_side_emails(inquiry.listing) if from_sender else [inquiry.sender.email]
    if actor is not None:
        recipients = [email for email in recipients if email != actor.email]
    context = {**_context(inquiry, inquiry.listing, actor), "body": message.body}
    email_on_commit(template="inquiry_reply", to=recipients, context=context)
    return message


@transaction.atomic
def inquiry_close(*, actor, inquiry: Inquiry) -> Inquiry:
    """Close the thread for good (any party may). The sender can then send a new inquiry about the listing."""
    inquiry = _lock(inquiry)
    if actor is not None:
        _check(permissions.is_inquiry_party(actor, inquiry))
    if inquiry.status == InquiryStatus.CLOSED:
        raise ListingError(_("This inquiry is already closed."))
    previous = inquiry.status
    inquiry.status = InquiryStatus.CLOSED
    inquiry.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="inquiry.close",
        target=inquiry,
        summary=inquiry.listing.title_zh,
        data={"from": previous},
    )
    return inquiry
