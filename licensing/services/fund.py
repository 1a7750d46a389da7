"""The risk funds' money: every movement is a row of the fund's ledger, written with the fund row locked, so the
ledger always sums to the balance (``manage.py verify_funds`` checks it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record

from .. import permissions
from ..choices import ZERO, FundMovementKind
from ..exceptions import LicensingError
from ..models import FundMovement, RiskFund

CENT = Decimal("0.01")


def _move(*, fund: RiskFund, kind: str, amount: Decimal, actor, note: str = "", claim=None) -> FundMovement:
    fund = RiskFund.objects.select_for_update().get(pk=fund.pk)
    balance = fund.balance + amount
    if balance < ZERO:
        raise LicensingError(
            _("The fund holds ¥%(balance)s: it cannot pay out ¥%(amount)s. Top it up first.")
            % {"balance": f"{fund.balance:,.2f}", "amount": f"{-amount:,.2f}"}
        )
    fund.balance = balance
    fund.save(update_fields=["balance", "updated_at"])
    movement = FundMovement.objects.create(
        fund=fund,
        kind=kind,
        amount=amount,
        balance_after=balance,
        claim=claim,
        note=note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=f"fund.{kind}",
        target=fund,
        summary=f"{fund.region} {amount:+,.2f}",
        data={"movement": movement.pk, "balance": str(balance)},
    )
    return movement


@transaction.atomic
def fund_top_up(*, actor, fund: RiskFund, amount: Decimal, note: str = "") -> FundMovement:
    """Platform staff add money to the fund."""
    if actor is not None and not permissions.can_manage_fund(actor):
        raise PermissionDenied
    amount = Decimal(amount).quantize(CENT)
    if amount <= ZERO:
        raise LicensingError(_("A top-up must be more than ¥0.00."))
    return _move(fund=fund, kind=FundMovementKind.TOP_UP, amount=amount, actor=actor, note=note)


@transaction.atomic
def fund_payout(*, actor, fund: RiskFund, amount: Decimal, claim, note: str = "") -> FundMovement:
    """Pay an approved claim out of the fund (refused, and nothing written, if the balance does not cover it)."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= ZERO:
        raise LicensingError(_("A payout must be more than ¥0.00."))
    return _move(fund=fund, kind=FundMovementKind.PAYOUT, amount=-amount, actor=actor, note=note, claim=claim)


@dataclass(frozen=True)
class FundCheck:
    fund: RiskFund
    ledger_sum: Decimal

    @property
    def balanced(self) -> bool:
        return self.ledger_sum == self.fund.balance


def funds_verify() -> list[FundCheck]:
    """Each fund's balance against the sum of its ledger."""
    sums = dict(FundMovement.objects.values_list("fund").annotate(total=Sum("amount")).values_list("fund", "total"))
    return [FundCheck(fund, sums.get(fund.pk) or ZERO) for fund in RiskFund.objects.order_by("region")]
