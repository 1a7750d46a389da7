"""Obtaining an open licence online: the button on a listing's page, the page that shows the published terms and
the notice to confirm, the licence's page and its notice as HTML and PDF.

The listing page belongs to the market (``listings``), which does not import licensing: the button is a part of
its ``LISTING_ACTIONS`` slot, registered by ``LicensingConfig.ready()``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from listings.models import Listing
from techmarket import downloads
from techmarket.exceptions import Refused

from .. import permissions
from ..choices import DeclarationStatus
from ..forms_obtain import ObtainForm
from ..models import Declaration, OpenLicence
from ..notices import notice_context, notice_html
from ..services import licences as services


def offered_declarations(listing: Listing):
    """The declarations in force that cover a patent of the listing: the open licences it offers."""
    return (
        Declaration.objects.filter(
            status=DeclarationStatus.IN_FORCE,
            declared_patents__patent__in=listing.patents.all(),
            declared_patents__withdrawal_entry__isnull=True,
        )
        .select_related("licensor")
        .distinct()
        .order_by("pk")
    )


def listing_obtain_button(request: HttpRequest, listing: Listing) -> str:
    """The "obtain licence" button of each open licence in force the published listing offers; nothing to its owner's
    members."""
    if not listing.is_public or permissions.is_member(request.user, listing.organisation):
        return ""
    declarations = list(offered_declarations(listing))
    if not declarations:
        return ""
    context = {"listing": listing, "declarations": declarations}
    return render_to_string("licensing/obtain/listing_button.html", context, request=request)


def _listing(request: HttpRequest, declaration: Declaration) -> Listing | None:
    """The listing the request came from (``?listing=``), if it is public and offers this declaration's patents."""
    wanted = request.POST.get("listing") or request.GET.get("listing")
    if not wanted:
        return None
    if not str(wanted).isdigit():
        raise Http404
    listing = Listing.objects.public().filter(pk=int(wanted)).first()
    if listing is None or not offered_declarations(listing).filter(pk=declaration.pk).exists():
        raise Http404
    return listing


def payment_url(payment) -> str:
    """The payment's page (the payments part's ``licensing:payment_detail``)."""
    return reverse("licensing:payment_detail", args=[payment.reference])


@login_required
def obtain(request: HttpRequest, pk: int) -> HttpResponse:
    """The published terms and the written notice; confirming it obtains the licence (no negotiation)."""
    declaration = get_object_or_404(Declaration.objects.select_related("licensor"), pk=pk)
    if declaration.status not in (DeclarationStatus.IN_FORCE, DeclarationStatus.WITHDRAWN):
        raise Http404  # a declaration awaiting consent or refused was never published
    listing = _listing(request, declaration)
    today = timezone.localdate()
    patents = list(services.declared_patents(declaration))
    form = ObtainForm(request.POST if request.method == "POST" else None, user=request.user)
    refusal = ""
    status = 200
    try:
        services.require_acceptable(declaration, today)
    except Refused as error:
        refusal = str(error)
    if not form.fields["licensee"].queryset.exists():
        refusal = refusal or _(
            "Only an active member of a verified enterprise can obtain an open licence. Register your enterprise, "
            "or ask its administrator to add you, and wait for the platform to verify it."
        )
        status = 403
    if request.method == "POST" and not refusal:
        if form.is_valid():
            try:
                licence = services.licence_obtain(
                    actor=request.user,
                    declaration=declaration,
                    licensee=form.cleaned_data["licensee"],
                    listing=listing,
                    on=today,
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                if licence.payment_id is None:
                    messages.success(
                        request,
                        _("Licence %(reference)s is in force from today; the patentee has the notice.")
                        % {"reference": licence.reference},
                    )
                    return redirect("licensing:licence_detail", licence.reference)
                messages.success(
                    request,
                    _(
                        "Licence %(reference)s awaits payment of ¥%(amount)s: it takes effect when the payment is "
                        "confirmed."
                    )
                    % {"reference": licence.reference, "amount": f"{licence.payment.amount:,.2f}"},
                )
                try:
                    return redirect(payment_url(licence.payment))
                except NoReverseMatch:  # the payment pages are another part's; until they exist, the licence's page
                    return redirect("licensing:licence_detail", licence.reference)
        status = 400
    elif request.method == "POST":
        status = 400 if status == 200 else status
    chosen = getattr(form, "cleaned_data", {}).get("licensee")
    licensee = chosen or form.fields["licensee"].queryset.first()
    notice = (
        notice_html(
            notice_context(
                declaration=declaration,
                licensee=licensee,
                patents=patents,
                term_start=today,
                term_end=declaration.period_end,
            )
        )
        if licensee is not None
        else ""
    )
    context = {
        "declaration": declaration,
        "listing": listing,
        "patents": patents,
        "form": form,
        "refusal": refusal,
        "notice": _notice_body(notice),
        "today": today,
    }
    return render(request, "licensing/obtain/obtain.html", context, status=status)


def _notice_body(html: str) -> str:
    """The notice's article, to show inside the page (the stored notice is a whole HTML document)."""
    start, end = html.find("<article"), html.rfind("</article>")
    return html[start : end + len("</article>")] if start >= 0 and end >= 0 else ""


def _visible_licence(request: HttpRequest, reference: str) -> OpenLicence:
    licence = get_object_or_404(
        OpenLicence.objects.select_related("licensor", "licensee", "declaration", "payment", "listing", "notice"),
        reference=reference,
    )
    if not permissions.can_view(request.user, licence):
        raise Http404
    return licence


@login_required
@require_safe
def licence_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A licence's terms, parties, patents, state, payment, registry entries and notice: its parties and finance."""
    licence = _visible_licence(request, reference)
    payment_link = ""
    if licence.payment_id:
        try:
            payment_link = payment_url(licence.payment)
        except NoReverseMatch:
            payment_link = ""
    context = {
        "licence": licence,
        "patents": licence.patents.order_by("application_number"),
        "entries": licence.registry_entries.select_related("patent").order_by("sequence"),
        "notice": getattr(licence, "notice", None),
        "payment_link": payment_link,
    }
    return render(request, "licensing/obtain/licence_detail.html", context)


@login_required
@require_safe
def notice_download(request: HttpRequest, reference: str, extension: str) -> HttpResponse:
    """The notice as it was confirmed, as a file: the HTML or the PDF, byte for byte what its SHA-256 covers."""
    licence = _visible_licence(request, reference)
    notice = getattr(licence, "notice", None)
    if notice is None:
        raise Http404
    filename = f"{licence.reference}-notice.{extension}"
    if extension == "html":
        response = HttpResponse(notice.html.encode("utf-8"), content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return downloads.sandboxed(response)
    try:
        handle = notice.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return downloads.file_download(handle, filename=filename, content_type="application/pdf")
