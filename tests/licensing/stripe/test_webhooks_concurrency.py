"""The same Stripe event delivered twice at the same moment (Stripe retries while the first delivery is still being
handled), on PostgreSQL: the second waits on the event's unique id, finds it taken once the first commits, and is
acknowledged as a duplicate. Two different events about one payment succeeding wait on the payment's row lock:
the payment succeeds once."""

import threading

import pytest
from django.db import close_old_connections, connection

from licensing.choices import PaymentState
from licensing.models import StripeEvent
from licensing.payments.webhooks import stripe_event_receive

from .webhooks import event, intent, licence_awaiting_stripe_fee, pay_by_card, sign

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's concurrent transactions; SQLite serialises whole-database writes instead",
    ),
]


def _race(bodies: list[bytes]) -> list[str]:
    start = threading.Barrier(len(bodies))
    outcomes: list[str] = []

    def deliver(body: bytes) -> None:
        try:
            start.wait()
            outcomes.append(stripe_event_receive(payload=body, signature=sign(body)).outcome)
        except Exception as error:  # any failure of a delivery is its outcome, reported by the test
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_one_event_delivered_twice_at_once_is_handled_once(stripe_server, declaration, firm, firm_admin):
    licence, payment = licence_awaiting_stripe_fee(declaration, firm)
    pay_by_card(payment)
    body = event("payment_intent.succeeded", intent(payment))

    assert _race([body, body]) == ["duplicate", "processed"]

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert StripeEvent.objects.count() == 1
    assert payment.transactions.filter(operation="succeeded").count() == 1
    assert licence.registry_entries.count() == 1


def test_two_events_of_one_success_at_once_pay_once(stripe_server, declaration, firm, firm_admin):
    licence, payment = licence_awaiting_stripe_fee(declaration, firm)
    pay_by_card(payment)
    paid = intent(payment)

    outcomes = _race([event("payment_intent.succeeded", paid), event("payment_intent.succeeded", paid)])

    assert outcomes == ["processed", "processed"]
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert StripeEvent.objects.count() == 2
    assert payment.transactions.filter(operation="succeeded").count() == 1
    assert licence.registry_entries.count() == 1
