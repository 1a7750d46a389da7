"""The market's parts of an organisation's page (a page of the accounts app): its listings, and for the members who
may list, the link to import listings. Registered in the organisation page's slots by ``ListingsConfig.ready()``."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from techmarket.accounts.models import Organisation

from .. import permissions
from ..selectors import listings as selectors

ORGANISATION_LISTINGS_SHOWN = 12


def import_link(request: HttpRequest, organisation: Organisation) -> str:
    if not permissions.can_create_listing(request.user, organisation):
        return ""
    return render_to_string("listings/includes/import_link.html", {"organisation": organisation}, request=request)


def organisation_listings(request: HttpRequest, organisation: Organisation) -> str:
    """The organisation's published listings, newest first, with how many there are in all."""
    queryset = selectors.organisation_listings(organisation)
    listings = list(queryset[:ORGANISATION_LISTINGS_SHOWN])
    if not listings:
        return ""
    context = {"listings": listings, "total": queryset.count(), "organisation": organisation}
    return render_to_string("listings/includes/organisation_listings.html", context, request=request)
