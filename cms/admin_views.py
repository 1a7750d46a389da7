"""The platform staff's queues in the editorial admin. Each lists what awaits them and links to the page where
the work is done (the listings' review queue, the organisations' verification page); the decisions themselves
stay in those apps, with their forms, permissions and audit."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from listings.selectors import listings as listing_selectors
from techmarket.accounts import selectors as account_selectors

from . import permissions

PAGE_SIZE = 30


def forbidden_as_403(view: Callable) -> Callable:
    """Answer 403 with a page that says why to a user the view refuses, where the admin would send them to its
    dashboard with a message: these pages are the platform staff's, and the refusal should say so."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            context = {"page_title": _("Platform staff only"), "header_icon": "lock"}
            return render(request, "cms/admin/forbidden.html", context, status=403)

    return wrapped


@forbidden_as_403
@require_safe
def listing_queue(request: HttpRequest) -> HttpResponse:
    """Listings submitted for review, oldest first."""
    if not permissions.can_moderate_listings(request.user):
        raise PermissionDenied
    page = Paginator(listing_selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cms/admin/listing_queue.html",
        {
            "page_title": _("Listings awaiting review"),
            "header_icon": "list-ul",
            "page": page,
            "work_url": reverse("listings:review_queue"),
        },
    )


@forbidden_as_403
@require_safe
def organisation_queue(request: HttpRequest) -> HttpResponse:
    """Organisations awaiting verification, oldest first."""
    if not permissions.can_verify_organisations(request.user):
        raise PermissionDenied
    queue = account_selectors.organisations_awaiting_verification()
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cms/admin/organisation_queue.html",
        {
            "page_title": _("Organisations awaiting verification"),
            "header_icon": "group",
            "page": page,
            "work_url": reverse("accounts:verification_queue"),
            "change_count": account_selectors.organisation_changes_awaiting_decision().count(),
        },
    )
