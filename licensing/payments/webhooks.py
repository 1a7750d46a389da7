"""Stripe's webhooks: each event verified, stored once, and handed to the handler of its type.

:func:`stripe_event_receive` checks the signature and the timestamp (``stripe_gateway.verify_event``), then, in one
transaction, stores the event under its unique id (:class:`~licensing.models.StripeEvent`) and runs its handler.
An event delivered again finds its id taken and changes nothing; a handler that fails rolls the event back with
everything else, so Stripe's next delivery runs it again. Types without a handler are stored and acknowledged.

The handlers only move a payment forward, through the payment services, which lock the row and refuse anything
backward: a ``payment_intent.processing`` or ``payment_failed`` that arrives after the payment succeeded changes
nothing, and one older than an event already applied to the same intent is stale and skipped.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..choices import Gateway
from ..exceptions import LicensingError
from ..models import Payment, StripeEvent
from . import services, stripe_gateway
from .base import PaymentStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """What became of a webhook: ``processed`` (its handler ran), ``stored`` (no handler for its type, or nothing
    to act on), or ``duplicate`` (delivered before)."""

    event_id: str
    type: str
    outcome: str


def _created(event: dict) -> datetime.datetime | None:
    created = event.get("created")
    if not isinstance(created, int | float):
        return None
    return datetime.datetime.fromtimestamp(created, tz=datetime.UTC)


def _payment_for(intent_id, metadata) -> Payment | None:
    """The Stripe payment whose intent this is, if the intent's metadata names the same payment (or none)."""
    if not isinstance(intent_id, str) or not intent_id:
        return None
    payment = Payment.objects.filter(gateway=Gateway.STRIPE, gateway_reference=intent_id).first()
    if payment is None:
        logger.info("Stripe webhook: no payment for intent %s", intent_id)
        return None
    reference = (metadata or {}).get("reference") if isinstance(metadata, dict) else None
    if reference and reference != payment.reference:
        logger.warning(
            "Stripe webhook: intent %s names payment %s, but belongs to %s", intent_id, reference, payment.reference
        )
        return None
    return payment


def _stale(event: dict, stored: StripeEvent) -> bool:
    """An event older than another already stored for the same object (Stripe does not deliver in order)."""
    if not stored.object_id or stored.created is None:
        return False
    later = StripeEvent.objects.filter(object_id=stored.object_id, created__gt=stored.created)
    return later.exclude(pk=stored.pk).exists()


def _intent_status(intent: dict) -> PaymentStatus:
    return stripe_gateway.intent_status(intent, stripe_gateway.intent_state(intent.get("status", "")))


# Handlers, one per event type: each gets the event and its stored row, and says whether it acted ---------------


def _intent_payment(event: dict) -> tuple[dict, Payment | None]:
    intent = event["data"]["object"]
    return intent, _payment_for(intent.get("id"), intent.get("metadata"))


def intent_succeeded(event: dict, stored: StripeEvent) -> bool:
    """Paid: the payment succeeds (and what it is for takes effect). Paid after it lapsed here: refunded at once."""
    intent, payment = _intent_payment(event)
    if payment is None:
        return False
    status = _intent_status(intent)
    raw = {**status.raw, "event": event["id"]}
    services.payment_paid_at_gateway(payment=payment, amount_received=status.amount_received, raw=raw)
    return True


def intent_processing(event: dict, stored: StripeEvent) -> bool:
    """Paid and clearing (Alipay, WeChat Pay, some cards): pending -> processing; any later state stays."""
    intent, payment = _intent_payment(event)
    if payment is None or _stale(event, stored):
        return False
    services.payment_processing(payment=payment, raw={**_intent_status(intent).raw, "event": event["id"]})
    return True


def intent_payment_failed(event: dict, stored: StripeEvent) -> bool:
    """An attempt declined: the payment stays pending (the payer can pay again on the same intent), the reason is
    recorded and the payer told. After success, or older than what was applied, it changes nothing."""
    intent, payment = _intent_payment(event)
    if payment is None or _stale(event, stored):
        return False
    status = _intent_status(intent)
    reason = status.reason or "the payment was declined"
    services.payment_attempt_failed(payment=payment, reason=reason, raw={**status.raw, "event": event["id"]})
    return True


def intent_canceled(event: dict, stored: StripeEvent) -> bool:
    """The intent can no longer be paid: the payment expired (past its date) or failed; what waited for it lapses."""
    intent, payment = _intent_payment(event)
    if payment is None:
        return False
    reason = intent.get("cancellation_reason") or "cancelled at Stripe"
    services.payment_cancelled_at_gateway(
        payment=payment, reason=f"cancelled at Stripe ({reason})", raw={**_intent_status(intent).raw}
    )
    return True


def charge_refunded(event: dict, stored: StripeEvent) -> bool:
    """Refunded, here or in Stripe's dashboard: the charge's ``amount_refunded`` is the total so far."""
    charge = event["data"]["object"]
    payment = _payment_for(charge.get("payment_intent"), charge.get("metadata"))
    if payment is None:
        return False
    total = stripe_gateway.from_minor(charge.get("amount_refunded") or 0)
    raw = {"charge": charge.get("id", ""), "amount_refunded": str(total), "event": event["id"]}
    services.payment_refunded_at_gateway(payment=payment, refunded_total=total, raw=raw)
    return True


def _dispute_payment(event: dict) -> tuple[dict, Payment | None]:
    dispute = event["data"]["object"]
    return dispute, _payment_for(dispute.get("payment_intent"), dispute.get("metadata"))


def dispute_created(event: dict, stored: StripeEvent) -> bool:
    """The payer's bank disputes the charge: recorded, the finance staff told, the licence frozen."""
    dispute, payment = _dispute_payment(event)
    if payment is None:
        return False
    services.payment_dispute_open(
        payment=payment,
        dispute_id=dispute.get("id", ""),
        amount=stripe_gateway.from_minor(dispute.get("amount") or 0),
        reason=dispute.get("reason") or "",
        raw={"charge": dispute.get("charge", ""), "event": event["id"]},
    )
    return True


# A dispute closes as won (the money stays), lost (the bank took it back), or warning_closed (an inquiry that
# never became a chargeback: as won).
_DISPUTE_WON = ("won", "warning_closed")


def dispute_closed(event: dict, stored: StripeEvent) -> bool:
    dispute, payment = _dispute_payment(event)
    if payment is None:
        return False
    status = dispute.get("status") or ""
    services.payment_dispute_close(
        payment=payment,
        dispute_id=dispute.get("id", ""),
        won=status in _DISPUTE_WON,
        amount=stripe_gateway.from_minor(dispute.get("amount") or 0),
        status=status,
        raw={"charge": dispute.get("charge", ""), "event": event["id"]},
    )
    return True


def setup_intent_succeeded(event: dict, stored: StripeEvent) -> bool:
    """A method saved for off-session charges: handed to the handlers registered with
    ``services.on_setup_succeeded`` (pay-later instalments)."""
    services.setup_succeeded(event["data"]["object"])
    return True


HANDLERS: dict[str, Callable[[dict, StripeEvent], bool]] = {
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.processing": intent_processing,
    "payment_intent.payment_failed": intent_payment_failed,
    "payment_intent.canceled": intent_canceled,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
    "setup_intent.succeeded": setup_intent_succeeded,
}


def stripe_event_receive(*, payload: bytes, signature: str | None) -> Received:
    """Verify a webhook's body and act on its event, once.

    Raises :class:`stripe_gateway.WebhookRejected` (nothing written) for a body that is not a genuine, fresh
    event. An event seen before is acknowledged and ignored; one whose handler raises is rolled back entirely, so
    that Stripe's next delivery runs it again.
    """
    event = stripe_gateway.verify_event(payload, signature)
    event_id, event_type = event["id"], event["type"]
    obj = event["data"]["object"]
    with transaction.atomic():
        try:
            # A savepoint: on PostgreSQL a concurrent delivery of the same event waits here for the first to commit,
            # then fails on the unique id; the surrounding transaction goes on to answer it.
            with transaction.atomic():
                stored = StripeEvent.objects.create(
                    event_id=event_id,
                    type=event_type,
                    object_id=str(obj.get("id") or "")[:100],
                    created=_created(event),
                    payload=event,
                )
        except IntegrityError:
            return Received(event_id, event_type, "duplicate")
        handler = HANDLERS.get(event_type)
        if handler is None:
            return Received(event_id, event_type, "stored")
        try:
            with transaction.atomic():
                acted = handler(event, stored)
        except LicensingError as error:
            # A move the payment's rules refuse: kept with the event for the staff, not retried by Stripe.
            logger.warning("Stripe event %s (%s) refused: %s", event_id, event_type, error)
            stored.payload = {**event, "refused": str(error)}
            stored.save(update_fields=["payload"])
            acted = False
    return Received(event_id, event_type, "processed" if acted else "stored")
