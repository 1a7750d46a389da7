"""Pay later off-session in the browser, against localstripe: a converted firm saves a card that asks for 3-D Secure
(Stripe.js's card element and confirmCardSetup, the bank's check completed), the clock's off-session charge needs
the firm, and the firm confirms it on the payment page with its bank; the instalment is paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from playwright.sync_api import Page, expect

from licensing.choices import InstalmentStatus, PaymentState
from licensing.models import RiskFund, SavedPaymentMethod
from licensing.services import paylater
from licensing.services.clock import licensing_clock
from licensing.services.fund import fund_top_up
from techmarket.accounts.choices import FirmSize, MembershipRole, OrganisationKind
from tests.e2e.test_licensing_journeys import sign_in
from tests.factories import UserFactory, add_member, organisation_in
from tests.licensing.paylater_helpers import D, in_trial, make_offer, pay_later_listing

pytestmark = pytest.mark.e2e

AUTHENTICATE = {
    "number": "4000002500003155",
    "exp_month": "12",
    "exp_year": "30",
    "cvc": "123",
    "postal_code": "230000",
}


@pytest.fixture
def agreement(transactional_db, stripe_server):
    """An Anhui firm's converted agreement with a Shanghai university: four instalments of ¥30,000."""
    caches["pages"].clear()
    university = organisation_in("310000", kind=OrganisationKind.UNIVERSITY, name_zh="上海理工测试大学")
    fund = RiskFund.objects.create(
        region="yrd",
        name="长三角先使用后付费风险补偿资金",
        coverage_ratio=Decimal("80.00"),
        per_agreement_cap=Decimal("200000.00"),
    )
    fund_top_up(actor=None, fund=fund, amount=Decimal("1000000.00"), note="首期注资")
    firm = organisation_in("340000", name_zh="合肥新锐储能科技有限公司", firm_size=FirmSize.SMALL, staff_count=45)
    member = add_member(firm, UserFactory(name="王总"), role=MembershipRole.ADMIN)
    offer = make_offer(pay_later_listing(university), fund)
    agreement = paylater.agreement_convert(actor=None, agreement=in_trial(offer, firm), on=D(2026, 7, 4))
    agreement.member = member
    return agreement


def authenticate(page: Page) -> None:
    """localstripe's 3-D Secure stand-in: a box asking to complete or fail the authentication."""
    page.get_by_role("button", name="Complete authentication").click()


def test_a_firm_saves_a_card_and_confirms_an_instalment_its_bank_wants_authenticated(live_server, page, agreement):
    base = live_server.url
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    sign_in(page, base, agreement.member)

    # The firm saves a card from its agreement's page; the card asks for 3-D Secure, which the firm completes.
    page.goto(f"{base}/agreements/{agreement.reference}/")
    card_panel = page.locator("#instalment-card")
    expect(card_panel).to_contain_text("银行转账仍可使用")
    card_panel.get_by_role("button", name="保存银行卡").click()
    expect(page.locator("h1")).to_have_text("分期付款银行卡")
    element = page.locator("#setup-card-element")
    expect(element.locator("input")).to_have_count(5)
    for field, value in AUTHENTICATE.items():
        element.locator(f'input[placeholder="{field}"]').fill(value)
    page.locator("#save-card").get_by_role("button", name="保存银行卡").click()
    authenticate(page)
    expect(page.locator("#saved-method-state")).to_contain_text("Visa ···· 3155 已保存")
    assert SavedPaymentMethod.objects.usable().count() == 1

    # The clock invoices the first instalment and charges the card; the bank wants the firm to confirm.
    report = licensing_clock(on=D(2026, 7, 20))
    assert (report.charged, report.action_required) == (1, 1)
    instalment = agreement.instalment_rows.select_related("payment").get(number=1)
    assert instalment.status == InstalmentStatus.ACTION_REQUIRED
    payment = instalment.payment

    # The firm follows the e-mail's link to the payment page and confirms the payment with its bank.
    page.goto(f"{base}/payments/{payment.reference}/")
    expect(page.locator("#action-required")).to_contain_text("本期分期款未能从您保存的银行卡扣取")
    page.get_by_role("button", name="与银行确认付款").click()
    authenticate(page)
    expect(page).to_have_url(f"{base}/payments/{payment.reference}/return/")
    expect(page.locator("#payment-outcome")).to_contain_text("已收到 ¥30,000.00，谢谢。")

    instalment.refresh_from_db()
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and instalment.status == InstalmentStatus.PAID
    assert problems == []
