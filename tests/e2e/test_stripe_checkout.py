"""Issue 19's acceptance journey, in Chinese pages, against localstripe: an Anhui firm obtains a Shanghai university's
open licence with a ¥50,000 fee, chooses to pay by card instead of bank transfer, pays on the payment page through
Stripe.js (localstripe's stand-in), and sees the licence take effect once Stripe's webhook reports the payment.

The return page also reads the intent's state from Stripe, so while the licence is awaited the browser's request
for it is answered by the test itself: only localstripe's webhook, posted to ``/payments/stripe/webhook/``, can make
the licence take effect. The return page is visited afterwards and shows the payment received.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from licensing.choices import Gateway, LicenceStatus, PaymentState
from licensing.models import OpenLicence, StripeEvent
from tests.e2e.test_licensing_journeys import TITLE, market, shoot, shots, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

WEBHOOK_PATH = "/payments/stripe/webhook/"
VISA = {"number": "4242424242424242", "exp_month": "12", "exp_year": "30", "cvc": "123", "postal_code": "230000"}


def fill_card(page: Page, card: dict[str, str]) -> None:
    """localstripe's card element: one plain input per field, named by its placeholder."""
    element = page.locator("#card-element")
    for field, value in card.items():
        element.locator(f'input[placeholder="{field}"]').fill(value)


def test_a_firm_pays_an_open_licence_fee_by_card_and_the_licence_takes_effect(
    live_server,
    page,
    shots,  # noqa: F811 (the journeys' fixture)
    market,  # noqa: F811 (the journeys' fixture)
    stripe_server,
):
    base = live_server.url
    taken: list[Path] = []
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    stripe_server.send_webhooks_to(base + WEBHOOK_PATH)
    # Only the webhook may make the licence take effect: the return page's own reading of Stripe is held back.
    return_page = re.compile(r"/payments/[^/]+/return/")
    page.route(return_page, lambda route: route.fulfill(status=200, content_type="text/html", body="<p>held</p>"))

    # The firm's member obtains the open licence from the listing: it awaits its fee, by bank transfer by default.
    sign_in(page, base, market["member"])
    page.goto(base + market["listing"].get_absolute_url())
    expect(page.locator("h1")).to_have_text(TITLE)
    page.locator(".open-licence-offer").get_by_role("link", name="取得许可").click()
    page.get_by_label("本人已阅读上述通知书", exact=False).check()
    page.locator("#obtain-form button[type=submit]").click()
    licence = OpenLicence.objects.get()
    payment = licence.payment
    expect(page).to_have_url(f"{base}/payments/{payment.reference}/")
    expect(page.locator("#transfer-instructions")).to_be_visible()

    # Bank transfer is offered first and chosen; the firm chooses the card instead.
    methods = page.locator("#payment-method-form")
    choices = methods.get_by_role("radio")
    expect(choices).to_have_count(2)
    expect(choices.first).to_be_checked()
    expect(methods.locator("label").first).to_contain_text("银行转账")
    methods.get_by_label("银行卡、支付宝、微信支付").check()
    methods.get_by_role("button", name="使用此方式").click()
    expect(page.locator(".message-success")).to_contain_text("请在下方使用银行卡、支付宝或微信支付付款。")
    expect(page.locator("#transfer-instructions")).to_have_count(0)
    payment.refresh_from_db()
    assert payment.gateway == Gateway.STRIPE and payment.gateway_reference.startswith("pi_")

    # The card through Stripe.js (localstripe's card element), confirmed on the intent.
    expect(page.locator("#card-element input")).to_have_count(5)
    fill_card(page, VISA)
    shoot(page, shots, "stripe-card", taken)
    page.get_by_role("button", name="使用银行卡支付¥50,000.00").click()
    expect(page).to_have_url(f"{base}/payments/{payment.reference}/return/")

    # The licence is in force once the payment is reported: its page is reloaded until it says so.
    licence_url = f"{base}/licences/{licence.reference}/"
    page.goto(licence_url)
    status = page.locator("#licence-status")
    for _ in range(30):
        if status.inner_text().strip() == "生效中":
            break
        page.wait_for_timeout(500)
        page.goto(licence_url)
    expect(status).to_have_text("生效中")
    expect(page.locator("#licence-payment")).to_contain_text("已到账")
    shoot(page, shots, "stripe-licence", taken)

    licence.refresh_from_db()
    payment.refresh_from_db()
    assert licence.status == LicenceStatus.IN_FORCE
    assert payment.state == PaymentState.SUCCEEDED and payment.gateway == Gateway.STRIPE
    assert StripeEvent.objects.filter(type="payment_intent.succeeded", object_id=payment.gateway_reference).exists()
    page.unroute(return_page)
    page.goto(f"{base}/payments/{payment.reference}/return/")
    expect(page.locator("#payment-outcome")).to_contain_text("已收到 ¥50,000.00，谢谢。")
    shoot(page, shots, "stripe-return", taken)
    assert problems == []
    print("screenshots:", *taken, sep="\n  ")
