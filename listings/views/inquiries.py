"""Inquiry pages: the form on a listing, the inbox (received and sent), a thread with its reply form, closing.

A listing the user may not see is a 404, as on the listing pages; a listing they
see but may not inquire about (their own side's, or one no longer on offer) is a
403. A thread is a 404 for anyone who is not one of its parties.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techmarket.forms import add_model_errors
from techmarket.ratelimit import ratelimit_hit

from .. import permissions
from ..choices import InquiryStatus
from ..exceptions import ListingError, RateLimited
from ..forms_inquiries import InboxFilterForm, InquiryForm, ReplyForm
from ..models import Inquiry
from ..selectors import inquiries as selectors
from ..services import inquiries as services
from .filters import read_filters

PAGE_SIZE = 20


def _thread(request: HttpRequest, pk: int) -> Inquiry:
    inquiry = selectors.inquiry_thread(pk=pk, user=request.user)
    if inquiry is None:
        raise Http404
    return inquiry


@login_required
def inquiry_create(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.listing_to_inquire(pk=pk, user=request.user)
    if listing is None:
        raise Http404
    if not permissions.can_send_inquiry(request.user, listing):
        raise PermissionDenied
    ongoing = selectors.ongoing_inquiry(request.user, listing)
    if ongoing is not None:
        messages.info(
            request, _("You already have an open inquiry about this listing; continue the conversation here.")
        )
        return redirect(ongoing)
    form = InquiryForm(request.POST or None)
    status = 200
    retry_after = None
    if request.method == "POST":
        if form.is_valid():
            # Per address (the service keeps INQUIRY_DAILY_LIMIT per person); a refusal is the site's 429 page.
            ratelimit_hit(request=request, scope="inquiry", account=str(request.user.pk))
            try:
                inquiry = services.inquiry_create(actor=request.user, listing=listing, **form.cleaned_data)
            except RateLimited as error:
                messages.error(request, str(error))
                status = 429
                retry_after = error.retry_after
            except ListingError as error:
                messages.error(request, str(error))
                status = 400
            except ValidationError as error:
                add_model_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("Your inquiry has been sent to %(owner)s. You will get an e-mail when they answer.")
                    % {"owner": listing.organisation.display_name},
                )
                return redirect(inquiry)
        else:
            status = 400
        if status == 400:
            messages.error(request, _("Please correct the errors below."))
    response = render(request, "listings/inquiry_form.html", {"form": form, "listing": listing}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, retry_after))
    return response


@login_required
def inquiry_inbox(request: HttpRequest) -> HttpResponse:
    """Inquiries about the user's listings (received) and those they sent, with a status filter."""
    user = request.user
    form, cleaned = read_filters(request, InboxFilterForm)
    box, status = cleaned.get("box", ""), cleaned.get("status", "")
    if not box:
        box = "received" if selectors.has_listings_to_answer_for(user) else "sent"
    if box == "received":
        inquiries = selectors.received_inquiries(user, status=status)
    else:
        inquiries = selectors.sent_inquiries(user, status=status)
    page = Paginator(inquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["box"] = box
    return render(
        request,
        "listings/inquiry_inbox.html",
        {
            "form": form,
            "box": box,
            "status": status,
            "status_label": InquiryStatus(status).label if status else "",
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread and, while it is not closed, the reply form (posted here)."""
    inquiry = _thread(request, pk)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.inquiry_reply(actor=request.user, inquiry=inquiry, body=form.cleaned_data["body"])
            except ListingError as error:
                messages.error(request, str(error))
                return redirect(inquiry)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, _("Reply sent. The other side has been told by e-mail."))
                return redirect(inquiry)
        status = 400
        messages.error(request, _("Please correct the errors below."))
    user = request.user
    return render(
        request,
        "listings/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "listing": inquiry.listing,
            "form": form,
            "is_sender": inquiry.sender_id == user.pk,
            "is_open": inquiry.status != InquiryStatus.CLOSED,
            "can_view_listing": permissions.can_view_listing(user, inquiry.listing),
        },
        status=status,
    )


@login_required
@require_POST
def inquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _thread(request, pk)
    try:
        services.inquiry_close(actor=request.user, inquiry=inquiry)
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The inquiry is closed. It stays in the inbox, but takes no more replies."))
    return redirect(inquiry)


urlpatterns = [
    path("listings/<int:pk>/inquire/", inquiry_create, name="inquiry_create"),
    path("inquiries/", inquiry_inbox, name="inquiry_inbox"),
    path("inquiries/<int:pk>/", inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/close/", inquiry_close, name="inquiry_close"),
]
