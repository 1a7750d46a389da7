"""The payer's side of a payment: choosing how to pay (bank transfer or Stripe), paying on the site, and reading
back what became of it.

A payment is paid by one gateway at a time. The payer may switch a pending bank transfer to Stripe (card, Alipay,
WeChat Pay) and back; the switch happens in place on the same :class:`~licensing.models.Payment` (see
:func:`payment_use_gateway` for why). What the payer sees after paying is always read from the gateway, never from
the redirect that brought them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket.audit.services import audit_record

from .. import permissions
from ..choices import OPEN_PAYMENT_STATES, Gateway, PaymentState
from ..exceptions import LicensingError
from ..models import Payment, Transaction
from . import stripe_gateway
from .base import GatewayError, PaymentStatus
from .services import STARTING_OPERATIONS, ReconcileReport, _locked, _reconcile_one, _start, gateway_for

AUDIT_ACTIONS = {
    "payment.gateway_changed": gettext_lazy("Payment method changed by the payer"),
    "payment.charged_saved": gettext_lazy("Saved card charged for an instalment"),
    "payment.saved_method": gettext_lazy("Card saved for pay-later instalments"),
}

# An intent's Stripe statuses in which the payer has confirmed and the bank or wallet is still answering (the
# return page waits for them); ``requires_payment_method`` means nothing was paid and the payer tries again.
AWAITING_CONFIRMATION = ("requires_action", "requires_confirmation")


def _started_at(payment: Payment, gateway: str) -> bool:
    return payment.transactions.filter(operation__in=STARTING_OPERATIONS, gateway=gateway, succeeded=True).exists()


def require_payer(actor, payment: Payment) -> None:
    """Only the payer's members pay, or choose how to pay."""
    if not permissions.is_member(actor, payment.payer):
        raise PermissionDenied


def payment_use_gateway(*, actor, payment: Payment, gateway: str) -> Payment:
    """The payer chooses how to pay a pending payment: Stripe (card, Alipay, WeChat Pay) instead of the bank
    transfer it was created with, or bank transfer again.

    The switch is made in place rather than by a replacement payment: the open licence or instalment waiting for
    the money keeps its one-to-one link to this payment, its reference (already sent to the payer, perhaps already
    quoted on a transfer) stays the one to pay, and no second payment for the same fee can ever be paid. Each
    switch is a ``Transaction`` and an audit row, so the payment's history shows both gateways.

    To Stripe: only while pending and never started at Stripe (a second intent for the same reference would be a
    second chance to pay twice); the intent is created at once. Back to bank transfer: the unpaid intent is
    cancelled at Stripe first, so it can no longer be paid; refused if the payer has paid it meanwhile. The date to
    pay by stays the one the payer was given. Only the payer's members may switch.
    """
    require_payer(actor, payment)
    gateway_for(gateway)  # an unavailable gateway is refused before anything is written
    with transaction.atomic():
        payment = _locked(payment)
        if payment.state != PaymentState.PENDING:
            raise LicensingError(
                _("This payment is %(state)s: how it is paid can no longer be changed.")
                % {"state": payment.get_state_display()}
            )
        if payment.gateway == gateway:
            return payment
        if gateway == Gateway.STRIPE and _started_at(payment, Gateway.STRIPE):
            raise LicensingError(
                _(
                    "This payment was already tried by card, Alipay or WeChat Pay. Pay it by bank transfer, quoting "
                    "the reference %(reference)s."
                )
                % {"reference": payment.reference}
            )
        if payment.gateway == Gateway.STRIPE and payment.gateway_reference:
            try:
                released = stripe_gateway.StripeGateway().release(payment)
            except GatewayError:
                released = False
            if not released:
                raise LicensingError(
                    _(
                        "The payment by card, Alipay or WeChat Pay could not be stopped: it may already be paid. "
                        "Check its state before paying by bank transfer."
                    )
                )
        previous, pay_by = payment.gateway, payment.expires_at
        payment.gateway = gateway
        # A bank transfer's gateway reference is the payment's own; Stripe's is the intent, set when it starts.
        bank_started = gateway == Gateway.BANK_TRANSFER and _started_at(payment, Gateway.BANK_TRANSFER)
        payment.gateway_reference = payment.reference if bank_started else ""
        payment.save(update_fields=["gateway", "gateway_reference", "updated_at"])
        Transaction.objects.create(
            payment=payment,
            gateway=gateway,
            operation="switch",
            request={"from": previous, "to": gateway},
            succeeded=True,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="payment.gateway_changed",
            target=payment,
            summary=f"{payment.reference}: {previous} -> {gateway}",
            data={"from": previous, "to": gateway},
        )
    started = _start(payment)
    if started and pay_by is not None:
        # The payer keeps the date it was given: switching does not buy time for the licence waiting for its fee.
        Payment.objects.filter(pk=payment.pk, expires_at__gt=pay_by).update(expires_at=pay_by)
    if started is False:
        payment.refresh_from_db()
        raise LicensingError(
            _("The payment service could not be reached just now. Try again in a few minutes, or pay by bank transfer.")
        )
    payment.refresh_from_db()
    return payment


def payment_confirm_card(*, actor, payment: Payment, payment_method: str) -> PaymentStatus:
    """Confirm the payer's card on the payment's intent, on the server (where Stripe.js cannot: the tests' local
    Stripe-compatible server). The payment's state is then read back on the return page or told by the webhook."""
    require_payer(actor, payment)
    if payment.gateway != Gateway.STRIPE or payment.state != PaymentState.PENDING or not payment.gateway_reference:
        raise LicensingError(_("This payment is not awaiting a card payment."))
    payment_method = (payment_method or "").strip()
    if not payment_method.startswith(("pm_", "card_")) or len(payment_method) > 100:
        raise LicensingError(_("The card could not be read; enter it again."))
    try:
        status = stripe_gateway.StripeGateway().confirm_with_method(payment, payment_method)
    except GatewayError as error:
        Transaction.objects.create(
            payment=payment, gateway=payment.gateway, operation="confirm", error=str(error)[:500], actor=actor
        )
        raise LicensingError(_("The card was not accepted: %(reason)s") % {"reason": error}) from None
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="confirm",
        response={"state": status.state, **status.raw},
        succeeded=True,
        actor=actor,
    )
    return status


@dataclass(frozen=True)
class Refreshed:
    """A payment as its gateway reports it now, and whether the payer should wait for it (the page refreshes)."""

    payment: Payment
    status: PaymentStatus | None
    waiting: bool


def payment_refresh(*, payment: Payment) -> Refreshed:
    """Ask the gateway what became of one open payment paid through Stripe, act on the answer (as
    ``reconcile_payments`` does), and say whether it is still worth waiting for: the gateway is clearing it, or the
    payer's bank or wallet has yet to confirm it."""
    status = None
    if payment.gateway == Gateway.STRIPE and payment.state in OPEN_PAYMENT_STATES and stripe_gateway.enabled():
        status = _reconcile_one(payment, now=timezone.now(), report=ReconcileReport())
        payment.refresh_from_db()
    waiting = payment.state == PaymentState.PROCESSING or (
        payment.state == PaymentState.PENDING
        and status is not None
        and status.raw.get("status") in AWAITING_CONFIRMATION
        and not status.raw.get("code")
    )
    return Refreshed(payment=payment, status=status, waiting=waiting)


__all__ = ["AUDIT_ACTIONS", "Refreshed", "payment_confirm_card", "payment_refresh", "payment_use_gateway"]
