"""The shared pieces every licensing part stands on: payments are written before the gateway is called, a
payment's handler runs once, and the fund's ledger sums to its balance."""

from decimal import Decimal

import pytest
from django.utils import translation

from licensing.choices import PaymentPurpose, PaymentState
from licensing.exceptions import LicensingError
from licensing.models import Payment
from licensing.payments import services as payments
from licensing.services import fund as fund_services


def test_a_payment_is_pending_with_a_reference_and_the_account_to_pay(university, firm):
    payment = payments.payment_create(
        purpose=PaymentPurpose.OPEN_LICENCE_FEE, description="许可费", amount="50000", payer=firm, payee=university
    )
    assert payment.state == PaymentState.PENDING
    assert payment.amount == Decimal("50000.00")
    assert payment.reference.startswith("TM") and len(payment.reference) == 12
    assert payment.expires_at is not None
    start = payment.transactions.get()
    assert start.operation == "start" and start.response["reference"] == payment.reference


def test_the_handler_runs_once_however_often_a_payment_is_confirmed(university, firm):
    seen = []
    payments.on_succeeded(PaymentPurpose.ROYALTY, seen.append)
    payment = payments.payment_create(
        purpose=PaymentPurpose.ROYALTY, description="提成", amount="10", payer=firm, payee=university
    )
    payments.payment_succeed(payment=payment)
    payments.payment_succeed(payment=payment)
    assert [p.pk for p in seen] == [payment.pk]
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.SUCCEEDED


def test_a_payout_beyond_the_balance_is_refused_and_writes_nothing(fund):
    with translation.override("en"), pytest.raises(LicensingError, match="cannot pay out"):
        fund_services.fund_payout(actor=None, fund=fund, amount=Decimal("1000000.01"), claim=None)
    assert [check.balanced for check in fund_services.funds_verify()] == [True]
    assert fund.movements.count() == 1


def test_the_declaration_fixture_puts_the_open_licence_on_the_registry(declaration, patent):
    from ip_registry.choices import EntryKind

    assert list(patent.entries.values_list("kind", flat=True)).count(EntryKind.OPEN_LICENCE_DECLARATION) == 1
    assert declaration.declared_patents.get().entry.kind == EntryKind.OPEN_LICENCE_DECLARATION
