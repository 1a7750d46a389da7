"""Webhooks delivered for real: localstripe posts its events, signed with the endpoint's secret, to the site running
in a live server, about a second after each change. And the acceptance of the whole: replaying every webhook of a
payment's life (paid, clearing, succeeded, refunded in part, disputed and won, refunded in Stripe's dashboard) a
second time changes no row.

localstripe sends ``payment_intent.succeeded`` and ``payment_failed`` (and customer events) but no
``payment_intent.processing``, no ``charge.refunded`` and has no disputes at all: those are posted here as Stripe
would send them, in Stripe's shape, signed with the same secret, to the same live endpoint.
"""

import threading
import time
from decimal import Decimal

import pytest
import requests

from ip_registry.choices import EntryKind
from licensing.choices import LicenceStatus, PaymentState
from licensing.models import OpenLicence, Payment, StripeEvent
from licensing.payments import services, stripe_gateway
from licensing.views import stripe_webhook

from .webhooks import (
    URL,
    charge,
    dispute,
    event,
    intent,
    licence_awaiting_stripe_fee,
    pay_by_card,
    sign,
    snapshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Deliveries:
    """Every webhook the endpoint received, as (body, Stripe-Signature), in order of arrival; and a way to wait
    until none is coming. The live server shares the test's in-memory SQLite connection, so the deliveries are
    handled under ``lock`` and the test touches the database only while it holds it."""

    def __init__(self):
        self.received: list[tuple[bytes, str]] = []
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def idle(self, *, quiet: float = 2.0, timeout: float = 15.0) -> None:
        """Wait until nothing has arrived for ``quiet`` seconds (localstripe sends each event about a second after
        its change)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if time.monotonic() - self.last >= quiet:
                    return
            time.sleep(0.1)
        raise AssertionError("the webhooks did not settle")


@pytest.fixture
def deliveries(monkeypatch):
    seen = Deliveries()
    receive = stripe_webhook.stripe_event_receive

    def recording(*, payload, signature):
        # Handled under the lock: the test thread's reads and writes (under the same lock) never overlap it.
        with seen.lock:
            seen.received.append((payload, signature))
            try:
                return receive(payload=payload, signature=signature)
            finally:
                seen.last = time.monotonic()

    monkeypatch.setattr(stripe_webhook, "stripe_event_receive", recording)
    return seen


@pytest.fixture
def endpoint(live_server, stripe_server, deliveries):
    """The live endpoint, which localstripe now posts its events to."""
    url = live_server.url + URL
    stripe_server.send_webhooks_to(url)
    return url


def wait_for(deliveries: Deliveries, condition, *, timeout: float = 10.0) -> bool:
    """Poll ``condition`` (a read of the database) between deliveries, until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with deliveries.lock:
            if condition():
                return True
        time.sleep(0.2)
    return False


def send(endpoint: str, body: bytes) -> requests.Response:
    """Post an event as Stripe does (for the kinds localstripe does not send)."""
    return requests.post(
        endpoint, data=body, headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)}, timeout=10
    )


def state(payment: Payment) -> str:
    return Payment.objects.get(pk=payment.pk).state


def test_localstripe_delivers_the_success_and_the_licence_takes_effect(
    endpoint, deliveries, declaration, firm, firm_admin
):
    with deliveries.lock:
        licence, payment = licence_awaiting_stripe_fee(declaration, firm)

    pay_by_card(payment)

    assert wait_for(deliveries, lambda: state(payment) == PaymentState.SUCCEEDED), "no payment_intent.succeeded arrived"
    deliveries.idle()
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.IN_FORCE
    assert StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=payment.gateway_reference).exists()
    assert all(signature.startswith("t=") for _body, signature in deliveries.received)


def test_replaying_every_webhook_a_second_time_changes_no_row(
    endpoint, deliveries, declaration, firm, firm_admin, finance
):
    with deliveries.lock:
        licence, payment = licence_awaiting_stripe_fee(declaration, firm)
    # Paid with a wallet: clearing first (an event of a few seconds before the success).
    clearing = event("payment_intent.processing", intent(payment, status="processing"), created=int(time.time()) - 10)
    assert send(endpoint, clearing).status_code == 200
    assert wait_for(deliveries, lambda: state(payment) == PaymentState.PROCESSING)
    # Succeeded: localstripe delivers the event.
    pay_by_card(payment)
    assert wait_for(deliveries, lambda: state(payment) == PaymentState.SUCCEEDED)
    # The finance staff refund ¥10,000 through Stripe; Stripe reports the charge refunded by that much.
    with deliveries.lock:
        services.payment_refund(
            actor=finance, payment=payment, reason="专利权人减免部分费用", amount=Decimal("10000.00")
        )
    assert send(endpoint, event("charge.refunded", charge(payment, amount_refunded=Decimal("10000.00")))).ok
    # The firm's bank disputes the charge: the licence is frozen; the platform wins: it is not.
    assert send(endpoint, event("charge.dispute.created", dispute(payment))).ok
    assert wait_for(deliveries, lambda: OpenLicence.objects.get(pk=licence.pk).frozen_at is not None)
    assert send(endpoint, event("charge.dispute.closed", dispute(payment, status="won"))).ok
    # The rest refunded in Stripe's dashboard: the licence ends.
    stripe_gateway._client().v1.refunds.create(
        params={"payment_intent": payment.gateway_reference, "amount": stripe_gateway.to_minor(Decimal("40000.00"))}
    )
    assert send(endpoint, event("charge.refunded", charge(payment, amount_refunded=Decimal("50000.00")))).ok
    deliveries.idle()

    with deliveries.lock:
        payment.refresh_from_db()
        licence.refresh_from_db()
        operations = list(payment.transactions.values_list("operation", flat=True))
        terminations = licence.registry_entries.filter(kind=EntryKind.LICENCE_TERMINATION).count()
        kinds = set(StripeEvent.objects.values_list("type", flat=True))
        before = snapshot()
        delivered = list(deliveries.received)
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == Decimal("50000.00")
    assert operations == ["start", "processing", "succeeded", "refund", "dispute_opened", "dispute_closed", "refund"]
    assert licence.status == LicenceStatus.TERMINATED and licence.frozen_at is None
    assert terminations == 1
    assert {"payment_intent.processing", "payment_intent.succeeded", "charge.refunded"} <= kinds
    assert len(delivered) == len(before["events"])

    answers = [
        requests.post(
            endpoint,
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            timeout=10,
        )
        for body, signature in delivered
    ]

    assert [answer.status_code for answer in answers] == [200] * len(delivered)
    assert all(answer.text.startswith("duplicate") for answer in answers)
    deliveries.idle()
    with deliveries.lock:
        assert snapshot() == before
