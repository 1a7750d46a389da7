"""Payments: finance staff confirm bank transfers for exactly the amount due, once; unpaid references expire; a
process that dies between writing the payment and calling its gateway loses nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from licensing.choices import Gateway, PaymentPurpose, PaymentState
from licensing.exceptions import LicensingError
from licensing.models import Payment, Transaction
from licensing.payments import services as payments
from licensing.payments.bank_transfer import BankTransferGateway
from licensing.payments.base import PaymentStatus
from techmarket.audit.models import AuditEvent

PURPOSE = PaymentPurpose.ROYALTY


@pytest.fixture
def paid(monkeypatch):
    """The payments whose purpose's success handler ran, in order."""
    seen = []
    monkeypatch.setitem(payments._HANDLERS, PURPOSE, seen.append)
    return seen


@pytest.fixture
def lapsed(monkeypatch):
    """The payments whose purpose's expiry handler ran, in order."""
    seen = []
    monkeypatch.setitem(payments._EXPIRED_HANDLERS, PURPOSE, seen.append)
    return seen


@pytest.fixture
def payment(university, firm, firm_member, university_admin, firm_admin):
    return payments.payment_create(
        purpose=PURPOSE,
        description="2026年度提成",
        amount=Decimal("50000.00"),
        payer=firm,
        payee=university,
        actor=firm_member,
    )


def _operations(payment):
    return list(payment.transactions.values_list("operation", flat=True))


# Creating --------------------------------------------------------------------------------------------------------


def test_the_payer_gets_the_transfer_instructions_by_email(
    university, firm, firm_member, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        payment = payments.payment_create(
            purpose=PURPOSE, description="提成", amount="1234.5", payer=firm, payee=university, actor=firm_member
        )
    [message] = mailoutbox
    assert sorted(message.to) == sorted([firm_member.email, firm_admin.email])
    assert payment.reference in message.subject and "¥1,234.50" in message.subject
    assert "1001 2345 6789 0123 456" in message.body  # the platform's account
    assert f"{timezone.localtime(payment.expires_at):%Y-%m-%d}" in message.body  # the date to pay by
    assert f"/payments/{payment.reference}/" in message.body


@pytest.mark.parametrize("amount", ["0", "-5", "abc"])
def test_a_payment_of_nothing_or_not_a_number_is_refused_and_writes_nothing(university, firm, amount):
    with pytest.raises(LicensingError), translation.override("en"):
        payments.payment_create(purpose=PURPOSE, description="x", amount=amount, payer=firm, payee=university)
    assert not Payment.objects.exists()


# Confirming receipt ----------------------------------------------------------------------------------------------


def test_finance_confirm_the_exact_amount_and_the_purpose_takes_effect(
    payment, finance, paid, firm_member, firm_admin, university_admin, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000"))
    assert confirmed.state == PaymentState.SUCCEEDED
    assert confirmed.received_amount == Decimal("50000.00") and confirmed.confirmed_by == finance
    assert [p.pk for p in paid] == [payment.pk]
    assert _operations(payment) == ["start", "succeeded"]
    assert AuditEvent.objects.filter(action="payment.succeeded", target_id=str(payment.pk)).count() == 1
    [message] = mailoutbox
    assert sorted(message.to) == sorted([firm_member.email, firm_admin.email, university_admin.email])
    assert payment.reference in message.subject


@pytest.mark.parametrize(
    ("received", "words"),
    [
        ("49000.00", "¥49,000.00 received, ¥1,000.00 less than the ¥50,000.00 due"),
        ("50000.01", "¥50,000.01 received, ¥0.01 more than the ¥50,000.00 due"),
    ],
)
def test_an_amount_that_does_not_match_is_refused_naming_the_difference_and_nothing_is_written(
    payment, finance, paid, received, words
):
    with pytest.raises(LicensingError) as refusal, translation.override("en"):
        payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal(received))
    assert words in str(refusal.value)
    assert payment.reference in str(refusal.value)
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING and payment.received_amount is None
    assert _operations(payment) == ["start"]
    assert paid == []
    assert not AuditEvent.objects.filter(action="payment.succeeded").exists()


def test_confirming_twice_pays_once(payment, finance, paid):
    payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    with pytest.raises(LicensingError, match="already confirmed"), translation.override("en"):
        payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    assert [p.pk for p in paid] == [payment.pk]
    assert _operations(payment) == ["start", "succeeded"]


def test_only_finance_staff_confirm_receipt(payment, firm_admin, university_admin, paid):
    for user in (firm_admin, university_admin, None):
        with pytest.raises(PermissionDenied):
            payments.payment_confirm_receipt(actor=user, payment=payment, amount_received=Decimal("50000.00"))
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING and paid == []


def test_only_bank_transfers_are_confirmed_by_hand(university, firm, finance):
    card = Payment.objects.create(
        reference=payments.new_reference(),
        purpose=PURPOSE,
        description="x",
        amount=Decimal("10.00"),
        payer=firm,
        payee=university,
        gateway=Gateway.STRIPE,
    )
    with pytest.raises(LicensingError, match="Only bank transfers are confirmed by hand"), translation.override("en"):
        payments.payment_confirm_receipt(actor=finance, payment=card, amount_received=Decimal("10.00"))
    card.refresh_from_db()
    assert card.state == PaymentState.PENDING


@pytest.mark.parametrize("amount", ["-1", "12.345", "NaN", "1E+400"])
def test_an_amount_received_that_is_not_money_is_refused(payment, finance, amount):
    with pytest.raises(LicensingError, match="at most two decimal places"), translation.override("en"):
        payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal(amount))


# Expiry ----------------------------------------------------------------------------------------------------------


def test_an_unpaid_reference_expires_after_its_date_and_the_purpose_is_told(
    payment, finance, lapsed, firm_member, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    assert payments.payments_expire(now=payment.expires_at - datetime.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert payments.payments_expire(now=payment.expires_at + datetime.timedelta(seconds=1)) == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.EXPIRED
    assert [p.pk for p in lapsed] == [payment.pk]
    assert _operations(payment) == ["start", "expired"]
    [message] = mailoutbox
    assert firm_member.email in message.to and payment.reference in message.subject
    # Expiring again changes nothing, and a late transfer can no longer be confirmed.
    assert payments.payments_expire(now=payment.expires_at + datetime.timedelta(days=30)) == 0
    with pytest.raises(LicensingError, match="expired unpaid"), translation.override("en"):
        payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    assert len(lapsed) == 1


def test_a_paid_payment_does_not_expire(payment, finance, lapsed):
    payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    assert payments.payments_expire(now=payment.expires_at + datetime.timedelta(days=1)) == 0
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and lapsed == []


# Failing and refunding -------------------------------------------------------------------------------------------


def test_a_failed_payment_keeps_its_reason_and_cannot_then_succeed(payment, paid):
    payments.payment_fail(payment=payment, reason="card declined")
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED and payment.failure_reason == "card declined"
    with pytest.raises(LicensingError, match="cannot become"), translation.override("en"):
        payments.payment_succeed(payment=payment)
    assert paid == []


def test_finance_refund_a_paid_payment_with_a_reason(payment, finance, firm_admin):
    with pytest.raises(LicensingError, match="cannot become"), translation.override("en"):
        payments.payment_refund(actor=finance, payment=payment, reason="重复付款")  # still pending
    payments.payment_confirm_receipt(actor=finance, payment=payment, amount_received=Decimal("50000.00"))
    with pytest.raises(PermissionDenied):
        payments.payment_refund(actor=firm_admin, payment=payment, reason="重复付款")
    with pytest.raises(LicensingError, match="reason"), translation.override("en"):
        payments.payment_refund(actor=finance, payment=payment, reason="  ")
    payments.payment_refund(actor=finance, payment=payment, reason="重复付款")
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert _operations(payment) == ["start", "succeeded", "refund"]


# Reconciliation --------------------------------------------------------------------------------------------------


def _row_only(university, firm) -> Payment:
    """What a process leaves that died after writing the payment row and before calling the gateway."""
    return Payment.objects.create(
        reference=payments.new_reference(),
        purpose=PURPOSE,
        description="入门费",
        amount=Decimal("10000.00"),
        payer=firm,
        payee=university,
    )


def test_a_payment_whose_gateway_was_never_started_is_started_by_reconciliation(
    university, firm, firm_admin, mailoutbox, django_capture_on_commit_callbacks
):
    orphan = _row_only(university, firm)
    now = datetime.datetime(2026, 12, 5, 10, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        report = payments.payments_reconcile(now=now)
    assert (report.checked, report.started, report.errors) == (1, 1, [])
    orphan.refresh_from_db()
    assert orphan.state == PaymentState.PENDING
    assert orphan.expires_at == now + datetime.timedelta(days=14)
    assert _operations(orphan) == ["start"]
    [message] = mailoutbox
    assert firm_admin.email in message.to and orphan.reference in message.subject
    # The next run asks the gateway (a transaction of its own), and the reference lapses in its time.
    report = payments.payments_reconcile(now=now + datetime.timedelta(days=1))
    assert (report.started, report.pending) == (0, 1)
    report = payments.payments_reconcile(now=now + datetime.timedelta(days=15))
    assert report.expired == 1
    orphan.refresh_from_db()
    assert orphan.state == PaymentState.EXPIRED
    assert _operations(orphan) == ["start", "status", "status", "expired"]


class _Gateway:
    """A gateway that answers as told, or fails to answer."""

    def __init__(self, status=None, error=None):
        self.answer, self.error = status, error

    def start(self, request, *, now=None):  # pragma: no cover - the payments here are started already
        raise AssertionError

    def status(self, payment, *, now=None):
        if self.error:
            raise self.error
        return self.answer


class _Flaky:
    """A gateway that cannot be reached the first time it is started."""

    def __init__(self):
        self.calls = 0
        self.real = BankTransferGateway()

    def start(self, request, *, now=None):
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("gateway unreachable")
        return self.real.start(request, now=now)

    def status(self, payment, *, now=None):
        return self.real.status(payment, now=now)


def test_a_gateway_that_fails_to_start_leaves_a_pending_payment_that_reconciliation_starts(
    university, firm, monkeypatch
):
    flaky = _Flaky()
    monkeypatch.setattr(payments, "gateway_for", lambda name: flaky)
    payment = payments.payment_create(purpose=PURPOSE, description="x", amount="10", payer=firm, payee=university)
    assert payment.state == PaymentState.PENDING and payment.expires_at is None
    assert list(payment.transactions.values_list("operation", "succeeded", "error")) == [
        ("start", False, "gateway unreachable")
    ]
    report = payments.payments_reconcile()
    assert (report.started, report.errors) == (1, [])
    payment.refresh_from_db()
    assert payment.expires_at is not None
    assert list(payment.transactions.values_list("operation", "succeeded")) == [("start", False), ("start", True)]


def test_reconciliation_records_what_the_gateway_reports(payment, paid, monkeypatch):
    monkeypatch.setattr(
        payments,
        "gateway_for",
        lambda name: _Gateway(PaymentStatus(state=PaymentState.SUCCEEDED, amount_received=Decimal("50000.00"))),
    )
    report = payments.payments_reconcile()
    assert report.succeeded == 1
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and [p.pk for p in paid] == [payment.pk]
    assert _operations(payment) == ["start", "status", "succeeded"]


def test_a_gateway_that_cannot_be_reached_is_recorded_and_asked_again_next_time(payment, monkeypatch):
    monkeypatch.setattr(payments, "gateway_for", lambda name: _Gateway(error=ConnectionError("timed out")))
    report = payments.payments_reconcile()
    assert report.errors == [f"{payment.reference}: timed out"]
    failed = Transaction.objects.get(payment=payment, operation="status")
    assert not failed.succeeded and failed.error == "timed out"
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_the_reconcile_command_expires_and_starts(university, firm, payment, lapsed):
    orphan = _row_only(university, firm)
    out = StringIO()
    later = (payment.expires_at + datetime.timedelta(days=1)).isoformat()
    call_command("reconcile_payments", "--now", later, stdout=out)
    assert "1 payment(s) expired; 1 pending payment(s) checked: 1 started" in out.getvalue()
    payment.refresh_from_db()
    orphan.refresh_from_db()
    assert payment.state == PaymentState.EXPIRED and orphan.state == PaymentState.PENDING
    assert [p.pk for p in lapsed] == [payment.pk]


def test_the_reconcile_command_fails_when_a_gateway_cannot_be_reached(payment, monkeypatch):
    monkeypatch.setattr(payments, "gateway_for", lambda name: _Gateway(error=ConnectionError("timed out")))
    with pytest.raises(CommandError, match="1 could not be reconciled"):
        call_command("reconcile_payments", "--older-than", "0", stdout=StringIO())
