"""Who may do what with listings, inquiries and demands. Views, services and selectors ask here.

Membership of the owner organisation is read from the organisation's object
permissions that the membership services keep in django-guardian
(``accounts.view_members`` for every active member, ``accounts.change_organisation``
for its administrators). The assigned broker holds ``listings.view_listing`` on
the listing itself, granted and revoked by ``listing_assign_broker``.
Moderators are the platform staff, through the global ``listings.moderate_listing``.

Listings that are not public are invisible (404) to everyone else, so that
their existence does not leak.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.accounts.choices import SUPPLIER_KINDS, MembershipStatus, OrganisationKind

from .choices import EDITABLE_STATUSES, PUBLIC_STATUSES, TRANSITIONS, Actor, DemandStatus, ListingStatus
from .models import Demand, Inquiry, Listing, Proposal

PLATFORM_STAFF_PERMISSIONS = (
    "moderate_listing",
    "view_listing",
    "change_listing",
    "view_dealterm",
    "view_listingimage",
    "view_listingattachment",
    "view_inquiry",
    "view_demand",
)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def is_member(user, organisation) -> bool:
    return _authenticated(user) and user.has_perm("accounts.view_members", organisation)


def is_admin(user, organisation) -> bool:
    return _authenticated(user) and user.has_perm("accounts.change_organisation", organisation)


def is_moderator(user) -> bool:
    return _authenticated(user) and user.has_perm("listings.moderate_listing")


def is_assigned_broker(user, listing: Listing) -> bool:
    return _authenticated(user) and listing.broker_id is not None and user.has_perm("listings.view_listing", listing)


def supplier_organisations(user):
    """The verified universities and institutes the user is an active member of: where they may list."""
    from techmarket.accounts.models import Organisation

    if not _authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.verified().filter(
        kind__in=SUPPLIER_KINDS, memberships__user=user, memberships__status=MembershipStatus.ACTIVE
    )


def can_create_listing(user, organisation) -> bool:
    return is_member(user, organisation) and organisation.is_verified and organisation.kind in SUPPLIER_KINDS


def can_view_listing(user, listing: Listing) -> bool:
    return (
        listing.status in PUBLIC_STATUSES
        or is_member(user, listing.organisation)
        or is_moderator(user)
        or is_assigned_broker(user, listing)
    )


def can_view_history(user, listing: Listing) -> bool:
    return is_member(user, listing.organisation) or is_moderator(user) or is_assigned_broker(user, listing)


def can_edit_listing(user, listing: Listing) -> bool:
    return listing.status in EDITABLE_STATUSES and is_member(user, listing.organisation)


def can_assign_broker(user, listing: Listing) -> bool:
    return is_admin(user, listing.organisation) or is_moderator(user)


def can_transition(user, listing: Listing, name: str) -> bool:
    """May the user take this transition now (its source status matches and they are the right actor)?"""
    transition = TRANSITIONS.get(name)
    return transition is not None and listing.status in transition.sources and is_transition_actor(user, listing, name)


def is_transition_actor(user, listing: Listing, name: str) -> bool:
    """Is the user the kind of person who takes this transition (whatever the listing's status now)?"""
    transition = TRANSITIONS[name]
    if transition.actor == Actor.OWNER:
        return is_member(user, listing.organisation)
    if transition.actor == Actor.OWNER_ADMIN:
        return is_admin(user, listing.organisation)
    if transition.actor == Actor.MODERATOR:
        return is_moderator(user)
    return False  # system transitions are taken by the platform's own code, with actor=None


def available_transitions(user, listing: Listing) -> list:
    return [t for name, t in TRANSITIONS.items() if can_transition(user, listing, name)]


def visible_listings_filter(user) -> Q:
    """A filter for the listings the user may open (for selectors)."""
    condition = Q(status__in=PUBLIC_STATUSES)
    if not _authenticated(user):
        return condition
    if is_moderator(user):
        return Q()
    condition |= Q(organisation__memberships__user=user, organisation__memberships__status=MembershipStatus.ACTIVE)
    if hasattr(user, "broker_profile"):
        condition |= Q(broker__user=user)
    return condition


# Inquiries ------------------------------------------------------------------------------------------------------


def can_send_inquiry(user, listing: Listing) -> bool:
    """A signed-in person who is not on the owning side, about a published listing."""
    return (
        _authenticated(user)
        and listing.status == ListingStatus.PUBLISHED
        and not is_member(user, listing.organisation)
        and not is_assigned_broker(user, listing)
    )


def is_inquiry_party(user, inquiry: Inquiry) -> bool:
    """The sender, the owner organisation's members and the assigned broker see and answer the thread."""
    listing = inquiry.listing
    return _authenticated(user) and (
        inquiry.sender_id == user.pk or is_member(user, listing.organisation) or is_assigned_broker(user, listing)
    )


def is_inquiry_answerer(user, inquiry: Inquiry) -> bool:
    listing = inquiry.listing
    return is_member(user, listing.organisation) or is_assigned_broker(user, listing)


# Demands --------------------------------------------------------------------------------------------------------


def can_post_demand(user, organisation) -> bool:
    return is_member(user, organisation) and organisation.is_verified


def can_manage_demand(user, demand: Demand) -> bool:
    return is_member(user, demand.organisation)


def can_close_demand(user, demand: Demand) -> bool:
    """The demand's organisation, or a moderator taking down a demand that breaks the platform's rules."""
    return can_manage_demand(user, demand) or is_moderator(user)


def can_propose(user, demand: Demand, organisation) -> bool:
    """A member of a verified university or institute (not the demand's own), from an allowed province,
    while the demand is open and its deadline not past."""
    return (
        demand_takes_proposals(demand)
        and organisation.pk != demand.organisation_id
        and can_create_listing(user, organisation)
        and (demand.open_to_all_provinces or organisation.province == demand.province)
    )


def demand_takes_proposals(demand: Demand) -> bool:
    """Open, and its deadline (the last day proposals are due) not yet past in the platform's time zone."""
    return demand.status == DemandStatus.OPEN and demand.deadline >= timezone.localdate()


def demand_organisations(user):
    """The verified organisations the user is an active member of: on whose behalf they may post demands."""
    from techmarket.accounts.models import Organisation

    if not _authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.verified().filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)


def can_view_demand(user, demand: Demand) -> bool:
    """Open and selected demands are public; a closed one only to its enterprise, its proposers and moderators."""
    if demand.status != DemandStatus.CLOSED or can_manage_demand(user, demand) or is_moderator(user):
        return True
    return (
        _authenticated(user)
        and demand.proposals.filter(
            organisation__memberships__user=user, organisation__memberships__status=MembershipStatus.ACTIVE
        ).exists()
    )


def can_see_all_proposals(user, demand: Demand) -> bool:
    """The demand's own members and moderators see every proposal; a proposer sees only its own."""
    return can_manage_demand(user, demand) or is_moderator(user)


def can_see_proposal(user, proposal: Proposal) -> bool:
    return can_see_all_proposals(user, proposal.demand) or is_member(user, proposal.organisation)


# Imports --------------------------------------------------------------------------------------------------------


def is_supplier(organisation) -> bool:
    """A verified university or research institute: an organisation that may list technologies."""
    return organisation.is_verified and organisation.kind in SUPPLIER_KINDS


# Organisations ---------------------------------------------------------------------------------------------------

# Listings on the market or on their way to it: an organisation that may no longer list must not keep any.
LIVE_STATUSES = (ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.PUBLISHED, ListingStatus.SUSPENDED)


def kind_change_refusal(organisation, kind: str) -> str:
    """Why the organisation may not become ``kind`` now: a university or institute that would stop being a supplier
    while it has live listings. Asked by the accounts app (``techmarket.accounts.hooks``) before a change of kind is
    requested and again before it is approved."""
    if organisation.kind not in SUPPLIER_KINDS or kind in SUPPLIER_KINDS:
        return ""
    count = Listing.objects.filter(organisation=organisation, status__in=LIVE_STATUSES).count()
    if not count:
        return ""
    return _(
        "%(org)s has %(count)d listings that are drafts, awaiting review, published or suspended, and as “%(kind)s” "
        "it may not list technologies. Its administrators must withdraw them before the change of kind is approved."
    ) % {"org": organisation.name_zh, "count": count, "kind": OrganisationKind(kind).label}
