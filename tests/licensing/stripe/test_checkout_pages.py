"""The payer's payment page and return page against localstripe, in Chinese: the methods offered with and without
Stripe's keys (bank transfer first), switching a bank transfer to Stripe and back, the return page's state read from
Stripe (never from its address), and who may do what. Nothing is mocked: the intents are driven on localstripe with
the gateway, as Stripe.js would."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from licensing.choices import Gateway, LicenceStatus, PaymentState
from licensing.models import OpenLicence, Payment
from licensing.payments import stripe_gateway
from licensing.services.licences import licence_obtain
from tests.factories import UserFactory, add_member, organisation_in
from tests.licensing.stripe.test_gateway import VISA, pay_by_card
from tests.test_csp import policy

pytestmark = pytest.mark.django_db

AUTHENTICATE = {"number": "4000002500003155", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
DECLINED_ON_CHARGE = {"number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


@pytest.fixture
def licence(declaration, firm, firm_member) -> OpenLicence:
    """The firm's open licence awaiting its ¥50,000.00 fee, by bank transfer (as obtaining it creates it)."""
    return licence_obtain(actor=firm_member, declaration=declaration, licensee=firm, on=timezone.localdate())


@pytest.fixture
def payer(client, firm_member):
    client.force_login(firm_member)
    return client


def page_of(client, payment: Payment) -> str:
    response = client.get(reverse("licensing:payment_detail", args=[payment.reference]))
    assert response.status_code == 200
    return response.content.decode()


def choose(client, payment: Payment, gateway: str):
    return client.post(
        reverse("licensing:payment_method_choose", args=[payment.reference]), {"gateway": gateway}, follow=True
    )


def return_page(client, payment: Payment, query: str = ""):
    return client.get(reverse("licensing:payment_return", args=[payment.reference]) + query)


def attach(payment: Payment, method: dict):
    """What Stripe.js does with a method the payer chose: attach it to the intent and confirm."""
    client = stripe_gateway._client()
    created = client.v1.payment_methods.create(params=method)
    client.v1.payment_intents.update(payment.gateway_reference, params={"payment_method": created.id})
    return client.v1.payment_intents.confirm(payment.gateway_reference)


# Methods offered -------------------------------------------------------------------------------------------------


def test_without_stripe_keys_the_page_says_only_bank_transfer(settings, payer, licence):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""

    page = page_of(payer, licence.payment)

    assert "目前仅支持银行转账" in page
    assert "选择支付方式" not in page and 'name="gateway"' not in page
    assert "如何通过银行转账付款" in page or licence.payment.reference in page


def test_with_stripe_the_methods_are_offered_bank_transfer_first(stripe_server, payer, licence):
    response = payer.get(reverse("licensing:payment_detail", args=[licence.payment.reference]))
    page = response.content.decode()

    assert "目前仅支持银行转账" not in page
    assert "选择支付方式" in page
    bank = page.index('value="bank_transfer" checked')
    stripe = page.index('value="stripe"')
    assert bank < stripe
    assert "银行卡、支付宝、微信支付" in page[stripe : stripe + 200]
    # Not paying through Stripe yet: no Stripe.js, and the page's policy stays the site's own.
    assert "js.stripe.com" not in page
    assert policy(response)["script-src"] == ["'self'"]


def test_only_the_configured_methods_are_named(stripe_server, settings, payer, licence):
    settings.PAYMENT_METHODS = ["card"]

    page = page_of(payer, licence.payment)

    assert "银行卡" in page and "支付宝" not in page and "微信支付" not in page


# Switching -------------------------------------------------------------------------------------------------------


def test_choosing_stripe_starts_an_intent_on_the_same_payment(stripe_server, payer, licence):
    payment = licence.payment

    response = choose(payer, payment, Gateway.STRIPE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "请在下方使用银行卡、支付宝或微信支付付款。" in page
    pay_by = payment.expires_at
    payment.refresh_from_db()
    licence.refresh_from_db()
    assert licence.payment == payment and Payment.objects.count() == 1
    assert payment.expires_at == pay_by  # switching buys no time
    assert payment.gateway == Gateway.STRIPE and payment.state == PaymentState.PENDING
    assert payment.gateway_reference.startswith("pi_")
    intent = stripe_gateway._client().v1.payment_intents.retrieve(payment.gateway_reference)
    assert intent.amount == 5_000_000 and intent.metadata["reference"] == payment.reference
    assert payment.transactions.filter(operation="switch", succeeded=True).count() == 1
    # The Stripe forms replace the transfer's instructions; Stripe.js comes from the local server, allowed there only.
    assert 'id="stripe-checkout"' in page and 'id="transfer-instructions"' not in page
    assert f'src="{stripe_server.url}/js.stripe.com/v3/"' in page
    assert "使用银行卡支付¥50,000.00" in page
    assert "使用支付宝支付¥50,000.00" in page and "使用微信支付支付¥50,000.00" in page
    assert 'aria-live="polite"' in page
    directives = policy(response)
    assert directives["script-src"] == ["'self'", stripe_server.url]
    assert directives["connect-src"] == ["'self'", stripe_server.url]


def test_back_to_bank_transfer_cancels_the_intent_and_stripe_is_not_offered_twice(stripe_server, payer, licence):
    payment = licence.payment
    choose(payer, payment, Gateway.STRIPE)
    payment.refresh_from_db()
    intent_id = payment.gateway_reference

    response = choose(payer, payment, Gateway.BANK_TRANSFER)

    page = response.content.decode()
    assert f"请通过银行转账付款，并在附言中注明付款编号 {payment.reference}。" in page
    assert 'id="transfer-instructions"' in page
    payment.refresh_from_db()
    assert payment.gateway == Gateway.BANK_TRANSFER and payment.gateway_reference == payment.reference
    assert stripe_gateway._client().v1.payment_intents.retrieve(intent_id).status == "canceled"

    again = choose(payer, payment, Gateway.STRIPE).content.decode()

    assert "该笔付款已尝试通过银行卡、支付宝或微信支付支付。请通过银行转账支付" in again
    payment.refresh_from_db()
    assert payment.gateway == Gateway.BANK_TRANSFER


def test_choosing_stripe_without_keys_is_refused(settings, payer, licence):
    settings.STRIPE_SECRET_KEY = ""

    page = choose(payer, licence.payment, Gateway.STRIPE).content.decode()

    assert "请从提供的支付方式中选择一种。" in page
    licence.payment.refresh_from_db()
    assert licence.payment.gateway == Gateway.BANK_TRANSFER


def test_a_paid_payment_offers_no_method(stripe_server, payer, licence):
    payment = licence.payment
    choose(payer, payment, Gateway.STRIPE)
    payment.refresh_from_db()
    pay_by_card(payment)
    return_page(payer, payment)

    page = page_of(payer, payment)

    assert "选择支付方式" not in page and 'id="stripe-checkout"' not in page


# The return page -------------------------------------------------------------------------------------------------


@pytest.fixture
def on_stripe(stripe_server, payer, licence) -> Payment:
    choose(payer, licence.payment, Gateway.STRIPE)
    licence.payment.refresh_from_db()
    return licence.payment


def test_the_return_page_shows_a_paid_card_payment_and_the_licence_takes_effect(payer, on_stripe, licence):
    pay_by_card(on_stripe)

    response = return_page(payer, on_stripe)

    page = response.content.decode()
    assert "已收到 ¥50,000.00，谢谢。" in page
    assert 'http-equiv="refresh"' not in page
    assert f"许可 {licence.reference}" in page
    on_stripe.refresh_from_db()
    licence.refresh_from_db()
    assert on_stripe.state == PaymentState.SUCCEEDED and on_stripe.received_amount == Decimal("50000.00")
    assert licence.status == LicenceStatus.IN_FORCE


def test_the_return_page_believes_stripe_not_its_address(payer, on_stripe, licence):
    """Stripe's redirect says succeeded; the intent has no payment method: nothing is paid, no refresh."""
    response = return_page(payer, on_stripe, f"?payment_intent={on_stripe.gateway_reference}&redirect_status=succeeded")

    page = response.content.decode()
    assert "尚未付款。" in page and "已收到" not in page
    assert "返回付款页面支付" in page
    assert 'http-equiv="refresh"' not in page
    on_stripe.refresh_from_db()
    licence.refresh_from_db()
    assert on_stripe.state == PaymentState.PENDING and licence.status == LicenceStatus.AWAITING_PAYMENT


def test_the_return_page_waits_while_the_bank_asks_for_authentication(payer, on_stripe):
    intent = attach(on_stripe, {"type": "card", "card": AUTHENTICATE})
    assert intent.status == "requires_action"

    page = return_page(payer, on_stripe).content.decode()

    assert "正在等待银行或钱包确认付款。本页每隔几秒自动刷新。" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'role="status" aria-live="polite"' in page
    assert "立即刷新" in page
    on_stripe.refresh_from_db()
    assert on_stripe.state == PaymentState.PENDING


def test_the_return_page_waits_while_the_payment_is_processing(payer, on_stripe):
    """Paid, and not yet captured (localstripe clears nothing later, so the intent captures by hand): processing."""
    client = stripe_gateway._client()
    client.v1.payment_intents.update(on_stripe.gateway_reference, params={"capture_method": "manual"})
    intent = attach(on_stripe, {"type": "card", "card": VISA})
    assert intent.status == "requires_capture"

    page = return_page(payer, on_stripe).content.decode()

    assert "您已付款，银行或钱包仍在处理中。本页每隔几秒自动刷新。" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    on_stripe.refresh_from_db()
    assert on_stripe.state == PaymentState.PROCESSING

    client.v1.payment_intents.capture(on_stripe.gateway_reference)
    page = return_page(payer, on_stripe).content.decode()

    assert "已收到 ¥50,000.00，谢谢。" in page and 'http-equiv="refresh"' not in page


def test_a_card_confirmed_on_the_server_pays(payer, on_stripe):
    method = stripe_gateway._client().v1.payment_methods.create(params={"type": "card", "card": VISA})

    answer = payer.post(
        reverse("licensing:payment_card_confirm", args=[on_stripe.reference]), {"payment_method": method.id}
    )

    assert answer.status_code == 200 and answer.json() == {"state": "succeeded", "status": "succeeded"}
    assert "已收到 ¥50,000.00" in return_page(payer, on_stripe).content.decode()


def test_a_card_declined_on_the_server_says_why_and_nothing_is_paid(payer, on_stripe):
    method = stripe_gateway._client().v1.payment_methods.create(params={"type": "card", "card": DECLINED_ON_CHARGE})

    refused = payer.post(
        reverse("licensing:payment_card_confirm", args=[on_stripe.reference]), {"payment_method": method.id}
    )

    assert refused.status_code == 400
    assert refused.json()["error"].startswith("银行卡未被接受：")
    page = return_page(payer, on_stripe).content.decode()
    assert "尚未付款。" in page and "返回付款页面支付" in page
    on_stripe.refresh_from_db()
    assert on_stripe.state == PaymentState.PENDING


def test_the_server_side_card_confirmation_exists_only_with_a_local_server(settings, payer, on_stripe):
    settings.STRIPE_API_BASE = ""
    response = payer.post(
        reverse("licensing:payment_card_confirm", args=[on_stripe.reference]), {"payment_method": "pm_x"}
    )
    assert response.status_code == 404


# Who may -------------------------------------------------------------------------------------------------------


@pytest.fixture
def outsider(db):
    return add_member(organisation_in("320000", name_zh="无关测试公司"), UserFactory(name="旁人"))


def test_another_organisations_member_sees_nothing_and_changes_nothing(client, stripe_server, outsider, licence):
    payment = licence.payment
    client.force_login(outsider)

    assert client.get(reverse("licensing:payment_detail", args=[payment.reference])).status_code == 404
    assert client.get(reverse("licensing:payment_return", args=[payment.reference])).status_code == 404
    chosen = client.post(reverse("licensing:payment_method_choose", args=[payment.reference]), {"gateway": "stripe"})
    assert chosen.status_code == 404
    payment.refresh_from_db()
    assert payment.gateway == Gateway.BANK_TRANSFER and not payment.transactions.filter(operation="switch").exists()


def test_the_payee_sees_the_payment_but_may_not_choose_how_it_is_paid(client, stripe_server, university_admin, licence):
    payment = licence.payment
    client.force_login(university_admin)

    page = page_of(client, payment)
    chosen = client.post(reverse("licensing:payment_method_choose", args=[payment.reference]), {"gateway": "stripe"})

    assert "选择支付方式" not in page
    assert chosen.status_code == 403
    payment.refresh_from_db()
    assert payment.gateway == Gateway.BANK_TRANSFER


def test_a_visitor_is_sent_to_sign_in(client, licence):
    response = client.get(reverse("licensing:payment_return", args=[licence.payment.reference]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_payment_page_says_so_when_stripe_cannot_be_reached(settings, payer, on_stripe):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there: the connection is refused

    page = page_of(payer, on_stripe)

    assert "暂时无法连接支付服务。请几分钟后重试，或通过银行转账支付。" in page
    assert 'id="stripe-checkout"' not in page and 'value="bank_transfer"' in page
