"""Claims on the risk fund: the amount (coverage within both caps), the staff's decision, and the ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from licensing.choices import AgreementState, ClaimStatus
from licensing.exceptions import LicensingError
from licensing.models import Claim, FundMovement, RiskFund
from licensing.services import claims, paylater
from tests.licensing.paylater_helpers import D, assert_funds_balanced, in_trial, make_offer, pay_later_listing

ON = D(2026, 10, 1)


def defaulted(offer, firm):
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    for step in (paylater.agreement_mark_overdue, paylater.agreement_grace, paylater.agreement_default):
        agreement = step(agreement=agreement, on=ON)
    return agreement


@pytest.fixture
def claim(university, fund, firm):
    return claims.claim_open(agreement=defaulted(make_offer(pay_later_listing(university), fund), firm), on=ON)


def test_the_amount_is_the_coverage_of_the_unpaid_within_both_caps():
    fund = RiskFund(coverage_ratio=Decimal("80.00"), per_agreement_cap=Decimal("200000.00"))
    assert claims.claim_amount(unpaid=Decimal("120000.00"), fund=fund, cap=None) == Decimal("96000.00")
    assert claims.claim_amount(unpaid=Decimal("300000.00"), fund=fund, cap=None) == Decimal("200000.00")
    assert claims.claim_amount(unpaid=Decimal("120000.00"), fund=fund, cap=Decimal("90000.00")) == Decimal("90000.00")


def test_opening_moves_the_agreement_to_claim(claim):
    assert claim.agreement.state == AgreementState.CLAIM
    assert (claim.amount_owed, claim.amount, claim.status) == (
        Decimal("120000.00"),
        Decimal("96000.00"),
        ClaimStatus.OPEN,
    )


def test_an_agreement_not_defaulted_or_not_covered_has_no_claim(university, fund, firm, large_firm):
    agreement = in_trial(make_offer(pay_later_listing(university), fund), firm)
    with translation.override("en"), pytest.raises(LicensingError, match="only when it has defaulted"):
        claims.claim_open(agreement=agreement, on=ON)
    uncovered = defaulted(make_offer(pay_later_listing(university)), firm)
    with translation.override("en"), pytest.raises(LicensingError, match="not covered by a risk fund"):
        claims.claim_open(agreement=uncovered, on=ON)
    assert not Claim.objects.exists()


def test_approval_pays_out_of_the_fund_and_compensates(claim, finance, fund, mailoutbox):
    claim = claims.claim_decide(actor=finance, claim=claim, approve=True, on=ON)
    fund.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and claim.decided_by == finance
    assert fund.balance == Decimal("904000.00")
    assert FundMovement.objects.get(claim=claim).amount == Decimal("-96000.00")
    assert Claim.objects.get(pk=claim.pk).agreement.state == AgreementState.COMPENSATED
    assert_funds_balanced()


def test_a_claim_the_balance_cannot_cover_is_refused_and_nothing_is_written(claim, finance, fund):
    RiskFund.objects.filter(pk=fund.pk).update(balance=Decimal("0.00"))
    FundMovement.objects.create(
        fund=fund, kind="adjustment", amount=Decimal("-1000000.00"), balance_after=Decimal("0.00")
    )
    assert_funds_balanced()
    with translation.override("en"), pytest.raises(LicensingError, match=r"cannot pay out ¥96,000\.00"):
        claims.claim_decide(actor=finance, claim=claim, approve=True, on=ON)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN and claim.agreement.state == AgreementState.CLAIM
    assert not FundMovement.objects.filter(claim=claim).exists()
    assert_funds_balanced()


def test_rejection_needs_a_reason(claim, finance, fund):
    with translation.override("en"), pytest.raises(LicensingError, match="Give the reason for rejecting"):
        claims.claim_decide(actor=finance, claim=claim, approve=False, reason=" ", on=ON)
    claim = claims.claim_decide(actor=finance, claim=claim, approve=False, reason="许可方未按约定催收", on=ON)
    assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "许可方未按约定催收")
    claim.agreement.refresh_from_db()
    assert (claim.agreement.state, claim.agreement.decision_reason) == (
        AgreementState.CLAIM_REJECTED,
        "许可方未按约定催收",
    )
    fund.refresh_from_db()
    assert fund.balance == Decimal("1000000.00")


def test_only_fund_staff_decide_and_only_once(claim, finance, university_admin):
    with pytest.raises(PermissionDenied):
        claims.claim_decide(actor=university_admin, claim=claim, approve=True, on=ON)
    claims.claim_decide(actor=finance, claim=claim, approve=True, on=ON)
    with translation.override("en"), pytest.raises(LicensingError, match="decided already"):
        claims.claim_decide(actor=finance, claim=claim, approve=False, reason="重复", on=ON)
    assert_funds_balanced()
