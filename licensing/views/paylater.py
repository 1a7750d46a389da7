"""Pages of use first, pay later: the listing's offer and the application from it, the licensor's decision, the
agreement with its timeline and the actions open to this user now, royalty reports, and the fund staff's claims.

Agreements, reports and claims are their parties' and the staff's business: to anyone else they are a 404.
Refusals of the services are shown as form errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from listings.models import Listing

from .. import permissions
from ..choices import AGREEMENT_TRANSITIONS, Actor, AgreementState, ClaimStatus, ConversionTrigger, ReportStatus
from ..exceptions import LicensingError
from ..forms_paylater import ApplyForm, ClaimDecisionForm, FirstRevenueForm, OfferForm, ReasonForm, ReportForm
from ..models import Agreement, Claim, PayLaterOffer, RoyaltyReport
from ..services import claims as claim_services
from ..services import paylater as services
from ..services import reports as report_services
from .checkout import card_context


def _payment_url(payment) -> str:
    """The payment's page (another part of licensing provides it); no link until it exists."""
    if payment is None:
        return ""
    try:
        return reverse("licensing:payment_detail", args=[payment.reference])
    except NoReverseMatch:
        return ""


# --- the listing page's part and the offer ------------------------------------------------------------------------


def listing_part(request: HttpRequest, listing: Listing) -> str:
    """On the listing page under its terms: the pay-later offer and its apply button; to the owner, the link to
    set the terms. Nothing when the listing does not offer pay-later terms."""
    # One query whatever the listing offers, so that the listing page's query count does not vary with its terms.
    offer = PayLaterOffer.objects.filter(listing=listing).select_related("fund").first()
    if not services.offers_pay_later(listing):
        return ""
    can_manage = services.can_manage_offer(request.user, listing)
    if offer is None and not can_manage:
        return ""
    return render_to_string(
        "licensing/paylater/listing_part.html",
        {"listing": listing, "offer": offer, "can_manage": can_manage, "open": bool(offer and offer.is_active)},
        request=request,
    )


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk)
    if not services.can_manage_offer(request.user, listing):
        raise Http404
    offer = PayLaterOffer.objects.filter(listing=listing).first()
    form = OfferForm(
        request.POST if request.method == "POST" else None, instance=offer or PayLaterOffer(listing=listing)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.offer_save(actor=request.user, listing=listing, **form.terms())
            except LicensingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The pay-later terms have been saved."))
                return redirect(listing.get_absolute_url())
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "licensing/paylater/offer_edit.html",
        {"listing": listing, "form": form, "offers_pay_later": services.offers_pay_later(listing)},
        status=400 if form.errors else 200,
    )


# --- applying -----------------------------------------------------------------------------------------------------


@login_required
def agreement_apply(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk)
    offer = PayLaterOffer.objects.filter(listing=listing, is_active=True).select_related("fund").first()
    if offer is None or not listing.is_public:
        raise Http404
    organisations = permissions.enterprise_organisations(request.user)
    form = ApplyForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_apply(
                actor=request.user,
                offer=offer,
                licensee=form.cleaned_data["licensee"],
                note=form.cleaned_data["note"],
                on=timezone.localdate(),
            )
        except LicensingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your application has been sent to the licensor."))
            return redirect(services.agreement_url(agreement))
    refusals = [(firm, services.eligibility_refusal(offer, firm)) for firm in organisations]
    # Without a verified enterprise the page says who may apply.
    status = 403 if not organisations.exists() else 400 if form.errors else 200
    return render(
        request,
        "licensing/paylater/apply.html",
        {"listing": listing, "offer": offer, "form": form, "refusals": [r for r in refusals if r[1]]},
        status=status,
    )


# --- the agreement ------------------------------------------------------------------------------------------------


def _agreement(request: HttpRequest, reference: str) -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.select_related("listing", "licensor", "licensee", "fund", "offer"), reference=reference
    )
    if not services.can_view_agreement(request.user, agreement):
        raise Http404
    return agreement


@login_required
@require_safe
def agreement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, _agreement(request, reference))


def _detail(request: HttpRequest, agreement: Agreement, *, error: str = "") -> HttpResponse:
    """The agreement's page; with ``error``, the refusal of the action just asked for (a 400)."""
    instalments = list(agreement.instalment_rows.select_related("payment"))
    for instalment in instalments:
        instalment.payment_url = _payment_url(instalment.payment)
    roles = services.roles(request.user, agreement)
    actions = {t.name for t in services.available_actions(request.user, agreement)}
    return render(
        request,
        "licensing/paylater/agreement_detail.html",
        {
            "agreement": agreement,
            "events": [
                (
                    event,
                    AGREEMENT_TRANSITIONS[event.transition].label if event.transition in AGREEMENT_TRANSITIONS else "",
                )
                for event in agreement.events.select_related("actor")
            ],
            "instalments": instalments,
            "reports": agreement.reports.all(),
            "claim": Claim.objects.filter(agreement=agreement).first(),
            "is_licensor": Actor.LICENSOR in roles,
            "is_licensee": Actor.LICENSEE in roles,
            **card_context(request, agreement),
            "can_decide": bool({"approve", "decline"} & actions),
            "can_convert": "convert" in actions,
            "can_exit": "exit" in actions,
            "can_report_revenue": "start_paying" in actions and agreement.trigger == ConversionTrigger.FIRST_REVENUE,
            "revenue_form": FirstRevenueForm(initial={"on": timezone.localdate()}),
            "unpaid": services.amount_unpaid(agreement),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def agreement_decide(request: HttpRequest, reference: str) -> HttpResponse:
    """The licensor's decision on an application, with the firm's credit records (defaults on earlier agreements)."""
    agreement = _agreement(request, reference)
    if Actor.LICENSOR not in services.roles(request.user, agreement):
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            if approve:
                services.agreement_approve(actor=request.user, agreement=agreement, on=timezone.localdate())
            elif form.is_valid():
                services.agreement_decline(
                    actor=request.user, agreement=agreement, reason=form.cleaned_data["reason"], on=timezone.localdate()
                )
            else:
                raise LicensingError(_("Give a reason: the other side reads it."))
        except LicensingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The firm has been told of your decision."))
            return redirect(services.agreement_url(agreement))
    return render(
        request,
        "licensing/paylater/agreement_decide.html",
        {
            "agreement": agreement,
            "form": form,
            "credit_records": services.credit_records(agreement.licensee),
            "open": agreement.state == AgreementState.APPLIED,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agreement_action(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    """The firm's moves: convert, exit, report its first revenue."""
    agreement = _agreement(request, reference)
    today = timezone.localdate()
    try:
        if name == "convert":
            services.agreement_convert(actor=request.user, agreement=agreement, on=today)
        elif name == "exit":
            services.agreement_exit(actor=request.user, agreement=agreement, on=today)
        elif name == "first_revenue":
            form = FirstRevenueForm(request.POST)
            if not form.is_valid():
                raise LicensingError(_("Give the date of the first revenue."))
            services.agreement_report_first_revenue(actor=request.user, agreement=agreement, on=form.cleaned_data["on"])
        else:
            raise Http404
    except LicensingError as error:
        return _detail(request, Agreement.objects.get(pk=agreement.pk), error=str(error))
    messages.success(request, _("Done: the other side has been told."))
    return redirect(services.agreement_url(agreement))


# --- royalty reports ----------------------------------------------------------------------------------------------


def _report(request: HttpRequest, pk: int) -> RoyaltyReport:
    report = get_object_or_404(
        RoyaltyReport.objects.select_related(
            "licence__licensor", "licence__licensee", "agreement__licensor", "agreement__licensee"
        ),
        pk=pk,
    )
    owner = report.licence or report.agreement
    if not permissions.can_view(request.user, owner):
        raise Http404
    return report


def _owner_url(report: RoyaltyReport) -> str:
    if report.agreement_id:
        return services.agreement_url(report.agreement)
    try:
        return reverse("licensing:licence_detail", args=[report.licence.reference])
    except NoReverseMatch:
        return ""


@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the figure, then the royalty worked out from it, to confirm."""
    report = _report(request, pk)
    if not report_services.can_submit(request.user, report):
        raise PermissionDenied
    form = ReportForm(request.POST if request.method == "POST" else None)
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            base_amount = form.cleaned_data["base_amount"]
            if "confirm" in request.POST:
                try:
                    report_services.report_submit(actor=request.user, report=report, base_amount=base_amount)
                except LicensingError as error:
                    form.add_error(None, str(error))
                    status = 400
                else:
                    messages.success(request, _("Your report has been sent to the licensor."))
                    return redirect(_owner_url(report) or reverse("licensing:report_submit", args=[report.pk]))
            else:
                preview = report_services.report_royalty(report, base_amount)
        else:
            status = 400
    return render(
        request,
        "licensing/paylater/report_submit.html",
        {
            "report": report,
            "form": form,
            "preview": preview,
            "open": report.status in (ReportStatus.DUE, ReportStatus.DISPUTED),
            "owner_url": _owner_url(report),
        },
        status=status,
    )


@login_required
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not report_services.can_decide(request.user, report):
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "accept":
                report_services.report_accept(actor=request.user, report=report, on=timezone.localdate())
            elif form.is_valid():
                report_services.report_dispute(actor=request.user, report=report, reason=form.cleaned_data["reason"])
            else:
                raise LicensingError(_("Say what is disputed: the licensee reads it and corrects the report."))
        except LicensingError as error:
            form.add_error(None, str(error))
            status = 400
        else:
            messages.success(request, _("The licensee has been told of your answer."))
            return redirect(_owner_url(report) or reverse("licensing:report_decide", args=[report.pk]))
    return render(
        request,
        "licensing/paylater/report_decide.html",
        {
            "report": report,
            "form": form,
            "open": report.status == ReportStatus.SUBMITTED,
            "owner_url": _owner_url(report),
        },
        status=status,
    )


# --- claims on the fund -------------------------------------------------------------------------------------------


@login_required
@require_safe
def claim_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_fund(request.user):
        raise Http404
    claims = Claim.objects.select_related("agreement__licensor", "agreement__licensee", "fund")
    status = request.GET.get("status", ClaimStatus.OPEN)
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    return render(
        request,
        "licensing/paylater/claim_list.html",
        {"claims": claims, "status": status, "statuses": ClaimStatus.choices},
    )


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("agreement__licensor", "agreement__licensee", "agreement__listing", "fund"), pk=pk
    )
    can_decide = permissions.can_manage_fund(request.user)
    if not can_decide and not permissions.is_party(request.user, claim.agreement):
        raise Http404
    form = ClaimDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                claim_services.claim_decide(
                    actor=request.user,
                    claim=claim,
                    approve=form.cleaned_data["decision"] == ClaimDecisionForm.APPROVE,
                    reason=form.cleaned_data["reason"],
                    on=timezone.localdate(),
                )
            except LicensingError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("The claim has been decided and the licensor told."))
                return redirect("licensing:claim_detail", pk=claim.pk)
        else:
            status = 400
    return render(
        request,
        "licensing/paylater/claim_detail.html",
        {
            "claim": claim,
            "agreement": claim.agreement,
            "form": form,
            "can_decide": can_decide and claim.status == ClaimStatus.OPEN,
            "unpaid_instalments": claim.agreement.instalment_rows.exclude(status__in=("paid", "waived")),
        },
        status=status,
    )
