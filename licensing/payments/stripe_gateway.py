"""Stripe: card, Alipay and WeChat Pay, for payers who do not pay by bank transfer (licensees abroad, in Hong Kong
or Macao). The only module that imports ``stripe``.

Amounts are yuan (``Decimal``, two places) everywhere else; here they become fen, Stripe's minor unit of CNY, and
back. Every call that creates something carries an idempotency key named after the payment attempt, so a call
repeated after a timeout or a crash does not charge twice. Each organisation that pays through Stripe has one
Stripe customer (:class:`~licensing.models.StripeCustomer`), which also holds the methods it saves for pay-later
instalments.

Stripe is switched on by ``STRIPE_SECRET_KEY`` and ``STRIPE_PUBLISHABLE_KEY``; ``STRIPE_API_BASE`` points the client
at a local Stripe-compatible server in tests. Errors reach callers as :class:`GatewayError` with Stripe's message,
so no other module needs to know Stripe's exception types.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..choices import BANK_TRANSFER_DAYS, Gateway, PaymentState
from .base import GatewayError, PaymentInstructions, PaymentRequest, PaymentStatus

# The payment methods this gateway can offer, as Stripe names them.
METHODS = ("card", "alipay", "wechat_pay")
# Stripe's minor units per yuan (fen).
MINOR_PER_UNIT = 100

# A PaymentIntent's status, as a payment's state. A payment whose intent needs the payer (a method, a
# confirmation, 3-D Secure) is still pending: the payer can try again on the same intent.
_INTENT_STATES = {
    "requires_payment_method": PaymentState.PENDING,
    "requires_confirmation": PaymentState.PENDING,
    "requires_action": PaymentState.PENDING,
    "processing": PaymentState.PROCESSING,
    "requires_capture": PaymentState.PROCESSING,
    "succeeded": PaymentState.SUCCEEDED,
    "canceled": PaymentState.FAILED,
}


class WebhookRejected(Exception):
    """A webhook body that is not a genuine, fresh Stripe event: a bad or missing signature, an old timestamp, or
    a body that is not an event. Answered with a 400 and nothing written."""


def enabled() -> bool:
    """Stripe is offered when both its keys are configured."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def methods() -> list[str]:
    """The Stripe payment methods offered, in the configured order (unknown names are left out)."""
    return [method for method in settings.PAYMENT_METHODS if method in METHODS]


def publishable_key() -> str:
    return settings.STRIPE_PUBLISHABLE_KEY


# Where the browser loads Stripe.js from and talks to, for the payment pages' script tag and their
# Content-Security-Policy (Stripe's own list: the script and its frames from js.stripe.com, 3-D Secure's frames from
# hooks.stripe.com, calls to api.stripe.com).
STRIPE_JS = "https://js.stripe.com/v3/"
_STRIPE_BROWSER_SOURCES = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}


def local_server() -> bool:
    """Stripe is a local Stripe-compatible server (the tests' localstripe), not Stripe itself."""
    return bool(settings.STRIPE_API_BASE)


def js_url() -> str:
    """Stripe.js, or the stand-in a local Stripe-compatible server serves under the same path."""
    if local_server():
        return settings.STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/"
    return STRIPE_JS


def browser_sources() -> dict[str, list[str]]:
    """What a page with Stripe.js adds to the Content-Security-Policy (only those pages: the rest stay strict)."""
    if local_server():
        base = settings.STRIPE_API_BASE.rstrip("/")
        return {"script-src": [base], "connect-src": [base]}
    return {directive: list(sources) for directive, sources in _STRIPE_BROWSER_SOURCES.items()}


def to_minor(amount: Decimal) -> int:
    """Yuan to fen: ``Decimal("1234.50")`` -> ``123450``. Refuses a fraction of a fen rather than rounding it."""
    minor = amount * MINOR_PER_UNIT
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} yuan is not a whole number of fen")
    return int(minor)


def from_minor(minor: int) -> Decimal:
    """Fen to yuan, two places: ``123450`` -> ``Decimal("1234.50")``."""
    return (Decimal(int(minor)) / MINOR_PER_UNIT).quantize(Decimal("0.01"))


def _client() -> stripe.StripeClient:
    """The client for the configured keys: one per process, so its HTTP connections are kept and reused."""
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT)


@functools.lru_cache(maxsize=4)
def _client_for(secret_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    options = {"base_addresses": {"api": api_base}} if api_base else {}
    # stripe's RequestsClient keeps one session per thread, so a client is safe to share between threads.
    return stripe.StripeClient(
        secret_key, http_client=stripe.RequestsClient(timeout=timeout), max_network_retries=2, **options
    )


def _call(operation, *args, **kwargs):
    """Run one call of the Stripe client, its errors as :class:`GatewayError` with Stripe's own message."""
    try:
        return operation(*args, **kwargs)
    except stripe.StripeError as error:
        raise GatewayError(error.user_message or str(error) or type(error).__name__) from error


def _plain(obj) -> dict:
    """A Stripe object (or an event's plain dict) as plain data."""
    if obj is None:
        return {}
    return obj if isinstance(obj, dict) else obj.to_dict()


# Customers ------------------------------------------------------------------------------------------------------


def customer_id(organisation_id: int, *, name: str = "") -> str:
    """The Stripe customer of an organisation, created on first use (one per organisation, whoever asks first)."""
    from ..models import StripeCustomer

    existing = StripeCustomer.objects.filter(organisation_id=organisation_id).values_list("customer_id", flat=True)
    if existing:
        return existing[0]
    customer = _call(
        _client().v1.customers.create,
        params={"name": name[:200], "metadata": {"organisation": str(organisation_id)}},
        options={"idempotency_key": f"customer-{organisation_id}"},
    )
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(organisation_id=organisation_id, customer_id=customer.id)
    except IntegrityError:  # another request created it first: use theirs
        return StripeCustomer.objects.get(organisation_id=organisation_id).customer_id
    return customer.id


# Payments -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refund:
    """A refund as Stripe recorded it."""

    refund_id: str
    amount: Decimal
    state: str  # Stripe's: "succeeded", "pending", "failed"


@dataclass(frozen=True)
class CheckoutIntent:
    """A PaymentIntent as the payment page hands it to Stripe.js."""

    client_secret: str
    status: str


@dataclass(frozen=True)
class SavedMethod:
    """A SetupIntent as the site needs it: Stripe's status, and the method it saved (``"Visa ···· 4242"``)."""

    status: str
    payment_method_id: str = ""
    label: str = ""
    client_secret: str = ""  # for Stripe.js while the card is still to be entered; never stored


class StripeGateway:
    name = Gateway.STRIPE

    def start(self, request: PaymentRequest, *, now: datetime.datetime | None = None) -> PaymentInstructions:
        """Create the PaymentIntent the payer confirms on the payment page (Payment Element or redirect).

        The idempotency key is the payment's reference: a payment is one attempt, and starting it again (after a
        crash, by ``reconcile_payments``) returns the same intent.
        """
        now = now or timezone.now()
        params = {
            "amount": to_minor(request.amount),
            "currency": request.currency.lower(),
            "payment_method_types": methods(),
            "metadata": {"reference": request.reference, "purpose": request.purpose},
        }
        if request.payer_id is not None:
            params["customer"] = customer_id(request.payer_id, name=request.payer_name)
        intent = _call(
            _client().v1.payment_intents.create,
            params=params,
            options={"idempotency_key": f"payment-{request.reference}"},
        )
        return PaymentInstructions(
            gateway_reference=intent.id,
            # The licence waits for its fee as long as it waits for a transfer.
            expires_at=now + datetime.timedelta(days=BANK_TRANSFER_DAYS),
            details={"payment_intent": intent.id, "status": intent.status},
        )

    def status(self, payment, *, now: datetime.datetime | None = None) -> PaymentStatus:
        """What Stripe says of the payment's intent; one past its pay-by date and still unpaid is cancelled there
        first, so it cannot be paid after the licence waiting for it has lapsed."""
        now = now or timezone.now()
        intent = _call(_client().v1.payment_intents.retrieve, payment.gateway_reference)
        state = _INTENT_STATES.get(intent.status, PaymentState.PENDING)
        if state == PaymentState.PENDING and payment.expires_at is not None and payment.expires_at < now:
            intent = self.cancel(payment)
            if intent.status == "canceled":
                return PaymentStatus(state=PaymentState.EXPIRED, reason="unpaid by its date", raw=_summary(intent))
            state = _INTENT_STATES.get(intent.status, PaymentState.PENDING)
        return intent_status(intent, state)

    def client_secret(self, payment) -> str:
        """The secret the payment page hands to Stripe.js; never stored."""
        return _call(_client().v1.payment_intents.retrieve, payment.gateway_reference).client_secret

    def checkout_intent(self, payment) -> CheckoutIntent:
        """What the payment page needs of the intent: the secret for Stripe.js (never stored) and Stripe's status
        (an intent awaiting 3-D Secure is finished by the payer rather than paid again)."""
        intent = _call(_client().v1.payment_intents.retrieve, payment.gateway_reference)
        return CheckoutIntent(client_secret=intent.client_secret, status=intent.status)

    def cancel(self, payment):
        """Cancel an unpaid intent; an intent that cannot be cancelled any more (it succeeded) is returned as is."""
        client = _client()
        try:
            return client.v1.payment_intents.cancel(payment.gateway_reference)
        except stripe.StripeError:
            return _call(client.v1.payment_intents.retrieve, payment.gateway_reference)

    def confirm_with_method(self, payment, payment_method: str) -> PaymentStatus:
        """Confirm the payment's intent with a method the payer's browser created (confirmation on the server).

        The payment page uses it where Stripe.js cannot confirm by itself (the local Stripe-compatible server's
        stand-in has no Payment Element); an intent that then needs 3-D Secure comes back pending with
        ``raw["status"] == "requires_action"``, for Stripe.js to finish in the browser. A declined card raises
        :class:`GatewayError` with the bank's reason.
        """
        client = _client()
        _call(client.v1.payment_intents.update, payment.gateway_reference, params={"payment_method": payment_method})
        intent = _call(client.v1.payment_intents.confirm, payment.gateway_reference)
        return intent_status(intent, _INTENT_STATES.get(intent.status, PaymentState.PENDING))

    def release(self, payment) -> bool:
        """Cancel the payment's unpaid intent so that it can no longer be paid (the payer chose bank transfer
        instead); False when it could not be cancelled because it is paid or being paid."""
        return self.cancel(payment).status == "canceled"

    def refund(self, payment, amount: Decimal, *, key: str) -> Refund:
        """Refund ``amount`` yuan of a paid payment; ``key`` names this refund, so repeating it refunds once."""
        refund = _call(
            _client().v1.refunds.create,
            params={
                "payment_intent": payment.gateway_reference,
                "amount": to_minor(amount),
                "metadata": {"reference": payment.reference},
            },
            options={"idempotency_key": key},
        )
        return Refund(refund_id=refund.id, amount=from_minor(refund.amount), state=refund.status or "")

    # Saved methods, for pay-later instalments charged off-session --------------------------------------------

    def setup_intent(self, organisation_id: int, *, name: str = "", key: str):
        """A SetupIntent through which the firm saves a card for later charges; returns Stripe's intent (its
        ``id`` and ``client_secret``)."""
        return _call(
            _client().v1.setup_intents.create,
            params={
                "customer": customer_id(organisation_id, name=name),
                "usage": "off_session",
                "payment_method_types": ["card"],
            },
            options={"idempotency_key": key},
        )

    def setup_intent_retrieve(self, setup_intent_id: str):
        return _call(_client().v1.setup_intents.retrieve, setup_intent_id)

    def saved_method(self, setup_intent_id: str) -> SavedMethod:
        """What became of a SetupIntent: its status and, once it succeeded, the method saved and how to name it."""
        client = _client()
        setup = _call(client.v1.setup_intents.retrieve, setup_intent_id)
        method_id = setup.payment_method or ""
        if isinstance(method_id, dict) or hasattr(method_id, "id"):
            method_id = method_id["id"] if isinstance(method_id, dict) else method_id.id
        label = ""
        if setup.status == "succeeded" and method_id:
            method = _plain(_call(client.v1.payment_methods.retrieve, method_id))
            card = method.get("card") or {}
            brand = str(card.get("brand") or method.get("type") or "").replace("_", " ").title()
            label = f"{brand} ···· {card['last4']}" if card.get("last4") else brand
        return SavedMethod(
            status=setup.status, payment_method_id=method_id, label=label, client_secret=setup.client_secret or ""
        )

    def charge_saved(self, request: PaymentRequest, payment_method: str, *, key: str) -> PaymentStatus:
        """Charge a saved method with the payer absent. A charge the bank wants authenticated, or declines, comes
        back as a pending status with the reason (``raw["code"]``): the payer then pays on the site."""
        params = {
            "amount": to_minor(request.amount),
            "currency": request.currency.lower(),
            "customer": customer_id(request.payer_id, name=request.payer_name),
            "payment_method": payment_method,
            "confirm": True,
            "off_session": True,
            "metadata": {"reference": request.reference, "purpose": request.purpose},
        }
        try:
            intent = _client().v1.payment_intents.create(params=params, options={"idempotency_key": key})
        except stripe.CardError as error:
            body = error.json_body.get("error", {}) if isinstance(error.json_body, dict) else {}
            intent_id = (body.get("payment_intent") or {}).get("id", "")
            return PaymentStatus(
                state=PaymentState.PENDING,
                reason=error.user_message or str(error),
                raw={"payment_intent": intent_id, "code": error.code or "card_declined"},
            )
        except stripe.StripeError as error:
            raise GatewayError(error.user_message or str(error)) from error
        return intent_status(intent, _INTENT_STATES.get(intent.status, PaymentState.PENDING))


def _summary(intent) -> dict:
    intent = _plain(intent)
    return {"payment_intent": intent.get("id", ""), "status": intent.get("status", "")}


def intent_status(intent, state: str) -> PaymentStatus:
    """A PaymentIntent (a Stripe object or an event's plain dict) as a :class:`PaymentStatus`."""
    intent = _plain(intent)
    raw = _summary(intent)
    error = intent.get("last_payment_error") or {}
    if error:
        raw["code"] = error.get("code") or ""
    received = intent.get("amount_received")
    if state == PaymentState.SUCCEEDED and not received:
        received = intent.get("amount")  # a Stripe-compatible server that does not report amount_received
    return PaymentStatus(
        state=state,
        amount_received=from_minor(received) if received else None,
        reason=error.get("message") or "",
        raw=raw,
    )


def intent_state(status: str) -> str:
    """A PaymentIntent's ``status`` as a payment's state."""
    return _INTENT_STATES.get(status, PaymentState.PENDING)


# Webhooks -------------------------------------------------------------------------------------------------------


def verify_event(payload: bytes, signature: str | None) -> dict:
    """The event a webhook body carries, as plain data, once its signature is checked against the endpoint's
    secret and its timestamp is within ``STRIPE_WEBHOOK_TOLERANCE`` seconds. Raises :class:`WebhookRejected`."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookRejected("no webhook secret is configured")
    if not signature:
        raise WebhookRejected("the Stripe-Signature header is missing")
    # The signature alone first: the body is read (below) only once it is known to come from Stripe, and a body that
    # is JSON but not an object is refused here, not by the library.
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(str(error)) from None
    except ValueError:  # not UTF-8
        raise WebhookRejected("the body is not JSON") from None
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookRejected("the body is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise WebhookRejected("the body is not a Stripe event")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise WebhookRejected("the event carries no object")
    return event


__all__ = [
    "METHODS",
    "CheckoutIntent",
    "Refund",
    "SavedMethod",
    "StripeGateway",
    "WebhookRejected",
    "browser_sources",
    "customer_id",
    "enabled",
    "from_minor",
    "intent_state",
    "intent_status",
    "js_url",
    "local_server",
    "methods",
    "publishable_key",
    "to_minor",
    "verify_event",
]
