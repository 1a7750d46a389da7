"""The Stripe gateway over HTTP, with the real ``stripe`` library, against localstripe: intents in fen, one customer
per organisation, the state read back, refunds, cancelling a lapsed intent, the crash before the first call."""

import datetime
from decimal import Decimal

import pytest

from licensing.choices import Gateway, PaymentPurpose, PaymentState
from licensing.exceptions import LicensingError
from licensing.models import Payment, StripeCustomer
from licensing.payments import stripe_gateway
from licensing.payments.services import gateway_for, gateways_offered, payment_create, payments_reconcile

pytestmark = pytest.mark.django_db

VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def pay_by_card(payment, card=VISA):
    """What Stripe.js does on the payment page: attach a card to the intent and confirm it."""
    client = stripe_gateway._client()
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.payment_intents.update(payment.gateway_reference, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(payment.gateway_reference)


def fee(firm, university, amount="50000.00"):
    return payment_create(
        purpose=PaymentPurpose.OPEN_LICENCE_FEE,
        description="开放许可使用费",
        amount=Decimal(amount),
        payer=firm,
        payee=university,
        gateway=Gateway.STRIPE,
    )


def test_minor_units_are_fen_both_ways():
    assert stripe_gateway.to_minor(Decimal("1234.50")) == 123450
    assert stripe_gateway.from_minor(123450) == Decimal("1234.50")
    with pytest.raises(ValueError):
        stripe_gateway.to_minor(Decimal("0.001"))


def test_without_keys_only_bank_transfer_is_offered(settings, firm, university):
    settings.STRIPE_SECRET_KEY = ""
    assert gateways_offered() == [Gateway.BANK_TRANSFER]
    with pytest.raises(LicensingError, match="该支付方式暂不可用"):
        fee(firm, university)
    assert not Payment.objects.exists()


def test_starting_creates_an_intent_in_fen_for_the_payers_customer(stripe_server, firm, university):
    assert gateways_offered() == [Gateway.BANK_TRANSFER, Gateway.STRIPE]
    payment = fee(firm, university, "50000.00")

    assert payment.gateway_reference.startswith("pi_")
    intent = stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference)
    assert intent.amount == 5_000_000
    assert intent.currency == "cny"
    assert intent.metadata["reference"] == payment.reference
    assert intent.customer == StripeCustomer.objects.get(organisation=firm).customer_id
    assert payment.transactions.get(operation="start").succeeded


def test_one_customer_per_organisation(stripe_server, firm, university):
    fee(firm, university)
    fee(firm, university, "100.00")
    assert StripeCustomer.objects.filter(organisation=firm).count() == 1


def test_status_follows_the_intent_to_success(stripe_server, firm, university):
    payment = fee(firm, university, "880.00")
    gateway = gateway_for(Gateway.STRIPE)
    assert gateway.status(payment).state == PaymentState.PENDING

    pay_by_card(payment)

    status = gateway.status(payment)
    assert status.state == PaymentState.SUCCEEDED
    assert status.amount_received == Decimal("880.00")


def test_a_lapsed_unpaid_intent_is_cancelled_at_stripe_and_expires(stripe_server, firm, university):
    payment = fee(firm, university)
    later = payment.expires_at + datetime.timedelta(minutes=1)

    status = gateway_for(Gateway.STRIPE).status(payment, now=later)

    assert status.state == PaymentState.EXPIRED
    assert stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference).status == "canceled"


def test_a_paid_intent_is_not_cancelled_when_its_date_has_passed(stripe_server, firm, university):
    payment = fee(firm, university)
    pay_by_card(payment)

    status = gateway_for(Gateway.STRIPE).status(payment, now=payment.expires_at + datetime.timedelta(days=1))

    assert status.state == PaymentState.SUCCEEDED


def test_a_partial_refund_in_fen(stripe_server, firm, university):
    payment = fee(firm, university, "500.00")
    pay_by_card(payment)

    refund = gateway_for(Gateway.STRIPE).refund(payment, Decimal("120.50"), key=f"refund-{payment.reference}-1")

    assert refund.amount == Decimal("120.50")
    assert refund.state == "succeeded"


def test_a_crash_between_the_row_and_the_call_is_reconciled(stripe_server, firm, university, monkeypatch):
    """The process dies after writing the payment and before Stripe hears of it: the next reconcile starts it."""

    def crash(self, request, *, now=None):
        raise ConnectionError("the process died here")

    monkeypatch.setattr(stripe_gateway.StripeGateway, "start", crash)
    payment = fee(firm, university)
    assert payment.gateway_reference == ""
    monkeypatch.undo()

    report = payments_reconcile()

    payment.refresh_from_db()
    assert report.started == 1
    assert payment.gateway_reference.startswith("pi_")
    pay_by_card(payment)
    payments_reconcile()
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED


def test_a_card_payment_whose_webhook_never_came_is_reconciled(stripe_server, firm, university):
    payment = fee(firm, university)
    pay_by_card(payment)

    report = payments_reconcile()

    payment.refresh_from_db()
    assert report.succeeded == 1
    assert payment.state == PaymentState.SUCCEEDED
    assert payment.received_amount == Decimal("50000.00")
