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
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST, require_safe

from techmarket.exceptions import Refused

from .. import permissions
from ..choices import Gateway, PaymentPurpose, PaymentState
from ..models import Payment
from ..payments import checkout, selectors, stripe_gateway
from ..payments.services import gateways_offered

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
        context["stripe_checkout"] = {
            "js_url": stripe_gateway.js_url(),
            "publishable_key": stripe_gateway.publishable_key(),
            "client_secret": stripe_gateway.StripeGateway().client_secret(payment),
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
