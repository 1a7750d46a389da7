"""Writes to payments. The ``Payment`` row is written first, then the gateway is called, each call a ``Transaction``.

Whatever a payment is for registers a handler for its purpose with :func:`on_succeeded` (and, for a payment that
lapses unpaid, :func:`on_expired`); the handler runs inside the same transaction, with the payment row locked, so
a licence takes effect exactly when its fee is recorded as paid, and once however many times the confirmation
arrives.

Every change of state locks the payment row, moves only along ``choices.PAYMENT_TRANSITIONS``, writes a
``Transaction`` and an audit row, and tells the parties by e-mail after commit.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import (
    CNY,
    LAPSED_PAYMENT_STATES,
    OPEN_PAYMENT_STATES,
    PAYMENT_TRANSITIONS,
    Gateway,
    PaymentState,
)
from ..exceptions import LicensingError
from ..models import Payment, Transaction
from . import stripe_gateway
from .bank_transfer import BankTransferGateway
from .base import PaymentRequest, PaymentStatus

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_EXPIRED_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_REFUNDED_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_DISPUTE_HANDLERS: dict[str, Callable[[Payment, bool], None]] = {}
_SETUP_HANDLERS: list[Callable[[dict], None]] = []
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: a reference is read out and typed


def on_succeeded(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` succeeds (in the same transaction)."""
    _HANDLERS[purpose] = handler


def on_expired(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` lapses unpaid (in the same transaction): an open
    licence awaiting its fee is cancelled, for instance."""
    _EXPIRED_HANDLERS[purpose] = handler


def on_refunded(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` is refunded in full (in the same transaction): what
    was paid for ends (an open licence whose fee went back), unless the payee waived the fee."""
    _REFUNDED_HANDLERS[purpose] = handler


def on_disputed(purpose: str, handler: Callable[[Payment, bool], None]) -> None:
    """Run ``handler(payment, frozen)`` when the payer's bank opens a dispute on a payment for ``purpose``
    (``frozen`` True) and when the dispute is won (False), in the same transaction. A dispute lost is a refund
    (:func:`on_refunded`)."""
    _DISPUTE_HANDLERS[purpose] = handler


def on_setup_succeeded(handler: Callable[[dict], None]) -> None:
    """Run ``handler(setup_intent)`` when Stripe reports a SetupIntent succeeded (a payment method saved for
    pay-later instalments), with the SetupIntent as plain data (``id``, ``customer``, ``payment_method``,
    ``metadata``), inside the webhook's transaction: it runs once per event, and again for another event of the
    same intent, so it must be idempotent. Several handlers may register; each runs."""
    if handler not in _SETUP_HANDLERS:
        _SETUP_HANDLERS.append(handler)


def setup_succeeded(setup_intent: dict) -> None:
    """The webhook's ``setup_intent.succeeded``: hand the intent to whoever registered for it."""
    for handler in _SETUP_HANDLERS:
        handler(setup_intent)


def gateway_for(name: str):
    if name == Gateway.BANK_TRANSFER:
        return BankTransferGateway()
    if name == Gateway.STRIPE and stripe_gateway.enabled():
        return stripe_gateway.StripeGateway()
    raise LicensingError(_("This payment method is not available."))


def gateways_offered() -> list[str]:
    """The gateways a payer may choose, bank transfer (the domestic default) first; Stripe when configured."""
    offered = [Gateway.BANK_TRANSFER]
    if stripe_gateway.enabled() and stripe_gateway.methods():
        offered.append(Gateway.STRIPE)
    return offered


def new_reference(prefix: str = "TM") -> str:
    """A unique, typable reference such as ``TM7K3Q9XWD2M``."""
    while True:
        reference = prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))
        if not Payment.objects.filter(reference=reference).exists():
            return reference


def yuan(amount: Decimal) -> str:
    """``¥50,000.00``: how an amount is written in messages and e-mail."""
    return f"¥{amount:,.2f}"


# E-mail --------------------------------------------------------------------------------------------------------


def _admin_emails(organisation) -> list[str]:
    return list(organisation.memberships.admins().filter(user__is_active=True).values_list("user__email", flat=True))


def _payer_emails(payment: Payment) -> list[str]:
    """The payer's administrators and the member who started the payment."""
    emails = _admin_emails(payment.payer)
    if payment.created_by_id and payment.created_by.is_active:
        emails.append(payment.created_by.email)
    return emails


def _date(value: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "Y-m-d") if value else ""


def _email_context(payment: Payment) -> dict[str, str]:
    return {
        "reference": payment.reference,
        "amount": yuan(payment.amount),
        "description": payment.description,
        "payer": payment.payer.name_zh,
        "payee": payment.payee.name_zh,
        "pay_by": _date(payment.expires_at),
        "url": absolute_url(reverse("licensing:payment_detail", args=[payment.reference])),
    }


def _tell(template: str, payment: Payment, to: list[str], **extra: str) -> None:
    email_on_commit(template=template, to=to, context={**_email_context(payment), **extra})


# Creating and starting ------------------------------------------------------------------------------------------


def payment_create(
    *,
    purpose: str,
    description: str,
    amount: Decimal,
    payer,
    payee,
    actor=None,
    gateway: str = Gateway.BANK_TRANSFER,
) -> Payment:
    """Write the payment row, then start the gateway: a crash between the two leaves a pending row to reconcile."""
    try:
        amount = Decimal(amount).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise LicensingError(_("Enter the amount as a number of yuan, such as 50000.00.")) from None
    if amount <= 0:
        raise LicensingError(_("A payment must be for more than ¥0.00."))
    gateway_for(gateway)  # an unavailable method is refused before anything is written
    with transaction.atomic():
        payment = Payment.objects.create(
            reference=new_reference(),
            purpose=purpose,
            description=description[:200],
            amount=amount,
            currency=CNY,
            payer=payer,
            payee=payee,
            gateway=gateway,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="payment.created",
            target=payment,
            summary=f"{payment.reference} {yuan(amount)}",
            data={"purpose": purpose, "payer": payer.pk, "payee": payee.pk, "gateway": gateway},
        )
    _start(payment)
    payment.refresh_from_db()
    return payment


def _start(payment: Payment, *, now: datetime.datetime | None = None) -> bool | None:
    """Call the gateway for a payment whose row exists, with the row locked, and record the call.

    True when started now; None when there was nothing to start (started already, by a concurrent run, or no longer
    pending); False (and a failed Transaction) if the gateway could not be reached: the payment stays pending and
    ``reconcile_payments`` tries again. The row stays locked during the call, so two runs never start it twice.
    """
    with transaction.atomic():
        payment = _locked(payment)
        if payment.state != PaymentState.PENDING or _started(payment):
            return None
        request = payment_request(payment)
        sent = {"reference": request.reference, "amount": str(request.amount), "currency": request.currency}
        try:
            instructions = gateway_for(payment.gateway).start(request, now=now)
        except Exception as error:  # a gateway's failure is recorded and retried, never lost
            logger.exception("Payment %s: the gateway could not be started", payment.reference)
            Transaction.objects.create(
                payment=payment, gateway=payment.gateway, operation="start", request=sent, error=str(error)[:500]
            )
            return False
        Transaction.objects.create(
            payment=payment,
            gateway=payment.gateway,
            operation="start",
            request=sent,
            response={"gateway_reference": instructions.gateway_reference, **instructions.details},
            succeeded=True,
        )
        payment.gateway_reference = instructions.gateway_reference
        payment.expires_at = instructions.expires_at
        payment.save(update_fields=["gateway_reference", "expires_at", "updated_at"])
        if payment.gateway == Gateway.BANK_TRANSFER:
            details = instructions.details
            _tell(
                "payment_instructions",
                payment,
                _payer_emails(payment),
                account_name=details.get("account_name", ""),
                bank=details.get("bank", ""),
                account_number=details.get("account_number", ""),
            )
    return True


# The calls after which a gateway holds the payment: started (an intent, a reference), or charged off-session.
STARTING_OPERATIONS = ("start", "charge_saved")


def payment_request(payment: Payment) -> PaymentRequest:
    """What a gateway is asked to collect for a payment row."""
    return PaymentRequest(
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        description=payment.description,
        payer_name=payment.payer.name_zh,
        payee_name=payment.payee.name_zh,
        payer_id=payment.payer_id,
        purpose=payment.purpose,
    )


def _started(payment: Payment) -> bool:
    """Started at its current gateway: a payment switched from bank transfer to Stripe is started afresh there."""
    return payment.transactions.filter(
        operation__in=STARTING_OPERATIONS, gateway=payment.gateway, succeeded=True
    ).exists()


# Moving between states ------------------------------------------------------------------------------------------


def _locked(payment: Payment) -> Payment:
    # Lock the payment row only: the payer's and payee's rows are read, and other payments of theirs go on.
    return Payment.objects.select_for_update(of=("self",)).select_related("payer", "payee").get(pk=payment.pk)


def _move(payment: Payment, state: str) -> None:
    if state not in PAYMENT_TRANSITIONS[payment.state]:
        raise LicensingError(
            _("A payment that is %(state)s cannot become %(target)s.")
            % {"state": payment.get_state_display(), "target": PaymentState(state).label}
        )
    payment.state = state


@transaction.atomic
def payment_succeed(*, payment: Payment, actor=None, amount_received: Decimal | None = None, raw: dict | None = None):
    """Record the payment as received and run its purpose's handler; a second confirmation changes nothing."""
    payment = _locked(payment)
    if payment.state == PaymentState.SUCCEEDED:
        return payment
    _move(payment, PaymentState.SUCCEEDED)
    payment.received_amount = payment.amount if amount_received is None else amount_received
    payment.succeeded_at = timezone.now()
    payment.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    payment.save(update_fields=["state", "received_amount", "succeeded_at", "confirmed_by", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="succeeded",
        response=raw or {"amount_received": str(payment.received_amount)},
        succeeded=True,
        actor=payment.confirmed_by,
    )
    audit_record(
        actor=actor,
        action="payment.succeeded",
        target=payment,
        summary=f"{payment.reference} ¥{payment.amount}",
        data={"purpose": payment.purpose},
    )
    handler = _HANDLERS.get(payment.purpose)
    if handler is not None:
        handler(payment)
    return payment


@transaction.atomic
def payment_processing(*, payment: Payment, raw: dict | None = None) -> Payment:
    """The payer has paid and the gateway is clearing it (pending -> processing); any later state stays."""
    payment = _locked(payment)
    if payment.state != PaymentState.PENDING:
        return payment
    _move(payment, PaymentState.PROCESSING)
    payment.save(update_fields=["state", "updated_at"])
    Transaction.objects.create(
        payment=payment, gateway=payment.gateway, operation="processing", response=raw or {}, succeeded=True
    )
    return payment


def _amount(value) -> Decimal:
    try:
        amount = Decimal(value)
        exact = amount.is_finite() and amount >= 0 and amount == amount.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        exact = False
    if not exact:
        raise LicensingError(_("Enter the amount received as yuan with at most two decimal places, such as 50000.00."))
    return amount.quantize(CENT)


@transaction.atomic
def payment_confirm_receipt(*, actor, payment: Payment, amount_received: Decimal) -> Payment:
    """Finance staff confirm that a bank transfer arrived, for exactly the amount due.

    Refused, and nothing written, when the actor is not finance staff, the payment is not a pending bank transfer,
    or the amount received differs from the amount due (the message names the difference). Confirming a payment
    twice is refused the second time: it is paid once.
    """
    if not permissions.can_confirm_payments(actor):
        raise PermissionDenied
    received = _amount(amount_received)
    payment = _locked(payment)
    if payment.gateway != Gateway.BANK_TRANSFER:
        raise LicensingError(
            _(
                "Only bank transfers are confirmed by hand; this payment is made by %(method)s, "
                "whose gateway reports it."
            )
            % {"method": payment.get_gateway_display()}
        )
    if payment.state == PaymentState.SUCCEEDED:
        raise LicensingError(
            _("This payment was already confirmed on %(date)s; it is paid once.")
            % {"date": _date(payment.succeeded_at)}
        )
    if payment.state == PaymentState.EXPIRED:
        raise LicensingError(
            _(
                "This payment's reference expired unpaid on %(date)s, and what it was for has been cancelled: it can "
                "no longer be confirmed. Return the transfer to the payer."
            )
            % {"date": _date(payment.expires_at)}
        )
    if payment.state != PaymentState.PENDING:
        raise LicensingError(
            _("This payment is %(state)s; only a pending payment can be confirmed.")
            % {"state": payment.get_state_display()}
        )
    if received != payment.amount:
        difference = abs(received - payment.amount)
        template = (
            _(
                "%(received)s received, %(difference)s less than the %(due)s due: a payment is confirmed only for the "
                "full amount. Ask the payer to transfer the difference quoting %(reference)s, or return the transfer."
            )
            if received < payment.amount
            else _(
                "%(received)s received, %(difference)s more than the %(due)s due: a payment is confirmed only for the "
                "exact amount. Return the transfer to the payer, who transfers %(due)s again quoting %(reference)s."
            )
        )
        raise LicensingError(
            template
            % {
                "received": yuan(received),
                "difference": yuan(difference),
                "due": yuan(payment.amount),
                "reference": payment.reference,
            }
        )
    payment = payment_succeed(
        payment=payment,
        actor=actor,
        amount_received=received,
        raw={"amount_received": str(received), "confirmed_by": actor.pk},
    )
    _tell("payment_confirmed", payment, _payer_emails(payment) + _admin_emails(payment.payee))
    return payment


def _expire(payment: Payment, *, actor=None, reason: str = "") -> None:
    """Move a locked pending payment to expired, run its purpose's expiry handler, tell the payer."""
    _move(payment, PaymentState.EXPIRED)
    payment.failure_reason = reason[:300] or "reference expired unpaid"
    payment.save(update_fields=["state", "failure_reason", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="expired",
        response={"expires_at": payment.expires_at.isoformat() if payment.expires_at else ""},
        succeeded=True,
    )
    audit_record(
        actor=actor,
        action="payment.expired",
        target=payment,
        summary=f"{payment.reference} {yuan(payment.amount)}",
        data={"purpose": payment.purpose, "expires_at": _date(payment.expires_at)},
    )
    handler = _EXPIRED_HANDLERS.get(payment.purpose)
    if handler is not None:
        handler(payment)
    _tell("payment_expired", payment, _payer_emails(payment))


def payments_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire every pending payment whose reference lapsed before ``now``; the number expired.

    Each payment in its own transaction: if one's handler fails, those expired before it stay expired.
    """
    now = now or timezone.now()
    expired = 0
    # A transfer's reference simply lapses. A Stripe payment is not expired here: its intent is cancelled at Stripe
    # first (``reconcile_payments`` asks the gateway), so it cannot be paid after the licence waiting for it lapsed.
    lapsed = Payment.objects.pending().filter(expires_at__lt=now, gateway=Gateway.BANK_TRANSFER)
    for pk in lapsed.values_list("pk", flat=True):
        with transaction.atomic():
            payment = _locked(Payment(pk=pk))
            if payment.state != PaymentState.PENDING or payment.expires_at is None or payment.expires_at >= now:
                continue  # confirmed or expired meanwhile
            _expire(payment)
            expired += 1
    return expired


def _failed_transaction(payment: Payment, operation: str, reason: str, raw: dict | None) -> None:
    """Save the payment with the reason it failed, and record what the gateway said (or the reason alone)."""
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["state", "failure_reason", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation=operation,
        response=raw or {"reason": reason},
        succeeded=False,
        error=reason[:500],
    )


@transaction.atomic
def payment_fail(*, payment: Payment, reason: str, actor=None, raw: dict | None = None) -> Payment:
    """The payment can no longer be paid (its Stripe intent cancelled, a transfer returned): pending -> failed, with
    its reason. What waited for it lapses as an unpaid one does (the expiry handler of its purpose runs). A failed
    payment stays failed; a settled one is left as it is."""
    payment = _locked(payment)
    if payment.state not in OPEN_PAYMENT_STATES:
        return payment
    _move(payment, PaymentState.FAILED)
    _failed_transaction(payment, "failed", reason, raw)
    audit_record(
        actor=actor,
        action="payment.failed",
        target=payment,
        summary=f"{payment.reference}: {reason}",
        data={"purpose": payment.purpose},
    )
    handler = _EXPIRED_HANDLERS.get(payment.purpose)
    if handler is not None:
        handler(payment)
    return payment


@transaction.atomic
def payment_cancelled_at_gateway(
    *, payment: Payment, reason: str, raw: dict | None = None, now: datetime.datetime | None = None
) -> Payment:
    """The gateway cancelled the payment (a Stripe intent cancelled, by ``reconcile_payments`` at its date or in
    Stripe's dashboard): past its date it expired, as an unpaid transfer does; before it, it failed. Either way what
    waited for it lapses. A payment settled already is left as it is."""
    payment = _locked(payment)
    if payment.state not in OPEN_PAYMENT_STATES:
        return payment
    if payment.expires_at is not None and payment.expires_at < (now or timezone.now()):
        _expire(payment, reason=reason)
        return payment
    return payment_fail(payment=payment, reason=reason, raw=raw)


@transaction.atomic
def payment_attempt_failed(*, payment: Payment, reason: str, raw: dict | None = None) -> Payment:
    """The payer's attempt was declined (a card refused, a wallet payment that did not clear). At Stripe the intent
    waits for another method, so the payment stays pending (a processing one returns to pending) and the payer,
    told why by e-mail, can pay again until its date. A payment already settled is left as it is."""
    payment = _locked(payment)
    if payment.state not in OPEN_PAYMENT_STATES:
        return payment
    if payment.state == PaymentState.PROCESSING:
        _move(payment, PaymentState.PENDING)
    _failed_transaction(payment, "attempt_failed", reason, raw)
    _tell("payment_attempt_failed", payment, _payer_emails(payment), reason=reason)
    return payment


def _refuse_move(payment: Payment, state: str) -> None:
    raise LicensingError(
        _("A payment that is %(state)s cannot become %(target)s.")
        % {"state": payment.get_state_display(), "target": PaymentState(state).label}
    )


def _refund_amount(payment: Payment, amount) -> Decimal:
    if amount is None:
        return payment.refundable_amount
    try:
        value = Decimal(amount)
        exact = value.is_finite() and value == value.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        exact = False
    if not exact:
        raise LicensingError(_("Enter the amount to refund as yuan with at most two decimal places, such as 500.00."))
    value = value.quantize(CENT)
    if value <= 0:
        raise LicensingError(_("A refund must be for more than ¥0.00."))
    if value > payment.refundable_amount:
        raise LicensingError(
            _(
                "The refund cannot exceed what was received: %(received)s received, %(refunded)s refunded already, "
                "so at most %(left)s can be refunded."
            )
            % {
                "received": yuan(payment.received_amount or Decimal("0.00")),
                "refunded": yuan(payment.refunded_amount),
                "left": yuan(payment.refundable_amount),
            }
        )
    return value


def _refund_key(payment: Payment) -> str:
    """The idempotency key of the payment's next refund by the staff: the refunds made here and recorded count, so
    a refund repeated after a timeout (recorded as failed) carries the same key and is made once. Refunds made in
    Stripe's dashboard (reported by webhook) do not count: they do not change the key of a refund being retried."""
    requests = payment.transactions.filter(operation="refund", succeeded=True).values_list("request", flat=True)
    done = sum(1 for request in requests if str(request.get("idempotency_key", "")).split("-")[-1].isdigit())
    return f"refund-{payment.reference}-{done + 1}"


def _apply_refund(payment: Payment, amount: Decimal, *, reason: str, actor=None, waived: bool = False) -> None:
    """Record ``amount`` more returned to the payer of a locked payment: all of it refunds the payment, and what it
    paid for ends (unless ``waived``: the payee gave up the fee and what was paid for stands)."""
    payment.refunded_amount = min(payment.refunded_amount + amount, payment.received_amount or payment.amount)
    fields = ["refunded_amount", "updated_at"]
    full = payment.refunded_amount >= (payment.received_amount or payment.amount)
    if full and payment.state != PaymentState.REFUNDED:
        _move(payment, PaymentState.REFUNDED)
        payment.failure_reason = reason[:300]
        fields += ["state", "failure_reason"]
    payment.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="payment.refunded" if full else "payment.partly_refunded",
        target=payment,
        summary=f"{payment.reference} {yuan(amount)}: {reason}",
        data={"purpose": payment.purpose, "amount": str(amount), "refunded": str(payment.refunded_amount)},
    )
    template = "payment_refunded" if full else "payment_partly_refunded"
    _tell(
        template,
        payment,
        _payer_emails(payment) + _admin_emails(payment.payee),
        reason=reason,
        refunded=yuan(amount),
        refunded_total=yuan(payment.refunded_amount),
    )
    if full and not waived:
        handler = _REFUNDED_HANDLERS.get(payment.purpose)
        if handler is not None:
            handler(payment)


def payment_refund(
    *, actor, payment: Payment, reason: str, amount: Decimal | None = None, waived: bool = False
) -> Payment:
    """Finance staff return a paid payment to the payer, all of it (``amount`` None) or part, with a reason.

    A Stripe payment is refunded through Stripe (one idempotency key per refund, so a refund repeated after a
    timeout is made once); a bank transfer was returned by the bank and is recorded here. Each refund is a
    ``Transaction``. All of it refunded, the payment is refunded and what it paid for ends (an open licence ends
    and the registry records it), unless ``waived``: the payee gave the fee up and the licence stands. Refused,
    with the reason, when the actor is not finance staff, the payment was not received, or the amount exceeds
    what is left to refund. A gateway that refuses is recorded (a failed ``Transaction``) and its reason raised.
    """
    if actor is not None and not permissions.can_refund_payments(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise LicensingError(_("Give the reason for the refund: the payer reads it."))
    actor_row = actor if getattr(actor, "is_authenticated", False) else None
    error = ""
    with transaction.atomic():
        payment = _locked(payment)
        if payment.state != PaymentState.SUCCEEDED:
            _refuse_move(payment, PaymentState.REFUNDED)
        amount = _refund_amount(payment, amount)
        sent = {"amount": str(amount), "reason": reason[:300]}
        response: dict = {}
        if payment.gateway == Gateway.STRIPE:
            sent["idempotency_key"] = key = _refund_key(payment)
            try:
                refund = gateway_for(payment.gateway).refund(payment, amount, key=key)
            except Exception as failure:  # the gateway's refusal is recorded and shown to the staff member
                logger.exception("Payment %s: the refund could not be made", payment.reference)
                error = str(failure)[:500] or type(failure).__name__
            else:
                response = {"refund": refund.refund_id, "amount": str(refund.amount), "status": refund.state}
                if refund.state == "failed":
                    error = _("the payment gateway reports that the refund failed")
        if error:
            Transaction.objects.create(
                payment=payment,
                gateway=payment.gateway,
                operation="refund",
                request=sent,
                response=response,
                error=error,
                actor=actor_row,
            )
        else:
            Transaction.objects.create(
                payment=payment,
                gateway=payment.gateway,
                operation="refund",
                request=sent,
                response=response,
                succeeded=True,
                actor=actor_row,
            )
            _apply_refund(payment, amount, reason=reason, actor=actor, waived=waived)
    if error:
        raise LicensingError(_("The refund was not made: %(error)s") % {"error": error})
    return payment


@transaction.atomic
def payment_refunded_at_gateway(*, payment: Payment, refunded_total: Decimal, raw: dict | None = None) -> Payment:
    """The gateway reports ``refunded_total`` returned so far (Stripe's ``charge.refunded``, for refunds made here
    or in Stripe's dashboard). Only what exceeds the refunds recorded already is new: reported again, or after a
    refund this platform made and recorded, it changes nothing."""
    payment = _locked(payment)
    if payment.state in OPEN_PAYMENT_STATES:
        # The refund's report came before the payment's: the charge it refunds was paid.
        payment_succeed(payment=payment, raw=raw)
        payment = _locked(payment)
    elif payment.state in LAPSED_PAYMENT_STATES:
        # Paid after it lapsed and refunded at the gateway before its payment was reported here: the money went
        # back, so the payment's late success (when reported) has nothing left to refund.
        payment.received_amount = payment.amount
        payment.save(update_fields=["received_amount", "updated_at"])
    if payment.state not in (PaymentState.SUCCEEDED, PaymentState.REFUNDED, *LAPSED_PAYMENT_STATES):
        return payment
    new = min(refunded_total, payment.received_amount or payment.amount) - payment.refunded_amount
    if new <= 0:
        return payment
    reason = _("Refunded at the payment gateway")
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="refund",
        request={"amount": str(new), "reason": reason},
        response=raw or {"refunded_total": str(refunded_total)},
        succeeded=True,
    )
    _apply_refund(payment, new, reason=str(reason))
    return payment


@transaction.atomic
def payment_paid_at_gateway(
    *, payment: Payment, amount_received: Decimal | None = None, raw: dict | None = None
) -> Payment:
    """The gateway reports the payment paid (Stripe's ``payment_intent.succeeded``), decided with the row locked: an
    open payment succeeds; one that lapsed or failed here meanwhile is refunded at once
    (:func:`payment_succeeded_late`); a settled one is left as it is."""
    payment = _locked(payment)
    if payment.state in OPEN_PAYMENT_STATES:
        return payment_succeed(payment=payment, amount_received=amount_received, raw=raw)
    if payment.state in LAPSED_PAYMENT_STATES:
        return payment_succeeded_late(payment=payment, amount_received=amount_received, raw=raw)
    return payment


@transaction.atomic
def payment_succeeded_late(*, payment: Payment, amount_received: Decimal | None = None, raw: dict | None = None):
    """Money arrived for a payment that had lapsed or failed here (paid at Stripe after its licence was cancelled):
    nothing is owed for it, so it goes straight back to the payer through the gateway, and the finance staff and
    the payer are told. Once: a payment refunded so already is left as it is. A gateway that refuses raises
    :class:`GatewayError` and nothing is written (the webhook answers 500 and Stripe delivers it again)."""
    payment = _locked(payment)
    if payment.state not in LAPSED_PAYMENT_STATES:
        return payment
    received = payment.amount if amount_received is None else amount_received
    was = payment.get_state_display()
    payment.received_amount = received
    payment.succeeded_at = timezone.now()
    payment.save(update_fields=["received_amount", "succeeded_at", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="succeeded",
        response=raw or {"amount_received": str(received)},
        succeeded=True,
    )
    reason = _("Paid after the payment had lapsed (%(state)s): refunded automatically.") % {"state": was}
    left = received - payment.refunded_amount  # part may have been refunded at the gateway already
    if left > 0:
        key = f"refund-{payment.reference}-late"
        refund = gateway_for(payment.gateway).refund(payment, left, key=key)
        Transaction.objects.create(
            payment=payment,
            gateway=payment.gateway,
            operation="refund",
            request={"amount": str(left), "reason": reason, "idempotency_key": key},
            response={"refund": refund.refund_id, "amount": str(refund.amount), "status": refund.state},
            succeeded=True,
        )
    payment.refunded_amount = received
    _move(payment, PaymentState.REFUNDED)
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["refunded_amount", "state", "failure_reason", "updated_at"])
    audit_record(
        actor=None,
        action="payment.refunded",
        target=payment,
        summary=f"{payment.reference} {yuan(received)}: {reason}",
        data={"purpose": payment.purpose, "amount": str(received), "late": True},
    )
    _tell("payment_late_refunded", payment, _payer_emails(payment) + permissions.finance_emails(), reason=reason)
    return payment


# Disputes (chargebacks) -----------------------------------------------------------------------------------------


def _dispute_seen(payment: Payment, dispute_id: str, operation: str) -> bool:
    return any(
        row.get("dispute") == dispute_id
        for row in payment.transactions.filter(operation=operation).values_list("response", flat=True)
    )


@transaction.atomic
def payment_dispute_open(*, payment: Payment, dispute_id: str, amount: Decimal, reason: str, raw: dict | None = None):
    """The payer's bank disputes the payment (a chargeback): recorded, the finance staff told, and what it paid for
    frozen until the dispute closes. Once per dispute; a dispute reported open after its close changes nothing."""
    payment = _locked(payment)
    if _dispute_seen(payment, dispute_id, "dispute_opened") or _dispute_seen(payment, dispute_id, "dispute_closed"):
        return payment
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="dispute_opened",
        response={**(raw or {}), "dispute": dispute_id, "amount": str(amount), "reason": reason},
        succeeded=True,
    )
    audit_record(
        actor=None,
        action="payment.disputed",
        target=payment,
        summary=f"{payment.reference} {yuan(amount)}: {reason}",
        data={"purpose": payment.purpose, "dispute": dispute_id},
    )
    _tell("payment_disputed", payment, permissions.finance_emails(), disputed=yuan(amount), reason=reason or "—")
    handler = _DISPUTE_HANDLERS.get(payment.purpose)
    if handler is not None:
        handler(payment, True)
    return payment


@transaction.atomic
def payment_dispute_close(
    *, payment: Payment, dispute_id: str, won: bool, amount: Decimal, status: str, raw: dict | None = None
) -> Payment:
    """The dispute is decided. Won: what the payment paid for is unfrozen. Lost: the bank took the money back,
    recorded as a refund of the disputed amount (all of it ends what it paid for). Once per dispute."""
    payment = _locked(payment)
    if _dispute_seen(payment, dispute_id, "dispute_closed"):
        return payment
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="dispute_closed",
        response={**(raw or {}), "dispute": dispute_id, "amount": str(amount), "status": status},
        succeeded=won,
    )
    audit_record(
        actor=None,
        action="payment.dispute_won" if won else "payment.dispute_lost",
        target=payment,
        summary=f"{payment.reference} {yuan(amount)}: {status}",
        data={"purpose": payment.purpose, "dispute": dispute_id},
    )
    _tell(
        "payment_dispute_won" if won else "payment_dispute_lost",
        payment,
        permissions.finance_emails(),
        disputed=yuan(amount),
    )
    if won:
        handler = _DISPUTE_HANDLERS.get(payment.purpose)
        if handler is not None:
            handler(payment, False)
    elif payment.state == PaymentState.SUCCEEDED:
        lost = min(amount, payment.refundable_amount)
        if lost > 0:
            _apply_refund(payment, lost, reason=str(_("Dispute lost: the payer's bank took the payment back.")))
        if payment.state == PaymentState.SUCCEEDED:  # part of it taken back: what it paid for stands, unfrozen
            handler = _DISPUTE_HANDLERS.get(payment.purpose)
            if handler is not None:
                handler(payment, False)
    return payment


# Reconciliation -------------------------------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    """What ``reconcile_payments`` found among the pending payments."""

    checked: int = 0
    started: int = 0
    succeeded: int = 0
    failed: int = 0
    expired: int = 0
    pending: int = 0
    errors: list[str] = field(default_factory=list)


def payments_to_reconcile(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta | None = None
) -> QuerySet[Payment]:
    """The open payments a reconciliation asks about: all of them, or those last changed more than ``older_than``
    before ``now`` (a payment the payer is paying this minute is left to its webhook)."""
    payments = Payment.objects.open()
    if older_than is not None:
        payments = payments.filter(updated_at__lt=(now or timezone.now()) - older_than)
    return payments


def payments_reconcile(
    *,
    now: datetime.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    older_than: datetime.timedelta | None = None,
) -> ReconcileReport:
    """Ask each open payment's gateway what became of it, and act on the answer.

    A pending payment whose gateway was never started (the process died after writing the row) is started now;
    one whose gateway reports it paid, failed or expired moves there; a processing one whose clearing failed is
    pending again. Every call is a ``Transaction``; a gateway that cannot be reached is recorded and counted, and
    the next run tries again. ``older_than`` leaves out the payments changed more recently than that (see
    :func:`payments_to_reconcile`): the webhooks settle those, and this catches the webhooks that never came.
    """
    now = now or timezone.now()
    report = ReconcileReport()
    pks = list(payments_to_reconcile(now=now, older_than=older_than).order_by("pk").values_list("pk", flat=True))
    for done, pk in enumerate(pks, start=1):
        payment = Payment.objects.select_related("payer", "payee").get(pk=pk)
        if payment.state in OPEN_PAYMENT_STATES:
            report.checked += 1
            _reconcile_one(payment, now=now, report=report)
        if progress is not None:
            progress(done, len(pks))
    return report


def _reconcile_one(payment: Payment, *, now: datetime.datetime, report: ReconcileReport) -> PaymentStatus | None:
    """Ask the gateway about one open payment and act on the answer; the answer, or None if nothing was asked."""
    if not _started(payment):
        started = _start(payment, now=now)
        if started:
            report.started += 1
            report.pending += 1
        elif started is False:
            report.errors.append(f"{payment.reference}: the gateway could not be started")
        return None
    try:
        status = gateway_for(payment.gateway).status(payment, now=now)
    except Exception as error:  # recorded on the payment; the next run asks again
        logger.exception("Payment %s: the gateway could not be asked", payment.reference)
        Transaction.objects.create(
            payment=payment,
            gateway=payment.gateway,
            operation="status",
            request={"reference": payment.reference},
            error=str(error)[:500],
        )
        report.errors.append(f"{payment.reference}: {error}")
        return None
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="status",
        request={"reference": payment.reference},
        response={
            "state": status.state,
            "reason": status.reason,
            "amount_received": "" if status.amount_received is None else str(status.amount_received),
            **status.raw,
        },
        succeeded=True,
    )
    if status.state == PaymentState.SUCCEEDED:
        payment_succeed(payment=payment, amount_received=status.amount_received, raw=status.raw or None)
        report.succeeded += 1
    elif status.state == PaymentState.FAILED:
        payment_fail(payment=payment, reason=status.reason or "failed at the gateway", raw=status.raw or None)
        report.failed += 1
    elif status.state == PaymentState.PROCESSING:
        payment_processing(payment=payment, raw=status.raw or None)
        report.pending += 1
    elif status.state == PaymentState.EXPIRED:
        with transaction.atomic():
            locked = _locked(payment)
            if locked.state in OPEN_PAYMENT_STATES:
                _expire(locked, reason=status.reason)
                report.expired += 1
    else:
        if payment.state == PaymentState.PROCESSING and status.state == PaymentState.PENDING:
            # The clearing failed and the gateway waits for another method: the payer pays again.
            payment_attempt_failed(payment=payment, reason=status.reason or "the payment did not clear", raw=status.raw)
        report.pending += 1
    return status
