"""The risk fund's money: every top-up and payout is a row of its ledger, and the ledger sums to the balance after
every step; ``verify_funds`` says so, and names a fund whose balance was changed behind the ledger's back."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation

from licensing.choices import FundMovementKind
from licensing.exceptions import LicensingError
from licensing.models import FundMovement, RiskFund
from licensing.services import fund as fund_services
from tests.factories import UserFactory


def _balanced(fund) -> bool:
    """The fund's ledger sums to its balance, and each row's balance-after is the running sum."""
    fund.refresh_from_db()
    running = Decimal("0.00")
    for movement in fund.movements.order_by("created_at", "pk"):
        running += movement.amount
        if movement.balance_after != running:
            return False
    return running == fund.balance and all(check.balanced for check in fund_services.funds_verify())


def test_top_ups_and_payouts_keep_the_ledger_summing_to_the_balance_after_every_step(fund, finance):
    assert _balanced(fund)
    steps = [
        ("top_up", "250000.00"),
        ("payout", "160000.00"),
        ("top_up", "0.01"),
        ("payout", "1090000.01"),  # to the last cent
        ("top_up", "300000"),
    ]
    for kind, amount in steps:
        if kind == "top_up":
            fund_services.fund_top_up(actor=finance, fund=fund, amount=Decimal(amount), note="注资")
        else:
            fund_services.fund_payout(actor=finance, fund=fund, amount=Decimal(amount), claim=None)
        assert _balanced(fund), (kind, amount)
    assert fund.balance == Decimal("300000.00")
    assert list(fund.movements.values_list("kind", flat=True)) == [
        FundMovementKind.TOP_UP,
        FundMovementKind.TOP_UP,
        FundMovementKind.PAYOUT,
        FundMovementKind.TOP_UP,
        FundMovementKind.PAYOUT,
        FundMovementKind.TOP_UP,
    ]


def test_a_payout_beyond_the_balance_is_refused_naming_the_balance(fund, finance):
    with pytest.raises(LicensingError) as refusal, translation.override("en"):
        fund_services.fund_payout(actor=finance, fund=fund, amount=Decimal("1000000.01"), claim=None)
    assert "The fund holds ¥1,000,000.00: it cannot pay out ¥1,000,000.01" in str(refusal.value)
    assert fund.movements.count() == 1 and _balanced(fund)


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_a_top_up_of_nothing_is_refused(fund, finance, amount):
    with pytest.raises(LicensingError, match=r"more than ¥0\.00"), translation.override("en"):
        fund_services.fund_top_up(actor=finance, fund=fund, amount=Decimal(amount))
    assert fund.movements.count() == 1


def test_only_fund_staff_top_up(fund, firm_admin):
    with pytest.raises(PermissionDenied):
        fund_services.fund_top_up(actor=firm_admin, fund=fund, amount=Decimal("10.00"))
    with pytest.raises(PermissionDenied):
        fund_services.fund_top_up(actor=UserFactory(), fund=fund, amount=Decimal("10.00"))
    assert fund.movements.count() == 1 and _balanced(fund)


def test_a_movement_is_never_changed_or_deleted(fund):
    movement = fund.movements.get()
    movement.amount = Decimal("2000000.00")
    with pytest.raises(ValueError, match="never changed"):
        movement.save()
    with pytest.raises(ValueError, match="never deleted"):
        movement.delete()
    assert FundMovement.objects.get().amount == Decimal("1000000.00")


def test_verify_funds_prints_each_fund_and_passes_when_every_ledger_sums(fund):
    RiskFund.objects.create(
        region="340000", name="安徽风险补偿资金", coverage_ratio=Decimal("70"), per_agreement_cap=Decimal("100000")
    )
    out = StringIO()
    call_command("verify_funds", stdout=out)
    output = out.getvalue()
    assert "yrd" in output and "¥1,000,000.00" in output and "340000" in output
    assert "2 fund(s) checked: every ledger sums to its balance." in output


def test_verify_funds_fails_naming_a_fund_whose_balance_was_changed_behind_the_ledger(fund):
    RiskFund.objects.filter(pk=fund.pk).update(balance=Decimal("1000500.00"))
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_funds", stdout=out)
    assert "yrd (balance ¥1,000,500.00, ledger ¥1,000,000.00, difference ¥+500.00)" in str(failure.value)
    assert "MISMATCH" in out.getvalue()
