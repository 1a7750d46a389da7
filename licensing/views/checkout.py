"""Paying on the site: the payer chooses bank transfer (the domestic default) or Stripe (card, Alipay, WeChat Pay)
on the payment's page, pays there through Stripe.js, and comes back to a page that shows what the gateway says of
the payment, refreshing itself while the bank or wallet is still answering.

Only the payer's members choose and pay (others who may see the payment get a 403); a payment its viewer may not
see is a 404, as on the payment's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST, require_safe

from techmarket.exceptions import Refused

from .. import permissions
from ..choices import Gateway, PaymentPurpose, PaymentState
from ..models import Agreement, Payment, SavedPaymentMethod
from ..payments import checkout, saved_methods, selectors, stripe_gateway
from ..payments.base import GatewayError
from ..payments.services import gateways_offered
from ..services import paylater

# How the payment page names each of Stripe's methods.
METHOD_LABELS = {
    "card": gettext_lazy("Bank card"),
    "alipay": gettext_lazy("Alipay"),
    "wechat_pay": gettext_lazy("WeChat Pay"),
}
# Seconds between the return page's refreshes while the payment is being confirmed.
REFRESH_SECONDS = 3


def _payment(request: HttpRequest, reference: str) -> Payment:
    payment = selectors.payment_for_user(request.user, reference)
    if payment is None:
        raise Http404
    return payment


def with_stripe_js(response: HttpResponse) -> HttpResponse:
    """Let this response's page load Stripe.js and talk to Stripe (its own Content-Security-Policy only)."""
    response._csp_update = stripe_gateway.browser_sources()
    return response


def purpose_link(payment: Payment) -> tuple[str, str]:
    """What the payment is for, as a link and its text: the open licence, or the pay-later agreement."""
    if payment.purpose == PaymentPurpose.OPEN_LICENCE_FEE:
        licence = getattr(payment, "open_licence", None)
        if licence is not None:
            return reverse("licensing:licence_detail", args=[licence.reference]), _("Licence %(reference)s") % {
                "reference": licence.reference
            }
    if payment.purpose == PaymentPurpose.INSTALMENT:
        instalment = getattr(payment, "instalment", None)
        if instalment is not None:
            reference = instalment.agreement.reference
            return reverse("licensing:agreement_detail", args=[reference]), _("Agreement %(reference)s") % {
                "reference": reference
            }
    return "", ""


def checkout_context(request: HttpRequest, payment: Payment) -> dict:
    """The payment page's part for its payer: the methods offered and, when paying through Stripe, Stripe.js's
    settings. Empty for anyone else, and once the payment is no longer pending."""
    if payment.state != PaymentState.PENDING or not permissions.is_member(request.user, payment.payer):
        return {"can_pay": False}
    offered = gateways_offered()
    stripe_on = Gateway.STRIPE in offered
    context = {
        "can_pay": True,
        "stripe_offered": stripe_on,
        "gateway_choices": [
            (
                gateway,
                Gateway(gateway).label
                if gateway == Gateway.BANK_TRANSFER
                else pgettext("list separator", ", ").join(str(METHOD_LABELS[m]) for m in stripe_gateway.methods()),
            )
            for gateway in offered
        ],
        "stripe_checkout": None,
    }
    if stripe_on and payment.gateway == Gateway.STRIPE and payment.gateway_reference:
        try:
            intent = stripe_gateway.StripeGateway().checkout_intent(payment)
        except GatewayError:
            context["stripe_unreachable"] = True
            return context
        context["stripe_checkout"] = {
            "js_url": stripe_gateway.js_url(),
            "publishable_key": stripe_gateway.publishable_key(),
            "client_secret": intent.client_secret,
            # A saved card charged off-session whose bank wants the payer: they confirm it rather than pay anew.
            "authenticate": intent.status == "requires_action",
            "methods": [(method, METHOD_LABELS[method]) for method in stripe_gateway.methods()],
            "return_url": request.build_absolute_uri(reverse("licensing:payment_return", args=[payment.reference])),
            # The tests' local Stripe-compatible server serves a Stripe.js stand-in without the Payment Element:
            # the page then uses its card element and confirms on the server (``payment_card_confirm``).
            "card_element": stripe_gateway.local_server(),
            "confirm_url": reverse("licensing:payment_card_confirm", args=[payment.reference]),
            "messages": {
                "paying": _("Paying…"),
                "failed": _(
                    "The payment did not go through. Check the details and try again, or pay by bank transfer."
                ),
                "unavailable": _("This method cannot be used here just now: choose another, or pay by bank transfer."),
            },
        }
    return context


@login_required
@require_POST
def payment_method_choose(request: HttpRequest, reference: str) -> HttpResponse:
    """The payer chooses how to pay: bank transfer or Stripe; back to the payment's page, where it is paid."""
    payment = _payment(request, reference)
    checkout.require_payer(request.user, payment)
    gateway = request.POST.get("gateway", "")
    if gateway not in gateways_offered():
        messages.error(request, _("Choose one of the payment methods offered."))
        return redirect(payment.get_absolute_url())
    try:
        payment = checkout.payment_use_gateway(actor=request.user, payment=payment, gateway=gateway)
    except Refused as error:
        messages.error(request, str(error))
    else:
        if payment.gateway == Gateway.STRIPE:
            messages.success(request, _("Pay below by bank card, Alipay or WeChat Pay."))
        else:
            messages.success(
                request,
                _("Pay by bank transfer, quoting the reference %(reference)s.") % {"reference": payment.reference},
            )
    return redirect(payment.get_absolute_url() + "#how-to-pay")


@login_required
@require_POST
def payment_card_confirm(request: HttpRequest, reference: str) -> JsonResponse:
    """Confirm a card on the server, for the page's card element (only with a local Stripe-compatible server,
    whose Stripe.js stand-in cannot confirm a new card itself; with Stripe, the Payment Element confirms)."""
    if not stripe_gateway.local_server():
        raise Http404
    payment = _payment(request, reference)
    checkout.require_payer(request.user, payment)
    try:
        status = checkout.payment_confirm_card(
            actor=request.user, payment=payment, payment_method=request.POST.get("payment_method", "")
        )
    except Refused as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"state": status.state, "status": status.raw.get("status", "")})


@login_required
@require_safe
def payment_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where Stripe sends the payer back: the payment's state as the gateway reports it now (the address's query
    string is never read), refreshing itself every few seconds while the payment is being confirmed."""
    payment = _payment(request, reference)
    refreshed = checkout.payment_refresh(payment=payment)
    payment = refreshed.payment
    link, link_text = purpose_link(payment)
    context = {
        "payment": payment,
        "waiting": refreshed.waiting,
        "refresh_seconds": REFRESH_SECONDS,
        "reason": (refreshed.status.reason if refreshed.status else "") or payment.failure_reason,
        "purpose_url": link,
        "purpose_text": link_text,
    }
    return render(request, "licensing/checkout/payment_return.html", context)


# Cards saved for pay-later instalments -------------------------------------------------------------------------


def card_context(request: HttpRequest, agreement: Agreement) -> dict:
    """The agreement page's part on the card its instalments are charged to: for the licensee's members."""
    if not permissions.is_member(request.user, agreement.licensee):
        return {}
    return {
        "saved_method": saved_methods.saved_method_for(agreement.licensee, agreement),
        "can_save_method": saved_methods.can_save_method(request.user, agreement),
    }


def _saved_method(request: HttpRequest, pk: int) -> SavedPaymentMethod:
    method = SavedPaymentMethod.objects.select_related("organisation", "agreement").filter(pk=pk).first()
    if method is None or not permissions.is_member(request.user, method.organisation):
        raise Http404
    return method


@login_required
@require_POST
def saved_method_start(request: HttpRequest, agreement: str) -> HttpResponse:
    """The firm starts saving a card for the agreement's instalments: on to the page where it enters it."""
    agreement = get_object_or_404(Agreement.objects.select_related("licensee"), reference=agreement)
    if not paylater.can_view_agreement(request.user, agreement):
        raise Http404
    try:
        method = saved_methods.saved_method_start(actor=request.user, agreement=agreement)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("licensing:agreement_detail", agreement.reference)
    return redirect("licensing:saved_method_detail", method.pk)


@login_required
@require_safe
def saved_method_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A card being saved: the card form until Stripe reports the SetupIntent succeeded (read from Stripe each
    time, whatever the address says), then the card saved."""
    method = _saved_method(request, pk)
    saved = None
    if not method.payment_method_id and method.removed_at is None and stripe_gateway.enabled():
        try:
            method, saved = saved_methods.saved_method_refresh(method=method)
        except GatewayError:
            messages.error(request, _("The payment service could not be reached just now. Try again in a few minutes."))
    entering = saved is not None and saved.status in (
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    )
    context = {
        "method": method,
        "refused": saved is not None and saved.status == "canceled",
        "setup": {
            "js_url": stripe_gateway.js_url(),
            "publishable_key": stripe_gateway.publishable_key(),
            "client_secret": saved.client_secret,
            "messages": {
                "saving": _("Saving the card…"),
                "failed": _("The card could not be saved. Check it and try again, or pay by bank transfer."),
            },
        }
        if entering
        else None,
    }
    response = render(request, "licensing/checkout/saved_method.html", context)
    return with_stripe_js(response) if entering else response


@login_required
@require_POST
def saved_method_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The firm stops its instalments being charged to the card."""
    method = saved_methods.saved_method_remove(actor=request.user, method=_saved_method(request, pk))
    messages.success(
        request,
        _("%(card)s is removed: instalments are no longer charged to it. Pay them on their payment pages.")
        % {"card": method.label or _("The card")},
    )
    if method.agreement_id:
        return redirect("licensing:agreement_detail", method.agreement.reference)
    return redirect("licensing:saved_method_detail", method.pk)
