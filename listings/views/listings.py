"""Listing pages: the public list and page, the owner's forms, files and workflow, the moderators' queue.

A listing that is not public is a 404 for anyone who may not see it, so its
existence does not leak; a visible listing the user may not change is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techmarket import downloads, pagecache, slots
from techmarket.accounts.models import Organisation
from techmarket.forms import add_model_errors

from .. import hooks, permissions
from ..choices import TRANSITIONS
from ..exceptions import ListingError
from ..forms import AttachmentForm, BrokerForm, ImageForm, ListingFilterForm, ListingForm, ReasonForm
from ..models import Listing, ListingAttachment, ListingImage
from ..selectors import inquiries as inquiry_selectors
from ..selectors import listings as selectors
from ..services import listings as services
from ..validators import co_owners
from .filters import read_filters

PAGE_SIZE = 12


def _visible_listing(request: HttpRequest, pk: int) -> Listing:
    listing = selectors.listing_for_page(pk=pk, user=request.user)
    if listing is None:
        raise Http404
    return listing


# The page is kept per filter and page; any other parameter (utm_source, junk) neither makes a new page nor shows.
@pagecache.cached_for_visitors(params=(*ListingFilterForm.base_fields, "page"))
def listing_list(request: HttpRequest) -> HttpResponse:
    form, cleaned = read_filters(request, ListingFilterForm)
    filters = selectors.ListingFilters(**cleaned)
    page = Paginator(selectors.public_listings(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "listings/listing_list.html",
        {"form": form, "page": page, "filters": filters, "query": query.urlencode()},
    )


# ``tab`` is read only for those who may see the history, never a visitor: the visitors' page reads no parameter.
@pagecache.cached_for_visitors(params=())
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    user = request.user
    can_history = permissions.can_view_history(user, listing)
    can_inquire = permissions.can_send_inquiry(user, listing) or not user.is_authenticated
    return render(
        request,
        "listings/listing_detail.html",
        {
            "listing": listing,
            "related": hooks.similar_listings(listing) if listing.is_public else [],
            "can_edit": permissions.can_edit_listing(user, listing),
            "can_inquire": can_inquire,
            "ongoing_inquiry": inquiry_selectors.ongoing_inquiry(user, listing) if can_inquire else None,
            "can_assign_broker": permissions.can_assign_broker(user, listing),
            "transitions": permissions.available_transitions(user, listing),
            "can_history": can_history,
            "tab": "history" if can_history and request.GET.get("tab") == "history" else "overview",
            "history": selectors.listing_history(listing)[:100] if can_history else None,
            "reason_form": ReasonForm(),
            # What licensing offers on the listing's terms (its parts render nothing to whom they do not concern).
            "deals": slots.render(slots.LISTING_DEALS, request, listing),
            "co_owners": (
                co_owners(organisation=listing.organisation, patents=list(listing.patents.all()))
                if listing.co_owner_consent
                else []
            ),
        },
    )


def _organisation_for_new_listing(request: HttpRequest) -> Organisation:
    organisations = list(permissions.supplier_organisations(request.user))
    wanted = request.GET.get("org") or request.POST.get("org")
    if wanted:
        for organisation in organisations:
            if str(organisation.pk) == wanted:
                return organisation
        raise PermissionDenied
    if not organisations:
        raise PermissionDenied
    return organisations[0]


@login_required
def listing_create(request: HttpRequest) -> HttpResponse:
    organisations = list(permissions.supplier_organisations(request.user))
    if not organisations:
        messages.error(
            request,
            _("Only members of a verified university or research institute can list technologies."),
        )
        return redirect("accounts:dashboard")
    organisation = _organisation_for_new_listing(request)
    form = ListingForm(request.POST or None, organisation=organisation, instance=Listing(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                actor=request.user,
                organisation=organisation,
                terms=form.terms(),
                patents=form.cleaned_data["patent_numbers"],
                **form.listing_fields(),
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Add images and files, then submit it for review."))
            return redirect("listings:listing_files", pk=listing.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "listings/listing_form.html",
        {"form": form, "organisation": organisation, "organisations": organisations, "listing": None},
    )


@login_required
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    if not permissions.can_edit_listing(request.user, listing):
        raise PermissionDenied
    form = ListingForm(request.POST or None, organisation=listing.organisation, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update(
                actor=request.user,
                listing=listing,
                terms=form.terms(),
                patents=form.cleaned_data["patent_numbers"],
                **form.listing_fields(),
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(listing)
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "listings/listing_form.html",
        {"form": form, "organisation": listing.organisation, "listing": listing},
    )


@login_required
def listing_files(request: HttpRequest, pk: int) -> HttpResponse:
    """Images and PDF files of a listing: upload one at a time, remove any."""
    listing = _visible_listing(request, pk)
    if not permissions.can_edit_listing(request.user, listing):
        raise PermissionDenied
    image_form = ImageForm(prefix="image")
    file_form = AttachmentForm(prefix="file")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "image":
            image_form = ImageForm(request.POST, request.FILES, prefix="image")
            form, call = (
                image_form,
                lambda d: services.listing_image_add(
                    actor=request.user, listing=listing, image=d["image"], caption=d["caption"]
                ),
            )
            done = _("Image added.")
        elif kind == "file":
            file_form = AttachmentForm(request.POST, request.FILES, prefix="file")
            form, call = (
                file_form,
                lambda d: services.listing_attachment_add(
                    actor=request.user, listing=listing, file=d["file"], title=d["title"]
                ),
            )
            done = _("File attached.")
        else:
            return HttpResponse(status=400)
        if form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("listings:listing_files", pk=listing.pk)
        status = 400
        messages.error(request, _("The upload was refused; see the message below."))
    listing = _visible_listing(request, pk)  # fresh images after an upload attempt
    return render(
        request,
        "listings/listing_files.html",
        {"listing": listing, "image_form": image_form, "file_form": file_form},
        status=status,
    )


@login_required
@require_POST
def image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    image = get_object_or_404(ListingImage, pk=image_pk, listing=listing)
    if not permissions.can_edit_listing(request.user, listing):
        raise PermissionDenied
    services.listing_image_delete(actor=request.user, image=image)
    messages.success(request, _("Image removed."))
    return redirect("listings:listing_files", pk=listing.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    attachment = get_object_or_404(ListingAttachment, pk=attachment_pk, listing=listing)
    if not permissions.can_edit_listing(request.user, listing):
        raise PermissionDenied
    services.listing_attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("File removed."))
    return redirect("listings:listing_files", pk=listing.pk)


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A PDF of a listing, for whoever may see the listing (a 404 for anyone else): saved, never shown as a page."""
    attachment = selectors.attachment_for_download(listing_pk=pk, pk=attachment_pk, user=request.user)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return downloads.file_download(handle, filename=attachment.download_name, content_type="application/pdf")


# The message shown after each transition.
_DONE = {
    "submit": _("Submitted. The moderators will review the listing; you will get an e-mail when they have."),
    "approve": _("Published. The owner has been told by e-mail."),
    "reject": _("Sent back to the owner with your reason."),
    "suspend": _("Suspended. The owner has been told by e-mail."),
    "reinstate": _("Reinstated and published again."),
    "withdraw": _("Withdrawn from the market."),
    "reopen": _("Reopened as a draft."),
    "close": _("Marked as transferred."),
}


@login_required
@require_POST
def listing_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    listing = _visible_listing(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    if not permissions.is_transition_actor(request.user, listing, name):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.listing_transition(actor=request.user, listing=listing, name=name, reason=reason)
    except ListingError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(_DONE[name]))
        if name in ("approve", "reject") and request.POST.get("next") == "queue":
            return redirect("listings:review_queue")
    return redirect(listing)


@login_required
@require_POST
def listing_broker(request: HttpRequest, pk: int) -> HttpResponse:
    listing = _visible_listing(request, pk)
    if not permissions.can_assign_broker(request.user, listing):
        raise PermissionDenied
    form = BrokerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a technology-transfer manager from the list."))
        return redirect(listing)
    try:
        services.listing_assign_broker(actor=request.user, listing=listing, broker=form.cleaned_data["broker"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The technology-transfer manager has been updated."))
    return redirect(listing)


@login_required
def my_listings(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.listings_of_user(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "listings/my_listings.html",
        {"page": page, "can_create": permissions.supplier_organisations(request.user).exists()},
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.is_moderator(request.user):
        raise PermissionDenied
    page = Paginator(selectors.review_queue(), 20).get_page(request.GET.get("page"))
    return render(request, "listings/review_queue.html", {"page": page, "reason_form": ReasonForm()})


urlpatterns = [
    path("listings/", listing_list, name="listing_list"),
    path("listings/new/", listing_create, name="listing_create"),
    path("listings/mine/", my_listings, name="my_listings"),
    path("listings/review/", review_queue, name="review_queue"),
    path("listings/<int:pk>/", listing_detail, name="listing_detail"),
    path("listings/<int:pk>/edit/", listing_edit, name="listing_edit"),
    path("listings/<int:pk>/files/", listing_files, name="listing_files"),
    path("listings/<int:pk>/images/<int:image_pk>/delete/", image_delete, name="image_delete"),
    path("listings/<int:pk>/files/<int:attachment_pk>/", attachment_download, name="attachment_download"),
    path("listings/<int:pk>/files/<int:attachment_pk>/delete/", attachment_delete, name="attachment_delete"),
    path("listings/<int:pk>/broker/", listing_broker, name="listing_broker"),
    path("listings/<int:pk>/actions/<slug:name>/", listing_transition, name="listing_transition"),
]
