"""Stripe's webhooks: signed events posted to /payments/stripe/webhook/ move a payment (and its licence) forward
once, whatever the order and however often they arrive; anything not signed by Stripe is refused and writes
nothing. The payments are real intents on localstripe; the events are built in Stripe's shape and signed with the
test secret, as Stripe signs them."""

import json
import time
from decimal import Decimal

import pytest
from django.utils import translation

from ip_registry.choices import EntryKind
from licensing.choices import LicenceStatus, PaymentState
from licensing.models import Payment, StripeEvent
from licensing.payments import services, stripe_gateway

from .webhooks import (
    charge,
    counts,
    dispute,
    event,
    intent,
    licence_awaiting_stripe_fee,
    pay_by_card,
    post,
    sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee(stripe_server, declaration, firm, firm_admin, university_admin):
    """An open licence of the university's patent awaiting its ¥50,000 fee, to be paid through Stripe."""
    return licence_awaiting_stripe_fee(declaration, firm)


def succeeded(payment, **changes) -> bytes:
    pay_by_card(payment)
    return event("payment_intent.succeeded", intent(payment, **changes))


# Signatures --------------------------------------------------------------------------------------------------------


def test_a_signed_success_pays_the_fee_and_the_licence_takes_effect(client, fee):
    licence, payment = fee
    body = succeeded(payment)

    response = post(client, body)

    assert response.status_code == 200
    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.received_amount == Decimal("50000.00")
    assert licence.status == LicenceStatus.IN_FORCE
    assert licence.registry_entries.filter(kind=EntryKind.LICENCE).count() == 1
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.type, stored.object_id) == (
        json.loads(body)["id"],
        "payment_intent.succeeded",
        payment.gateway_reference,
    )


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda body: sign(body, secret="whsec_forged"), id="another secret"),
        pytest.param(lambda body: sign(body + b" "), id="another body"),
        pytest.param(lambda body: "t=1,v1=00", id="garbage"),
        pytest.param(lambda body: None, id="no header"),
    ],
)
def test_a_forged_signature_is_refused_and_writes_nothing(client, fee, signature):
    _licence, payment = fee
    body = succeeded(payment)
    before = counts()

    response = post(client, body, signature(body))

    assert response.status_code == 400
    assert response.content.startswith(b"Rejected")
    assert counts() == before
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_a_stale_timestamp_is_refused(client, fee, settings):
    _licence, payment = fee
    body = succeeded(payment)
    old = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE - 60

    response = post(client, body, sign(body, timestamp=old))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_without_a_webhook_secret_every_event_is_refused(client, fee, settings):
    _licence, payment = fee
    body = succeeded(payment)
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post(client, body)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"id": "evt_1", "type": ', id="not JSON"),
        pytest.param(b'["evt_1"]', id="not an event"),
        pytest.param(b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": {}}', id="no object"),
    ],
)
def test_a_malformed_body_is_refused_even_when_signed(client, stripe_server, body):
    response = post(client, body)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_only_post_is_answered(client, stripe_server):
    assert client.get("/payments/stripe/webhook/").status_code == 405


# Once, in order or not ----------------------------------------------------------------------------------------------


def test_the_same_event_three_times_changes_the_payment_once(client, fee):
    licence, payment = fee
    body = succeeded(payment)

    answers = [post(client, body) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[1].content.startswith(b"duplicate")
    assert StripeEvent.objects.count() == 1
    assert payment.transactions.filter(operation="succeeded").count() == 1
    assert licence.registry_entries.count() == 1


def test_processing_after_success_changes_nothing(client, fee):
    _licence, payment = fee
    paid = succeeded(payment)
    processing = event("payment_intent.processing", intent(payment, status="processing"))
    post(client, paid)
    before = counts()

    assert post(client, processing).status_code == 200

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert counts() == {**before, "events": before["events"] + 1}


def test_a_failure_after_success_changes_nothing(client, fee):
    _licence, payment = fee
    paid = succeeded(payment)
    failed = event(
        "payment_intent.payment_failed",
        intent(payment, status="requires_payment_method", last_payment_error={"message": "Your card was declined."}),
    )
    post(client, paid)

    assert post(client, failed).status_code == 200

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert not payment.transactions.filter(operation="attempt_failed").exists()


def test_a_processing_event_older_than_a_failure_applied_is_stale(client, fee):
    """Stripe does not deliver in order: the clearing began (t) and failed (t+5); the failure arrives first."""
    _licence, payment = fee
    now = int(time.time())
    failed = event(
        "payment_intent.payment_failed",
        intent(payment, status="requires_payment_method", last_payment_error={"message": "支付宝付款未完成"}),
        created=now,
    )
    processing = event("payment_intent.processing", intent(payment, status="processing"), created=now - 5)

    post(client, failed)
    post(client, processing)

    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert not payment.transactions.filter(operation="processing").exists()


def test_processing_then_success(client, fee):
    _licence, payment = fee
    post(client, event("payment_intent.processing", intent(payment, status="processing"), created=int(time.time()) - 5))
    payment.refresh_from_db()
    assert payment.state == PaymentState.PROCESSING

    post(client, succeeded(payment))

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED


def test_an_unknown_type_is_acknowledged_and_stored(client, stripe_server):
    body = event("customer.created", {"id": "cus_test_1", "object": "customer"})

    response = post(client, body)

    assert response.status_code == 200
    assert StripeEvent.objects.get().type == "customer.created"


def test_an_intent_of_no_payment_here_is_stored_and_acknowledged(client, fee):
    _licence, payment = fee
    body = event("payment_intent.succeeded", intent(payment, id="pi_elsewhere", metadata={}))

    assert post(client, body).status_code == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert StripeEvent.objects.count() == 1


def test_an_intent_naming_another_payment_moves_nothing(client, fee):
    _licence, payment = fee
    body = succeeded(payment, metadata={"reference": "TMNOTTHISONE"})

    assert post(client, body).status_code == 200
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


# Failures and cancellations ----------------------------------------------------------------------------------------


def test_a_declined_card_leaves_the_payment_pending_and_tells_the_payer_why(
    client, fee, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    licence, payment = fee
    body = event(
        "payment_intent.payment_failed",
        intent(
            payment,
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "message": "Your card was declined."},
        ),
    )

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        assert post(client, body).status_code == 200

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert payment.failure_reason == "Your card was declined."
    attempt = payment.transactions.get(operation="attempt_failed")
    assert not attempt.succeeded and attempt.error == "Your card was declined."
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
    [message] = mailoutbox
    assert message.to == [firm_admin.email]
    assert "Your card was declined." in message.body
    assert "换用其他银行卡或支付方式重新付款" in message.body


def test_a_cancelled_intent_fails_the_payment_and_cancels_the_licence(client, fee):
    licence, payment = fee
    body = event("payment_intent.canceled", intent(payment, status="canceled", cancellation_reason="abandoned"))

    post(client, body)

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert licence.status == LicenceStatus.CANCELLED


def test_money_arriving_after_the_payment_lapsed_is_refunded_and_staff_told(
    client, fee, finance, mailoutbox, django_capture_on_commit_callbacks
):
    licence, payment = fee
    services.payments_expire(now=payment.expires_at)  # a transfer's expiry does not touch a Stripe payment
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    # Lapsed here (as reconcile_payments does when the intent could not be cancelled in time), paid at Stripe.
    payment.state = PaymentState.EXPIRED
    payment.save(update_fields=["state"])
    body = succeeded(payment)

    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        assert post(client, body).status_code == 200

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert payment.refunded_amount == payment.received_amount == Decimal("50000.00")
    refund = payment.transactions.get(operation="refund")
    assert refund.request["idempotency_key"] == f"refund-{payment.reference}-late"
    assert refund.response["status"] == "succeeded"
    assert licence.status == LicenceStatus.AWAITING_PAYMENT  # never took effect
    assert any(finance.email in message.to and "在失效后到账，已退还" in message.subject for message in mailoutbox)
    # Delivered again, it refunds nothing more.
    assert post(client, body).status_code == 200
    assert payment.transactions.filter(operation="refund").count() == 1


# Refunds and disputes reported by Stripe ----------------------------------------------------------------------------


def test_a_refund_made_in_stripes_dashboard_is_recorded_and_ends_the_licence(client, fee):
    licence, payment = fee
    post(client, succeeded(payment))
    stripe_gateway._client().v1.refunds.create(params={"payment_intent": payment.gateway_reference})

    post(client, event("charge.refunded", charge(payment, amount_refunded=Decimal("50000.00"))))

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert payment.refunded_amount == Decimal("50000.00")
    assert licence.status == LicenceStatus.TERMINATED and licence.ended_on is not None
    termination = licence.registry_entries.get(kind=EntryKind.LICENCE_TERMINATION)
    assert termination.related_entry == licence.registry_entries.get(kind=EntryKind.LICENCE)


def test_a_partial_refund_reported_keeps_the_payment_and_the_licence(client, fee):
    licence, payment = fee
    post(client, succeeded(payment))

    post(client, event("charge.refunded", charge(payment, amount_refunded=Decimal("10000.00"))))
    post(client, event("charge.refunded", charge(payment, amount_refunded=Decimal("10000.00"))))  # another event

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.refunded_amount == Decimal("10000.00")
    assert payment.transactions.filter(operation="refund").count() == 1
    assert licence.status == LicenceStatus.IN_FORCE


def test_a_dispute_freezes_the_licence_and_a_dispute_won_unfreezes_it(
    client, fee, finance, mailoutbox, django_capture_on_commit_callbacks
):
    licence, payment = fee
    post(client, succeeded(payment))

    with django_capture_on_commit_callbacks(execute=True):
        post(client, event("charge.dispute.created", dispute(payment)))

    licence.refresh_from_db()
    assert licence.frozen_at is not None and licence.status == LicenceStatus.IN_FORCE
    assert [message.to for message in mailoutbox if payment.reference in message.subject] == [[finance.email]]

    post(client, event("charge.dispute.closed", dispute(payment, status="won")))

    licence.refresh_from_db()
    payment.refresh_from_db()
    assert licence.frozen_at is None and licence.status == LicenceStatus.IN_FORCE
    assert payment.state == PaymentState.SUCCEEDED and payment.refunded_amount == 0


def test_the_licensee_sees_a_frozen_licence_in_its_list_and_the_api(client, fee, firm_admin):
    licence, payment = fee
    post(client, succeeded(payment))
    post(client, event("charge.dispute.created", dispute(payment)))
    client.force_login(firm_admin)

    page = client.get("/licences/mine/").content.decode()
    listed = client.get("/api/v1/licensing/licences/").json()["results"]

    assert licence.reference in page and "已冻结" in page
    assert [row["frozen_at"] is not None for row in listed if row["reference"] == licence.reference] == [True]


def test_a_dispute_lost_is_a_refund_and_ends_the_licence(client, fee):
    licence, payment = fee
    post(client, succeeded(payment))
    post(client, event("charge.dispute.created", dispute(payment)))

    post(client, event("charge.dispute.closed", dispute(payment, status="lost")))

    licence.refresh_from_db()
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED and payment.refunded_amount == Decimal("50000.00")
    assert licence.status == LicenceStatus.TERMINATED and licence.frozen_at is None
    assert licence.registry_entries.filter(kind=EntryKind.LICENCE_TERMINATION).count() == 1


def test_a_dispute_reported_open_after_its_close_freezes_nothing(client, fee):
    licence, payment = fee
    post(client, succeeded(payment))

    post(client, event("charge.dispute.closed", dispute(payment, status="won")))
    post(client, event("charge.dispute.created", dispute(payment)))

    licence.refresh_from_db()
    assert licence.frozen_at is None


def test_a_setup_intent_goes_to_the_registered_handlers(client, stripe_server, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "_SETUP_HANDLERS", [seen.append])
    setup = {"id": "seti_test_1", "object": "setup_intent", "status": "succeeded", "payment_method": "pm_1"}

    post(client, event("setup_intent.succeeded", setup))

    assert [item["id"] for item in seen] == ["seti_test_1"]


def test_a_lapsed_payment_refunded_at_stripe_before_its_success_arrives_is_not_refunded_twice(client, fee):
    licence, payment = fee
    Payment.objects.filter(pk=payment.pk).update(state=PaymentState.EXPIRED)
    paid = succeeded(payment)
    stripe_gateway._client().v1.refunds.create(params={"payment_intent": payment.gateway_reference})

    post(client, event("charge.refunded", charge(payment, amount_refunded=Decimal("50000.00"))))
    post(client, paid)

    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert payment.refunded_amount == Decimal("50000.00")
    assert payment.transactions.filter(operation="refund").count() == 1  # the one reported; none made here
    refunds = stripe_gateway._client().v1.refunds.list(params={"payment_intent": payment.gateway_reference})
    assert len(refunds.data) == 1
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
