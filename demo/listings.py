"""Demo market for ``manage.py seed_demo``: about 230 listings of the demo universities and institutes.

One item is one listing with its whole story: a member of the organisation
writes it (``listing_create``, with the member's own permission), pictures are
added, then it moves along the workflow to its planned status, and some
published ones get the demo technology-transfer manager. Everything goes
through the services in ``listings/services/listings.py``, so the rules, the audit log
and the object permissions are the real ones; the platform (``actor=None``)
uploads the pictures and takes the transitions.

The plan (:mod:`demo.listings_plan`) is drawn in Python from a seeded
generator, so every run plans the same listings; an item whose organisation
already has a listing with its title is skipped, so a rerun adds nothing.
Patent listings use the registry demo's patents, so this step runs after
:mod:`demo.registry`; before a listing is created its patents are looked up
among those its organisation holds in the registry.

Inquiries and technology demands follow in :mod:`demo.market`, after the
listings they refer to.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ip_registry.models import Patent
from listings.choices import TRANSITIONS
from listings.models import Listing
from listings.services.listings import (
    Term,
    listing_assign_broker,
    listing_create,
    listing_image_add,
    listing_transition,
)
from listings.validators import co_owners
from techmarket.accounts.models import BrokerProfile, User
from techmarket.regions.models import TechnologyField

from . import listings_text
from .accounts import demo_organisation
from .images import demo_picture
from .listings_plan import BROKER, LISTING_COUNT, DemoListing, plan_listings
from .registry_plan import PATENT_COUNT, plan_patents
from .steps import DemoStep


class DemoDataError(Exception):
    """The database does not hold what the plan builds on (the registry demo was not seeded first, or changed)."""


def _patents(plan: DemoListing, organisation) -> list[Patent]:
    """The planned patents, found among those the organisation holds in the registry, in the planned order."""
    held = {
        p.application_number: p
        for p in Patent.objects.held_by(organisation).filter(application_number__in=plan.patents)
    }
    missing = [number for number in plan.patents if number not in held]
    if missing:
        raise DemoDataError(
            f"{organisation.name_zh} does not hold {', '.join(missing)} in the registry; "
            "seed the registry demo (demo.registry) before the listings."
        )
    return [held[number] for number in plan.patents]


def seed_listing(plan: DemoListing) -> bool:
    """Write the listing, its pictures and its workflow through the services; skip it if it is already there."""
    organisation = demo_organisation(plan.organisation)
    if Listing.objects.filter(organisation=organisation, title_zh=plan.title_zh).exists():
        return False
    patents = _patents(plan, organisation)
    listing = listing_create(
        actor=User.objects.get(email__iexact=plan.creator),
        organisation=organisation,
        patents=patents,
        terms=[Term(term.mode, term.price, term.note) for term in plan.terms],
        kind=plan.kind,
        field=TechnologyField.objects.get(slug=plan.field_slug),
        title_zh=plan.title_zh,
        title_en=plan.title_en,
        summary_zh=plan.summary_zh,
        problem=plan.problem,
        advantages=plan.advantages,
        applications=plan.applications,
        trl=plan.trl,
        contact_name=plan.contact.name,
        contact_phone=plan.contact.phone,
        contact_email=plan.contact.email,
        # The demo's co-owners agree to the offers of the patents they share (专利法第十四条).
        co_owner_consent=bool(co_owners(organisation=organisation, patents=patents)),
    )
    text = listings_text.FIELDS[plan.field]
    for index in range(plan.image_count):
        picture = demo_picture(text.motif, text.colour, plan.image_seed + index)
        listing_image_add(
            actor=None,
            listing=listing,
            image=SimpleUploadedFile(f"demo-{index + 1}.jpg", picture, content_type="image/jpeg"),
            caption=listings_text.IMAGE_CAPTIONS[index % len(listings_text.IMAGE_CAPTIONS)],
        )
    for name in plan.path:
        # Moderators give a reason when they send back or suspend; withdrawing and closing keep the owner's note.
        reason = plan.reason if TRANSITIONS[name].needs_reason or name in ("withdraw", "close") else ""
        listing = listing_transition(actor=None, listing=listing, name=name, reason=reason)
    if plan.broker:
        broker = BrokerProfile.objects.get(user__email__iexact=BROKER.person.email)
        listing_assign_broker(actor=None, listing=listing, broker=broker)
    return True


def steps(listing_count: int = LISTING_COUNT, patent_count: int = PATENT_COUNT) -> tuple[DemoStep, ...]:
    """The market's demo steps; ``patent_count`` must match the registry demo's plan they build on."""
    listings = plan_listings(listing_count, plan_patents(patent_count))
    return (DemoStep("listings with their pictures and workflow", listings, seed_listing),)


STEPS: tuple[DemoStep, ...] = steps()
