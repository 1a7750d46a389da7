"""``reconcile_payments --older-than MINUTES`` asks Stripe about the open payments not changed for that long: the
webhook that never came is caught, the payment being paid this minute is left to its webhook; a payment whose
clearing failed is pending again, one past its date is cancelled at Stripe and expires. The periodic task does
the same."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from licensing.choices import LicenceStatus, PaymentState
from licensing.models import Payment
from licensing.payments import services, stripe_gateway
from licensing.tasks import reconcile_payments_task

from .webhooks import licence_awaiting_stripe_fee, pay_by_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee(stripe_server, declaration, firm, firm_admin, university_admin):
    return licence_awaiting_stripe_fee(declaration, firm)


def age(payment: Payment, minutes: int) -> None:
    """Make the payment's last change ``minutes`` old (auto_now is bypassed by update())."""
    Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_a_recent_payment_is_left_to_its_webhook_an_older_one_reconciled(fee):
    licence, payment = fee
    pay_by_card(payment)
    out = StringIO()

    call_command("reconcile_payments", "--older-than", "10", stdout=out)

    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert "0 pending payment(s) checked" in out.getvalue()

    age(payment, 11)
    call_command("reconcile_payments", "--older-than", "10", stdout=out)

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert licence.status == LicenceStatus.IN_FORCE
    assert "1 paid" in out.getvalue()


def test_a_processing_payment_whose_clearing_failed_is_pending_again(fee):
    _licence, payment = fee
    services.payment_processing(payment=payment)  # the wallet's clearing began; the intent still waits (localstripe)
    age(payment, 30)

    report = services.payments_reconcile(older_than=datetime.timedelta(minutes=10))

    payment.refresh_from_db()
    assert report.pending == 1
    assert payment.state == PaymentState.PENDING
    assert payment.transactions.filter(operation="attempt_failed").exists()


def test_a_processing_payment_past_its_date_is_cancelled_at_stripe_and_expires(fee):
    licence, payment = fee
    services.payment_processing(payment=payment)
    later = payment.expires_at + datetime.timedelta(hours=1)

    report = services.payments_reconcile(now=later, older_than=datetime.timedelta(minutes=10))

    payment.refresh_from_db()
    licence.refresh_from_db()
    assert report.expired == 1
    assert payment.state == PaymentState.EXPIRED
    assert licence.status == LicenceStatus.CANCELLED
    intent = stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference)
    assert intent.status == "canceled"


def test_the_periodic_task_reconciles_the_older_payments(fee):
    _licence, payment = fee
    pay_by_card(payment)
    age(payment, 20)

    result = reconcile_payments_task.call(older_than_minutes=10)

    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED
    assert result["succeeded"] == 1 and result["errors"] == 0


def test_a_negative_age_is_refused(stripe_server):
    with pytest.raises(CommandError, match="--older-than"):
        call_command("reconcile_payments", "--older-than", "-1", stdout=StringIO())
