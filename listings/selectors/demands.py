"""Reads of technology demands: the public list and a demand's page with the proposals the reader may see.

Proposals are not public: the demand's organisation and the moderators see
them all, a proposing organisation's members see their own, nobody else any.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from techmarket.accounts.choices import MembershipStatus

from .. import permissions
from ..choices import DemandStatus, ListingStatus
from ..models import Demand, Listing, Proposal

SORTS = ("newest", "deadline")


@dataclass(frozen=True)
class DemandFilters:
    """The filters of the public list."""

    province: str = ""
    field: str = ""  # a TechnologyField slug
    status: str = ""  # "open" or "selected"; both when empty
    open_to_all: bool = False  # only demands that take proposals from every province
    sort: str = "newest"  # or "deadline": those still taking proposals first, the soonest due first


def public_demands(filters: DemandFilters | None = None) -> QuerySet[Demand]:
    """Open and selected demands (closed ones leave the list), with what a card shows."""
    filters = filters or DemandFilters()
    queryset = Demand.objects.filter(status__in=(DemandStatus.OPEN, DemandStatus.SELECTED))
    if filters.province:
        queryset = queryset.filter(province=filters.province)
    if filters.field:
        queryset = queryset.filter(field__slug=filters.field)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.open_to_all:
        queryset = queryset.filter(open_to_all_provinces=True)
    queryset = queryset.select_related("organisation", "field").annotate(proposal_count=Count("proposals"))
    if filters.sort == "deadline":
        taking = Q(status=DemandStatus.OPEN, deadline__gte=timezone.localdate())
        queryset = queryset.annotate(
            taking_proposals=Case(When(taking, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("taking_proposals", "deadline", "-id")
    else:
        queryset = queryset.order_by("-created_at", "-id")
    return queryset


def demand_for_page(*, pk: int, user) -> Demand | None:
    """The demand with its organisation and field, or None if it does not exist or the user may not see it."""
    demand = Demand.objects.select_related("organisation", "field").filter(pk=pk).first()
    if demand is None or not permissions.can_view_demand(user, demand):
        return None
    return demand


def proposals_for(demand: Demand, user) -> QuerySet[Proposal]:
    """The demand's proposals the user may see, each with its organisation and the public listings it names."""
    queryset = Proposal.objects.filter(demand=demand)
    if not permissions.can_see_all_proposals(user, demand):
        if not user.is_authenticated:
            return Proposal.objects.none()
        queryset = queryset.filter(
            organisation__memberships__user=user, organisation__memberships__status=MembershipStatus.ACTIVE
        )
    return (
        queryset.select_related("organisation", "created_by")
        .prefetch_related(
            Prefetch(
                "listings",
                queryset=Listing.objects.filter(status=ListingStatus.PUBLISHED).order_by("-published_at", "-id"),
                to_attr="published_listings",
            )
        )
        .order_by("created_at", "id")
    )


def proposable_listings(organisations) -> QuerySet[Listing]:
    """The published listings a proposal on behalf of these organisations may point to."""
    return (
        Listing.objects.published()
        .filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation_id", "-published_at", "-id")
    )
