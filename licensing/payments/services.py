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
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import CNY, OPEN_PAYMENT_STATES, PAYMENT_TRANSITIONS, Gateway, PaymentState
from ..exceptions import LicensingError
from ..models import Payment, Transaction
from . import stripe_gateway
from .bank_transfer import BankTransferGateway
from .base import PaymentRequest, PaymentStatus

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_EXPIRED_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: a reference is read out and typed


def on_succeeded(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` succeeds (in the same transaction)."""
    _HANDLERS[purpose] = handler


def on_expired(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` lapses unpaid (in the same transaction): an open
    licence awaiting its fee is cancelled, for instance."""
    _EXPIRED_HANDLERS[purpose] = handler


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
        request = PaymentRequest(
            reference=payment.reference,
            amount=payment.amount,
            currency=payment.currency,
            description=payment.description,
            payer_name=payment.payer.name_zh,
            payee_name=payment.payee.name_zh,
            payer_id=payment.payer_id,
            purpose=payment.purpose,
        )
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


def _require_finance(actor) -> None:
    if actor is not None and not permissions.can_confirm_payments(actor):
        raise PermissionDenied


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


@transaction.atomic
def payment_fail(*, payment: Payment, reason: str, actor=None, raw: dict | None = None) -> Payment:
    """The gateway reports that the payment failed (a card declined): pending -> failed, with its reason."""
    payment = _locked(payment)
    if payment.state == PaymentState.FAILED:
        return payment
    _move(payment, PaymentState.FAILED)
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["state", "failure_reason", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="failed",
        response=raw or {"reason": reason},
        succeeded=False,
        error=reason[:500],
    )
    audit_record(
        actor=actor,
        action="payment.failed",
        target=payment,
        summary=f"{payment.reference}: {reason}",
        data={"purpose": payment.purpose},
    )
    return payment


@transaction.atomic
def payment_refund(*, actor, payment: Payment, reason: str) -> Payment:
    """Finance staff record that a paid payment was returned to the payer (succeeded -> refunded), with a reason."""
    _require_finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise LicensingError(_("Give the reason for the refund: the payer reads it."))
    payment = _locked(payment)
    _move(payment, PaymentState.REFUNDED)
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["state", "failure_reason", "updated_at"])
    Transaction.objects.create(
        payment=payment,
        gateway=payment.gateway,
        operation="refund",
        request={"amount": str(payment.received_amount or payment.amount), "reason": reason[:300]},
        succeeded=True,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="payment.refunded",
        target=payment,
        summary=f"{payment.reference}: {reason}",
        data={"purpose": payment.purpose},
    )
    _tell("payment_refunded", payment, _payer_emails(payment) + _admin_emails(payment.payee), reason=reason)
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


def payments_reconcile(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> ReconcileReport:
    """Ask each pending payment's gateway what became of it, and act on the answer.

    A pending payment whose gateway was never started (the process died after writing the row) is started now;
    one whose gateway reports it paid, failed or expired moves there. Every call is a ``Transaction``; a gateway
    that cannot be reached is recorded and counted, and the next run tries again.
    """
    now = now or timezone.now()
    report = ReconcileReport()
    pks = list(Payment.objects.open().order_by("pk").values_list("pk", flat=True))
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
            if locked.state == PaymentState.PENDING:
                _expire(locked, reason=status.reason)
                report.expired += 1
    else:
        report.pending += 1
    return status
