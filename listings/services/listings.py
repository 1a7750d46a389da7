"""Writes to listings: create and edit them with their terms, images and files, and move them through the workflow.

Every status change goes through :func:`listing_transition`, which checks the
move against ``choices.TRANSITIONS`` and the actor's permission, locks the row,
writes the audit row and queues the e-mails. ``actor=None`` is the platform
itself (imports, the demo seed, other apps' services that checked their own
permissions); it may take any transition in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from techmarket.accounts.models import BrokerProfile, Organisation
from techmarket.accounts.permissions import platform_staff_emails
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import TRANSITIONS, DealMode, ListingStatus
from ..exceptions import ListingError
from ..models import DealTerm, Listing, ListingAttachment, ListingImage
from ..validators import (
    OPEN_LICENCE_CONFLICTS,
    published_open_licence_terms,
    validate_deal_modes,
    validate_listing_patents,
    validate_registry_terms,
)

# What the owner writes; status, province and the moderation note are the platform's.
LISTING_FIELDS = (
    "kind",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "problem",
    "advantages",
    "applications",
    "field",
    "trl",
    "contact_name",
    "contact_phone",
    "contact_email",
    "co_owner_consent",
)


@dataclass(frozen=True)
class Term:
    """A deal mode offered and its indicative price in yuan (``None``: negotiable)."""

    mode: str
    price: Decimal | None = None
    note: str = ""


def _check(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _write_terms(listing: Listing, terms: Sequence[Term], patents: Sequence = ()) -> None:
    """Replace the listing's terms; an open licence's published terms come from the registry, not the owner."""
    published = (
        published_open_licence_terms(patents=patents) if any(t.mode == DealMode.OPEN_LICENCE for t in terms) else ""
    )
    rows = [
        DealTerm(
            listing=listing,
            mode=t.mode,
            price=t.price,
            note=t.note,
            published_terms=published if t.mode == DealMode.OPEN_LICENCE else "",
        )
        for t in terms
    ]
    errors = {}
    for row in rows:
        try:
            row.full_clean(exclude=["listing"], validate_unique=False)
        except ValidationError as error:
            errors.setdefault("deal_terms", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    listing.deal_terms.all().delete()
    DealTerm.objects.bulk_create(rows)


def _ipc_codes(patents: Sequence) -> list[str]:
    codes: list[str] = []
    for patent in patents:
        codes.extend(code for code in patent.ipc_codes if code not in codes)
    return codes


@transaction.atomic
def listing_create(
    *, actor, organisation: Organisation, terms: Sequence[Term], patents: Sequence = (), **fields
) -> Listing:
    """A new draft listing of the organisation, with its patents and deal terms."""
    if actor is not None:
        _check(permissions.can_create_listing(actor, organisation))
    unknown = set(fields) - set(LISTING_FIELDS)
    if unknown:
        raise TypeError(f"not listing fields: {sorted(unknown)}")
    listing = Listing(
        organisation=organisation,
        province=organisation.province,
        city=organisation.city,
        created_by=actor,
        **fields,
    )
    _validate(listing, patents, terms)
    listing.ipc_codes = _ipc_codes(patents)
    listing.save()
    listing.patents.set(patents)
    _write_terms(listing, terms, patents)
    audit_record(actor=actor, action="listing.create", target=listing, summary=listing.title_zh)
    return listing


def _validate(listing: Listing, patents: Sequence, terms: Sequence[Term]) -> None:
    errors: dict[str, list] = {}
    for check in (
        lambda: listing.full_clean(),
        lambda: validate_listing_patents(kind=listing.kind, organisation=listing.organisation, patents=patents),
        lambda: validate_deal_modes(kind=listing.kind, modes=[t.mode for t in terms]),
        lambda: validate_registry_terms(
            organisation=listing.organisation,
            patents=patents,
            modes=[t.mode for t in terms],
            co_owner_consent=listing.co_owner_consent,
        ),
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def listing_update(
    *, actor, listing: Listing, terms: Sequence[Term] | None = None, patents: Sequence | None = None, **fields
) -> Listing:
    """Change what the owner wrote. Allowed while the listing is a draft, published or suspended."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if actor is not None:
        _check(permissions.can_edit_listing(actor, listing))
    unknown = set(fields) - set(LISTING_FIELDS)
    if unknown:
        raise TypeError(f"not listing fields: {sorted(unknown)}")
    changed = sorted(name for name, value in fields.items() if getattr(listing, name) != value)
    for name, value in fields.items():
        setattr(listing, name, value)
    patents = list(listing.patents.all()) if patents is None else list(patents)
    if terms is None:
        terms = [Term(t.mode, t.price, t.note) for t in listing.deal_terms.all()]
    _validate(listing, patents, terms)
    listing.ipc_codes = _ipc_codes(patents)
    listing.save()
    listing.patents.set(patents)
    _write_terms(listing, terms, patents)
    audit_record(
        actor=actor,
        action="listing.update",
        target=listing,
        summary=", ".join(str(Listing._meta.get_field(name).verbose_name) for name in changed),
        data={"fields": changed},
    )
    return listing


def _owner_emails(listing: Listing) -> list[str]:
    admins = listing.organisation.memberships.admins().select_related("user")
    emails = [membership.user.email for membership in admins]
    if listing.created_by_id:
        emails.append(listing.created_by.email)
    return emails


@transaction.atomic
def listing_transition(*, actor, listing: Listing, name: str, reason: str = "") -> Listing:
    """Move the listing along one transition of the table; refuse anything else with a message."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ListingError(_("Unknown action."))
    listing = Listing.objects.select_for_update().select_related("organisation").get(pk=listing.pk)
    if listing.status not in transition.sources:
        raise ListingError(
            _("This listing is %(status)s; “%(action)s” is not possible now.")
            % {"status": listing.get_status_display(), "action": transition.label}
        )
    if actor is not None:
        _check(permissions.can_transition(actor, listing, name))
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the owner a reason, so that they know what to change.")})
    if name == "submit":
        _validate(
            listing,
            list(listing.patents.all()),
            [Term(t.mode, t.price) for t in listing.deal_terms.all()],
        )
    previous = listing.status
    listing.status = transition.target
    now = timezone.now()
    if name == "submit":
        listing.submitted_at = now
        listing.moderation_note = ""
    elif transition.target == ListingStatus.PUBLISHED and listing.published_at is None:
        listing.published_at = now
    if transition.needs_reason:
        listing.moderation_note = reason[:500]
    listing.save(update_fields=["status", "submitted_at", "published_at", "moderation_note", "updated_at"])
    audit_record(
        actor=actor,
        action=f"listing.{name}",
        target=listing,
        summary=reason or listing.title_zh,
        data={"from": previous, "to": listing.status, "reason": reason},
    )
    _notify(listing, name, reason)
    return listing


# Transitions that tell someone: the template name and who receives it.
_NOTICES = {
    "submit": "listing_submitted",
    "approve": "listing_approved",
    "reject": "listing_rejected",
    "suspend": "listing_suspended",
    "reinstate": "listing_approved",
}


def _notify(listing: Listing, name: str, reason: str) -> None:
    template = _NOTICES.get(name)
    if template is None:
        return
    recipients = platform_staff_emails() if name == "submit" else _owner_emails(listing)
    email_on_commit(
        template=template,
        to=recipients,
        context={
            "title": listing.title_zh,
            "organisation": listing.organisation.name_zh,
            "reason": reason,
            "url": absolute_url(listing.get_absolute_url()),
        },
    )


@transaction.atomic
def listing_assign_broker(*, actor, listing: Listing, broker: BrokerProfile | None) -> Listing:
    """Assign (or, with ``None``, unassign) the technology-transfer manager who may see and answer for the listing."""
    # Lock the listing row only: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the broker.
    listing = Listing.objects.select_for_update(of=("self",)).select_related("broker__user").get(pk=listing.pk)
    if actor is not None:
        _check(permissions.can_assign_broker(actor, listing))
    if broker is not None and not broker.is_active:
        raise ValidationError({"broker": _("This technology-transfer manager is not active on the platform.")})
    if listing.broker is not None:
        remove_perm("listings.view_listing", listing.broker.user, listing)
    listing.broker = broker
    listing.save(update_fields=["broker", "updated_at"])
    if broker is not None:
        assign_perm("listings.view_listing", broker.user, listing)
        email_on_commit(
            template="listing_broker_assigned",
            to=[broker.user.email],
            context={"title": listing.title_zh, "url": absolute_url(listing.get_absolute_url())},
        )
    audit_record(
        actor=actor,
        action="listing.broker",
        target=listing,
        summary=str(broker.user) if broker else _("no broker"),
    )
    return listing


# Open licences follow the registry --------------------------------------------------------------------------


def _open_licence_terms_of(patents: Sequence, modes: Sequence[str] = (DealMode.OPEN_LICENCE,)):
    """The terms of these modes of the listings of these patents, locked (ids first: PostgreSQL locks no DISTINCT)."""
    ids = DealTerm.objects.filter(mode__in=modes, listing__patents__in=[patent.pk for patent in patents]).values_list(
        "pk", flat=True
    )
    return (
        DealTerm.objects.filter(pk__in=set(ids))
        .select_related("listing")
        .order_by("pk")
        .select_for_update(of=("self",))
    )


@transaction.atomic
def listings_open_licence_publish(*, patents: Sequence) -> list[Listing]:
    """Write the registry's published terms on the open-licence terms of the listings of these patents (when a
    declaration takes effect), and take their exclusive and sole licence terms off: none can be granted while it is
    in force (专利法第五十一条). Called by the licensing services, which checked their own permissions."""
    touched = []
    for term in list(_open_licence_terms_of(patents, OPEN_LICENCE_CONFLICTS)):
        term.delete()
        audit_record(
            actor=None,
            action="listing.exclusive_off",
            target=term.listing,
            summary=term.get_mode_display(),
            data={"patents": [patent.application_number for patent in patents]},
        )
        touched.append(term.listing)
    for term in _open_licence_terms_of(patents):
        published = published_open_licence_terms(patents=list(term.listing.patents.all()))
        if published != term.published_terms:
            term.published_terms = published
            term.save(update_fields=["published_terms"])
            touched.append(term.listing)
    return touched


@transaction.atomic
def listings_open_licence_withdraw(*, patents: Sequence, reason: str = "") -> list[Listing]:
    """Take the open-licence mode off the listings of these patents, whose declaration was withdrawn; the owners are
    told. Other deal modes stay. Called by the licensing services, which checked their own permissions."""
    touched = []
    for term in list(_open_licence_terms_of(patents)):
        listing = term.listing
        term.delete()
        audit_record(
            actor=None,
            action="listing.open_licence_off",
            target=listing,
            summary=reason or listing.title_zh,
            data={"patents": [patent.application_number for patent in patents]},
        )
        email_on_commit(
            template="listing_open_licence_off",
            to=_owner_emails(listing),
            context={"title": listing.title_zh, "url": absolute_url(listing.get_absolute_url())},
        )
        touched.append(listing)
    return touched


# Images and attachments -----------------------------------------------------------------------------------------


@contextmanager
def _files_removed_on_error(storage, names):
    """Files reach storage when the row is saved; if the write fails after that, take them away again."""
    try:
        yield
    except Exception:
        for name in names():
            if name:
                storage.delete(name)
        raise


def _lock_for_files(actor, listing: Listing) -> Listing:
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if actor is not None:
        _check(permissions.can_edit_listing(actor, listing))
    return listing


@transaction.atomic
def listing_image_add(*, actor, listing: Listing, image, caption: str = "") -> ListingImage:
    """Add a checked, cleaned image with its renditions. The listing row is locked, so the limit of 8 holds."""
    listing = _lock_for_files(actor, listing)
    position = listing.images.count()
    row = ListingImage(listing=listing, image=image, caption=caption, position=position)
    row.full_clean()
    with _files_removed_on_error(row.image.storage, row.stored_names):
        row.save()
        audit_record(actor=actor, action="listing.image_add", target=listing, summary=caption or row.image.name)
    return row


@transaction.atomic
def listing_image_delete(*, actor, image: ListingImage) -> None:
    listing = _lock_for_files(actor, image.listing)
    names, storage = image.stored_names(), image.image.storage
    image.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    audit_record(actor=actor, action="listing.image_delete", target=listing, summary=image.caption or names[0])


@transaction.atomic
def listing_attachment_add(*, actor, listing: Listing, file, title: str) -> ListingAttachment:
    listing = _lock_for_files(actor, listing)
    if listing.attachments.count() >= settings.LISTING_ATTACHMENTS_MAX:
        raise ValidationError(
            {"file": _("A listing has at most %(limit)s files.") % {"limit": settings.LISTING_ATTACHMENTS_MAX}}
        )
    row = ListingAttachment(listing=listing, file=file, title=title, size=file.size or 0)
    row.full_clean()
    with _files_removed_on_error(row.file.storage, lambda: [row.file.name]):
        row.save()
        audit_record(actor=actor, action="listing.file_add", target=listing, summary=title)
    return row


@transaction.atomic
def listing_attachment_delete(*, actor, attachment: ListingAttachment) -> None:
    listing = _lock_for_files(actor, attachment.listing)
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit_record(actor=actor, action="listing.file_delete", target=listing, summary=attachment.title)
