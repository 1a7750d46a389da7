"""Stripe's webhooks as Stripe sends them: events built like Stripe's and signed with the endpoint's test secret
(``Stripe-Signature: t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<body>">``), posted to the endpoint."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from decimal import Decimal

from ip_registry.models import RegistryEntry
from licensing.choices import Gateway, LicenceStatus, PaymentPurpose
from licensing.models import OpenLicence, Payment, StripeEvent, Transaction
from licensing.payments import stripe_gateway
from licensing.payments.services import payment_create
from techmarket.audit.models import AuditEvent
from tests.stripe_server import WEBHOOK_SECRET

from .. import rows

URL = "/payments/stripe/webhook/"
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}

_ids = itertools.count(1)


def sign(body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event(kind: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> bytes:
    """An event as Stripe's API sends it (the fields this endpoint reads and a few more)."""
    return json.dumps(
        {
            "id": event_id or f"evt_test_{next(_ids):06d}",
            "object": "event",
            "api_version": "2025-03-31.basil",
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "pending_webhooks": 1,
            "type": kind,
            "data": {"object": obj},
        }
    ).encode()


def post(client, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def intent(payment: Payment, **changes) -> dict:
    """The payment's PaymentIntent as localstripe has it now, as plain data, with ``changes``."""
    obj = stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference).to_dict()
    return {**json.loads(json.dumps(obj, default=str)), **changes}


def pay_by_card(payment: Payment, card: dict = VISA):
    """What Stripe.js does on the payment page: attach a card to the intent and confirm it."""
    client = stripe_gateway._client()
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.payment_intents.update(payment.gateway_reference, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(payment.gateway_reference)


def charge(payment: Payment, *, amount_refunded: Decimal) -> dict:
    """The charge of a paid intent, as ``charge.refunded`` carries it (localstripe sends no charge events)."""
    paid = intent(payment)
    charge_id = paid.get("latest_charge") or f"ch_{payment.reference}"
    if isinstance(charge_id, dict):
        charge_id = charge_id["id"]
    minor = stripe_gateway.to_minor(payment.amount)
    refunded = stripe_gateway.to_minor(amount_refunded)
    return {
        "id": charge_id,
        "object": "charge",
        "amount": minor,
        "amount_captured": minor,
        "amount_refunded": refunded,
        "currency": "cny",
        "paid": True,
        "refunded": refunded == minor,
        "payment_intent": payment.gateway_reference,
        "metadata": {"reference": payment.reference},
        "status": "succeeded",
    }


def dispute(payment: Payment, *, status: str = "needs_response", dispute_id: str = "dp_test_1") -> dict:
    """A dispute as Stripe's ``charge.dispute.*`` events carry it. localstripe has no disputes (no Dispute
    resource, no dispute events), so the tests build them in Stripe's shape."""
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": stripe_gateway.to_minor(payment.amount),
        "currency": "cny",
        "charge": f"ch_{payment.reference}",
        "payment_intent": payment.gateway_reference,
        "reason": "fraudulent",
        "status": status,
        "metadata": {},
    }


def licence_awaiting_stripe_fee(declaration, firm, *, amount: str = "50000.00") -> tuple[OpenLicence, Payment]:
    """An open licence obtained under ``declaration``, its fee to be paid through Stripe (an intent on localstripe)."""
    licence = rows.licence(declaration, firm, status=LicenceStatus.AWAITING_PAYMENT, notice=False)
    payment = payment_create(
        purpose=PaymentPurpose.OPEN_LICENCE_FEE,
        description=f"开放许可 {licence.reference}",
        amount=Decimal(amount),
        payer=firm,
        payee=declaration.licensor,
        gateway=Gateway.STRIPE,
    )
    licence.payment = payment
    licence.save(update_fields=["payment"])
    return licence, payment


def counts() -> dict[str, int]:
    return {
        "events": StripeEvent.objects.count(),
        "payments": Payment.objects.count(),
        "transactions": Transaction.objects.count(),
        "entries": RegistryEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def snapshot() -> dict:
    """Every licensing row a webhook could change, and the registry's, as stored."""
    return {
        "payments": list(Payment.objects.order_by("pk").values()),
        "transactions": list(Transaction.objects.order_by("pk").values()),
        "events": list(StripeEvent.objects.order_by("pk").values()),
        "licences": list(OpenLicence.objects.order_by("pk").values()),
        "licence_entries": list(OpenLicence.registry_entries.through.objects.order_by("pk").values()),
        "entries": list(RegistryEntry.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }
