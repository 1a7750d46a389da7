"""Writes to payments. The ``Payment`` row is written first, then the gateway is called, each call a ``Transaction``.

Whatever a payment is for registers a handler for its purpose with :func:`on_succeeded`; when a payment succeeds
the handler runs inside the same transaction, with the payment row locked, so a licence takes effect exactly when
its fee is recorded as paid, and once however many times the confirmation arrives.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record

from ..choices import CNY, PAYMENT_TRANSITIONS, Gateway, PaymentState
from ..exceptions import LicensingError
from ..models import Payment, Transaction
from .bank_transfer import BankTransferGateway
from .base import PaymentRequest

_HANDLERS: dict[str, Callable[[Payment], None]] = {}
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: a reference is read out and typed


def on_succeeded(purpose: str, handler: Callable[[Payment], None]) -> None:
    """Run ``handler(payment)`` when a payment for ``purpose`` succeeds (in the same transaction)."""
    _HANDLERS[purpose] = handler


def gateway_for(name: str):
    if name == Gateway.BANK_TRANSFER:
        return BankTransferGateway()
    raise LicensingError(_("This payment method is not available."))


def new_reference(prefix: str = "TM") -> str:
    """A unique, typable reference such as ``TM7K3Q9XWD2M``."""
    while True:
        reference = prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))
        if not Payment.objects.filter(reference=reference).exists():
            return reference


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
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise LicensingError(_("A payment must be for more than ¥0.00."))
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
    request = PaymentRequest(
        reference=payment.reference,
        amount=amount,
        currency=CNY,
        description=payment.description,
        payer_name=payer.name_zh,
        payee_name=payee.name_zh,
    )
    with transaction.atomic():
        instructions = gateway_for(gateway).start(request)
        Transaction.objects.create(
            payment=payment,
            gateway=gateway,
            operation="start",
            request={"reference": request.reference, "amount": str(amount), "currency": CNY},
            response={"gateway_reference": instructions.gateway_reference, **instructions.details},
            succeeded=True,
        )
        payment.gateway_reference = instructions.gateway_reference
        payment.expires_at = instructions.expires_at
        payment.save(update_fields=["gateway_reference", "expires_at", "updated_at"])
    return payment


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
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
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
